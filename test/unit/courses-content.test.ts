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

  // The first digital-skills course (issue 18 point 4): a figure with a text alternative, handouts the lessons cite,
  // and its last lesson ends with the sources and the legal-state date the manifest states.
  it('holds the digital-accessibility course with figures, cited handouts, sources and its legal-state date', async () => {
    const loaded = await loadCourse(path.join(ROOT, 'dostepnosc-cyfrowa-w-urzedzie'));
    if (!loaded.ok) throw new Error(`dostepnosc-cyfrowa-w-urzedzie does not load: ${loaded.errors.map((e) => e.message).join('; ')}`);
    const { course } = loaded;
    const images = course.lessons.flatMap((lesson) => [...lesson.html.matchAll(/<img [^>]*>/g)].map((match) => match[0]));
    expect(images.length, 'figures in the lessons').to.be.at.least(1);
    for (const image of images) {
      const alt = /alt="([^"]*)"/.exec(image)?.[1] ?? '';
      expect(alt.length, `${image}: a text alternative that says what the figure shows`).to.be.at.least(40);
    }
    const handouts = course.lessons.flatMap((lesson) => lesson.handouts ?? []);
    expect(handouts.map((handout) => handout.format)).to.include('DOCX');
    expect(new Set(handouts.map((handout) => handout.href)).size, 'distinct handouts').to.be.at.least(2);
    const last = [...course.lessons].sort((a, b) => a.order - b.order).at(-1)!;
    expect(last.toc?.map((heading) => heading.text)).to.include('Źródła i stan prawny');
    const [year, month, day] = course.legalStateDate.split('-').map(Number);
    const months = ['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia', 'września', 'października', 'listopada', 'grudnia'];
    expect(last.html, "the sources state the manifest's legal-state date").to.contain(`${day} ${months[month - 1]} ${year} r.`);
    expect(last.html).to.contain('Dz.U. z 2023 r. poz. 1440').and.contain('Dz.U. z 2019 r. poz. 1696');
  });

  for (const folder of folders) {
    it(`${folder}: durationMinutes in course.yaml is the sum of its lessons' minutes (the certificate states it)`, async () => {
      const loaded = await loadCourse(path.join(ROOT, folder));
      if (!loaded.ok) throw new Error(`${folder} does not load`);
      const lessons = loaded.course.lessons.reduce((sum, lesson) => sum + lesson.durationMinutes, 0);
      expect(loaded.course.durationMinutes, `${folder}: lessons add up to ${lessons}`).to.equal(lessons);
    });
  }

  // A scenario is a final-test question marked `scenario: true`: a described case from a gmina's work that asks for a
  // decision (a date on the calendar, a legal basis, a channel, what a drafted notice lacks). quiz.yaml's
  // scenariosPerAttempt makes the draw put that many into every attempt (learning/quiz-grading.ts drawQuestions).
  for (const folder of folders) {
    it(`${folder}: a third of the final-test pool and of every attempt are scenarios, each with its legal basis`, async () => {
      const loaded = await loadCourse(path.join(ROOT, folder));
      if (!loaded.ok) throw new Error(`${folder} does not load`);
      const { questions, questionsPerAttempt, scenariosPerAttempt } = loaded.course.quiz;
      const scenarios = questions.filter((question) => question.scenario);
      for (const question of scenarios) {
        expect(question.legalReference, `${folder}/${question.id}: a scenario names its legal basis`).to.be.a('string').and.not.equal('');
      }
      expect(scenarios.length * 3, `${folder}: ${scenarios.length} scenarios in a pool of ${questions.length}`).to.be.at.least(questions.length);
      expect(scenariosPerAttempt, `${folder}: scenariosPerAttempt in quiz.yaml`).to.be.a('number');
      expect(scenariosPerAttempt! * 3, `${folder}: ${scenariosPerAttempt} scenarios in an attempt of ${questionsPerAttempt}`).to.be.at.least(questionsPerAttempt);
    });
  }
});
