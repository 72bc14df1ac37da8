import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { create } from 'express-handlebars';
import { MovableClock } from '../../src/calendar/clock.js';
import type { Course, Question } from '../../src/courses/course.types.js';
import { viewHelpers } from '../../src/http/views.js';
import { enrolLearner } from '../../src/learning/enrolment.service.js';
import type { Learner } from '../../src/learning/learner.js';
import { finishLesson, viewLesson } from '../../src/learning/lesson.service.js';
import type { QuizFormAnswer, QuizFormAnswers } from '../../src/learning/quiz-form.js';
import { drawnQuestionsOf, saveQuizAnswers, startQuizAttempt, submitQuizAttempt } from '../../src/learning/quiz.service.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import type { Platform } from '../../src/platform.js';
import { courseInsights, type CourseInsights } from '../../src/studio/course-insights.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { buildTestPlatform, changedCatalogue } from '../helpers/server.js';

/** How a learner answers one question: 'right', 'blank', 'wrong' (the wrong truth value, the order reversed) or a wrong option's id. */
type Plan = string;

/** One question's form answer by the attempt's positions (the form never carries option ids). */
function formAnswer(question: Question, drawn: { itemOrder: string[]; choiceOrder: string[] }, plan: Plan): QuizFormAnswer | undefined {
  if (plan === 'blank') return undefined;
  switch (question.kind) {
    case 'single':
    case 'multiple': {
      const chosen = plan === 'right' ? question.correct! : [plan];
      return { kind: 'options', options: chosen.map((id) => drawn.itemOrder.indexOf(id)) };
    }
    case 'true-false':
      return { kind: 'truth', value: plan === 'right' ? question.answer! : !question.answer };
    case 'ordering': {
      const order = plan === 'right' ? question.order! : [...question.order!].reverse();
      return { kind: 'places', places: new Map(drawn.itemOrder.map((id, position) => [position, order.indexOf(id) + 1])) };
    }
    case 'matching':
      return { kind: 'pairs', pairs: new Map(drawn.itemOrder.map((id, position) => [position, drawn.choiceOrder.indexOf(id)])) };
  }
}

/** Takes one whole attempt through the quiz service: start, save the planned answers, submit. */
async function takeQuiz(platform: Platform, learner: Learner, course: Course, plans: Record<string, Plan>): Promise<boolean> {
  const now = platform.clock.now();
  const attempt = await startQuizAttempt({ learner, course, now });
  const answers: QuizFormAnswers = new Map();
  drawnQuestionsOf(attempt).forEach((drawn, position) => {
    const question = course.quiz.questions.find((q) => q.id === drawn.questionId)!;
    const answer = formAnswer(question, drawn, plans[question.id] ?? 'right');
    if (answer) answers.set(position, answer);
  });
  await saveQuizAnswers({ learner, course, attemptId: String(attempt._id), answers, now });
  const graded = await submitQuizAttempt(platform, { learner, course, attemptId: String(attempt._id), now });
  return graded.passed === true;
}

describe('studio/course-insights', () => {
  useTestDatabase(import.meta.url);
  const clock = new MovableClock(new Date('2026-03-02T08:00:00.000Z'));
  let platform: Platform;
  let course: Course;
  let insights: CourseInsights;
  const userIds: string[] = [];
  const tick = (minutes: number) => clock.set(new Date(clock.now().getTime() + minutes * 60_000));

  /** A learner of `office`, enrolled on `courseVersion`, who opens and finishes each lesson after the given minutes. */
  async function learnerWho(office: Pick<OrganisationDoc, '_id'>, lessonMinutes: number[], courseVersion: Course = course): Promise<Learner> {
    const { user } = await buildLearner({ organisation: office });
    userIds.push(user._id.toHexString());
    const learner: Learner = { id: user._id.toHexString(), organisationId: user.organisationId.toHexString(), learnerId: user.learnerId, fullName: user.fullName };
    await enrolLearner(platform, { learner, course: courseVersion });
    for (const [index, lesson] of courseVersion.lessons.entries()) {
      await viewLesson(platform, { learner, course: courseVersion, lessonId: lesson.id });
      tick(lessonMinutes[index]);
      expect((await finishLesson(platform, { learner, course: courseVersion, lessonId: lesson.id })).finished).to.equal(true);
    }
    return learner;
  }

  before(async function () {
    this.timeout(120_000);
    // Every question in every attempt (no random draw to count around), and no cool-down before a second attempt.
    const catalogue = await changedCatalogue('test/fixtures/courses', 'przyklad-kurs', (loaded) => ({
      ...loaded,
      quiz: { ...loaded.quiz, questionsPerAttempt: loaded.quiz.questions.length, cooldownMinutes: 0 },
    }));
    platform = await buildTestPlatform({ catalogue, clock });
    course = platform.catalogue.require('przyklad-kurs');
    const officeA = await buildOrganisation();
    const officeB = await buildOrganisation();

    // Points: minimalizacja 1, podstawy 2, iod 1, naruszenie 2, organy 2, termin 1 (9); 70 % to pass.
    const l0 = await learnerWho(officeA, [2, 10]);
    expect(await takeQuiz(platform, l0, course, {})).to.equal(true);
    const l1 = await learnerWho(officeA, [4, 10]);
    expect(await takeQuiz(platform, l1, course, {})).to.equal(true);
    const l2 = await learnerWho(officeA, [6, 10]);
    expect(await takeQuiz(platform, l2, course, { 'q-minimalizacja': 'b', 'q-iod': 'wrong' })).to.equal(true);
    const l3 = await learnerWho(officeA, [8, 10]);
    expect(await takeQuiz(platform, l3, course, { 'q-minimalizacja': 'b' })).to.equal(true);
    // Another office's learners count too: one fails, then passes; one fails and stops.
    const l4 = await learnerWho(officeB, [10, 10]);
    expect(await takeQuiz(platform, l4, course, { 'q-minimalizacja': 'b', 'q-naruszenie': 'wrong', 'q-organy': 'blank' })).to.equal(false);
    expect(await takeQuiz(platform, l4, course, {})).to.equal(true);
    const l5 = await learnerWho(officeB, [12, 30]);
    expect(await takeQuiz(platform, l5, course, { 'q-minimalizacja': 'c', 'q-naruszenie': 'wrong', 'q-organy': 'blank' })).to.equal(false);
    // Enrolled, never opened a lesson.
    const { user: idle } = await buildLearner({ organisation: officeB });
    userIds.push(idle._id.toHexString());
    await enrolLearner(platform, {
      learner: { id: idle._id.toHexString(), organisationId: idle.organisationId.toHexString(), learnerId: idle.learnerId, fullName: idle.fullName },
      course,
    });
    // One learner of a later version, who only reads.
    await learnerWho(officeA, [1, 1], { ...course, version: '1.1.0' });

    insights = await courseInsights(platform, { courseId: 'przyklad-kurs', version: '1.0.0' });
  });

  it('counts the learners of the version in every office: enrolled, completed, passed, failed', () => {
    expect(insights.versions).to.deep.equal(['1.0.0', '1.1.0']);
    expect(insights.learners).to.deep.equal({ enrolled: 7, completed: 5, passed: 5, failed: 1, tooFewData: false });
  });

  it('gives each question its answers, share right and the wrong option chosen most, with its text', () => {
    const byId = new Map(insights.questions.map((q) => [q.id, q]));
    // 7 graded attempts (l4 took two): right in l0, l1, l4's second; "b" three times, "c" once.
    expect(byId.get('q-minimalizacja')).to.deep.include({ timesAnswered: 7, timesRight: 3, timesLeftBlank: 0, rightPercent: 43, tooFewData: false });
    expect(byId.get('q-minimalizacja')!.rightShare).to.be.closeTo(3 / 7, 1e-9);
    expect(byId.get('q-minimalizacja')!.mostChosenWrong).to.deep.equal({ optionId: 'b', text: 'Przejrzystość', times: 3 });
    expect(byId.get('q-iod')).to.deep.include({ timesAnswered: 7, timesRight: 6, rightPercent: 86 });
    expect(byId.get('q-iod')!.mostChosenWrong).to.deep.equal({ optionId: 'false', text: 'Fałsz', times: 1 });
    // Left blank twice: counted as answered and not right, with no "wrong option" for a matching question.
    expect(byId.get('q-organy')).to.deep.include({ timesAnswered: 7, timesRight: 5, timesLeftBlank: 2, rightPercent: 71 });
    expect(byId.get('q-organy')!.mostChosenWrong).to.equal(undefined);
    expect(byId.get('q-termin')).to.deep.include({ timesAnswered: 7, timesRight: 7, rightPercent: 100 });
    expect(byId.get('q-termin')!.mostChosenWrong).to.equal(undefined);
  });

  it('gives each lesson the median minutes from opening to finishing', () => {
    // Lesson 1: 2, 4, 6, 8, 10, 12 → 7; lesson 2: five at 10 and one at 30 → 10. The 1.1.0 learner is left out.
    // (The movable clock moves on with the real one too: a few milliseconds more.)
    const [first, second] = insights.lessons;
    expect(first).to.deep.include({ id: 'wprowadzenie', title: 'Wprowadzenie', position: 1, finished: 6, medianLabel: '7 min', tooFewData: false });
    expect(first.medianMinutes).to.be.closeTo(7, 0.05);
    expect(second).to.deep.include({ id: 'podsumowanie', title: 'Podsumowanie', position: 2, finished: 6, medianLabel: '10 min', tooFewData: false });
    expect(second.medianMinutes).to.be.closeTo(10, 0.05);
  });

  it('says "za mało danych" below five learners or answers, and withholds the figures', async () => {
    const later = await courseInsights(platform, { courseId: 'przyklad-kurs', version: '1.1.0' });
    expect(later.learners).to.deep.equal({ enrolled: 1, completed: 0, passed: 0, failed: 0, tooFewData: true });
    for (const question of later.questions) {
      expect(question).to.deep.include({ timesAnswered: 0, tooFewData: true });
      expect(question.rightShare).to.equal(undefined);
    }
    expect(later.lessons.map((lesson) => [lesson.finished, lesson.tooFewData, lesson.medianMinutes])).to.deep.equal([
      [1, true, undefined],
      [1, true, undefined],
    ]);
  });

  it('counts every version when none is asked for, and names no person', async () => {
    const all = await courseInsights(platform, { courseId: 'przyklad-kurs' });
    expect(all.learners.enrolled).to.equal(8);
    expect(all.lessons.map((lesson) => lesson.finished)).to.deep.equal([7, 7]);
    // Lesson 1 with the 1.1.0 learner's minute: 1, 2, 4, 6, 8, 10, 12 → 6.
    expect(all.lessons[0].medianMinutes).to.be.closeTo(6, 0.05);
    const text = JSON.stringify(all);
    for (const id of userIds) expect(text).to.not.contain(id);
  });

  it('renders the partial with captioned tables and "za mało danych" in place of withheld figures', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'studio-insights-view-'));
    try {
      writeFileSync(path.join(root, 'page.hbs'), '{{> studio-course-insights insights}}');
      const engine = create({ extname: '.hbs', partialsDir: path.resolve('views/partials'), helpers: viewHelpers });
      const html = await engine.render(path.join(root, 'page.hbs'), { insights });
      expect(html).to.contain('<caption id="course-insights-learners-caption">Kursanci</caption>');
      expect(html).to.match(/<th scope="row">Zapisani<\/th><td>7<\/td>/);
      expect(html).to.match(/<th scope="row">1\. Która zasada ogranicza zakres zbieranych danych\?<\/th>\s*<td>7<\/td>\s*<td>43%<\/td>\s*<td>Przejrzystość \(3×\)<\/td>/);
      expect(html).to.contain('<td>7 min</td>');
      const later = await engine.render(path.join(root, 'page.hbs'), { insights: await courseInsights(platform, { courseId: 'przyklad-kurs', version: '1.1.0' }) });
      expect(later).to.contain('Za mało danych, by wyciągać wnioski');
      expect(later.match(/<td class="course-insights__noise">za mało danych<\/td>/g)).to.have.length(6 * 2 + 2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
