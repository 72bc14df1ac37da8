// The published courses of courses/: the facts a certificate states about each one hold (length = its lessons),
// and their final tests are tasks from a gmina's daily work, not only recall (issue 18).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadCourse } from '../../src/courses/course.loader.js';

const ROOT = path.resolve('courses');
const folders = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe('courses/ (content of the published courses)', () => {
  it('holds the three original courses, the consultations one under its statutory name and its old id', async () => {
    expect(folders).to.include.members(['rodo-w-urzedzie', 'zamowienia-publiczne-w-jst', 'dialog-techniczny']);
    const loaded = await loadCourse(path.join(ROOT, 'dialog-techniczny'));
    if (!loaded.ok) throw new Error('dialog-techniczny does not load');
    expect(loaded.course.id).to.equal('dialog-techniczny');
    expect(loaded.course.title).to.equal('Wstępne konsultacje rynkowe (dawniej: dialog techniczny)');
  });

  for (const folder of folders) {
    it(`${folder}: durationMinutes in course.yaml is the sum of its lessons' minutes (the certificate states it)`, async () => {
      const loaded = await loadCourse(path.join(ROOT, folder));
      if (!loaded.ok) throw new Error(`${folder} does not load`);
      const lessons = loaded.course.lessons.reduce((sum, lesson) => sum + lesson.durationMinutes, 0);
      expect(loaded.course.durationMinutes, `${folder}: lessons add up to ${lessons}`).to.equal(lessons);
    });
  }

  // The quiz format has no field that marks a question as a scenario, so the scenario questions are named here,
  // one list per course (a question counts when its prompt is a described case from a gmina's work and asks for
  // a decision: a date on the calendar, a legal basis, a channel, what is missing). Proposed format change:
  // an optional `tags:` list on a question, e.g. `tags: [scenariusz]`, which would move these lists into quiz.yaml.
  const SCENARIOS: Record<string, string[]> = {
    'rodo-w-urzedzie': [
      'q-podstawa-monitoring-rynku',
      'q-interes-wylaczony',
      'q-termin-przedluzony',
      'q-kara-biblioteka',
      'q-rejestr-mala-gmina',
      'q-naruszenie-rozpoznanie',
      'q-tf-zgoda-w-sprawach',
      'q-tf-procesor-zglasza',
      'q-dpia-kamery-centrum',
      'q-ord-incydent',
      'q-match-podstawy',
      'q-72h-kalendarz',
      'q-kanal-zgloszenia',
      'q-zadanie-email',
      'q-klauzula-brak',
      'q-iod-zawiadomienie-termin',
    ],
    'zamowienia-publiczne-w-jst': [
      'q-prog-przejsciowy',
      'q-plan-kalendarz',
      'q-ogloszenie-kanal',
      'q-skarga-do-sadu',
      'q-kryteria-oceny',
      'q-ponizej-progu',
      'q-tryby-powyzej-progow',
      'q-jedz-ponizej-progow',
      'q-oferta-papierowa',
      'q-forma-oferty',
      'q-wolna-reka',
      'q-odwolanie-kalendarz',
      'q-standstill-podpis',
      'q-dzielenie-sprzatanie',
      'q-razaco-niska-30',
      'q-kopia-odwolania',
    ],
    'dialog-techniczny': [
      'q-konsultacje-nie-tryb',
      'q-prog-unijny-jst',
      'q-dane-do-wyceny',
      'q-tf-prog-krajowy',
      'q-tf-partnerstwo',
      'q-tf-podsumowanie-tajemnica',
      'q-wykluczyc-na-wszelki-wypadek',
      'q-ogloszenie-braki',
      'q-udip-tajemnica',
      'q-rowny-czas-spotkan',
      'q-ogloszenie-po-konsultacjach',
    ],
  };

  /** Probability that drawing `drawn` of `pool` questions at random (as drawQuestions does) gives at least `need` of the `marked` ones. */
  function chanceOfAtLeast(pool: number, marked: number, drawn: number, need: number): number {
    const choose = (n: number, k: number): number => {
      if (k < 0 || k > n) return 0;
      let result = 1;
      for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
      return result;
    };
    let favourable = 0;
    for (let k = need; k <= Math.min(marked, drawn); k++) favourable += choose(marked, k) * choose(pool - marked, drawn - k);
    return favourable / choose(pool, drawn);
  }

  for (const [courseId, scenarioIds] of Object.entries(SCENARIOS)) {
    it(`${courseId}: at least a third of the final-test pool, and of almost every attempt, are scenarios`, async () => {
      const loaded = await loadCourse(path.join(ROOT, courseId));
      if (!loaded.ok) throw new Error(`${courseId} does not load`);
      const { questions, questionsPerAttempt } = loaded.course.quiz;
      const poolIds = questions.map((question) => question.id);
      expect(poolIds, `${courseId}: every listed scenario is in quiz.yaml`).to.include.members(scenarioIds);
      expect(new Set(scenarioIds).size, `${courseId}: no scenario is listed twice`).to.equal(scenarioIds.length);
      for (const question of questions.filter((q) => scenarioIds.includes(q.id))) {
        expect(question.legalReference, `${courseId}/${question.id}: a scenario names its legal basis`).to.be.a('string').and.not.equal('');
      }
      expect(scenarioIds.length * 3, `${courseId}: ${scenarioIds.length} scenarios in a pool of ${questions.length}`).to.be.at.least(questions.length);
      // The draw is uniform over the pool, so a third per attempt cannot be guaranteed; the pool holds enough that
      // an attempt falls short in fewer than 1 draw in 20.
      const drawn = Math.min(questionsPerAttempt, questions.length);
      const chance = chanceOfAtLeast(questions.length, scenarioIds.length, drawn, Math.ceil(drawn / 3));
      expect(chance, `${courseId}: chance that an attempt of ${drawn} holds at least a third of scenarios`).to.be.at.least(0.95);
    });
  }
});
