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
