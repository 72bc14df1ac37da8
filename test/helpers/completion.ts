// Goes through a course's completion rule the way a learner does (lessons opened and finished, required checks
// answered), so tests that start the final test get past its gate.
import { expect } from 'chai';
import { MovableClock, type Clock } from '../../src/calendar/clock.js';
import type { Learner } from '../../src/learning/learner.js';
import { answerKnowledgeCheck, finishLesson, viewLesson, type LessonDeps } from '../../src/learning/lesson.service.js';
import { completionRuleOf } from '../../src/courses/completion-rule.js';
import { loadCourse } from '../../src/courses/course.loader.js';
import type { Course } from '../../src/courses/course.types.js';
import { courseUrl, lessonUrl } from '../../src/learning/learning.presenter.js';
import { csrfTokenFrom, type loginAgent } from './factories.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;

/** The correct answer of a knowledge check, as its form sends it. */
function correctAnswerOf(course: Course, checkId: string): string[] {
  const check = course.lessons.flatMap((lesson) => lesson.checks).find((candidate) => candidate.id === checkId)!;
  return check.kind === 'true-false' ? [String(check.answer)] : (check.correct ?? []);
}

/**
 * Opens each lesson the rule requires and presses "Zakończ lekcję" (a lesson with a reading-time floor needs
 * `clock`, a MovableClock the server runs on, which is moved past the floor), then answers each required check.
 * The learner must be enrolled.
 */
export async function completeRequiredSteps(agent: Agent, course: Course, options: { clock?: MovableClock } = {}): Promise<void> {
  const rule = completionRuleOf(course);
  for (const { lesson, minimumMinutes } of rule.lessons) {
    const url = lessonUrl(course.id, lesson.id);
    const page = await agent.get(url).expect(200);
    if (minimumMinutes > 0) {
      if (!options.clock) throw new Error(`lesson ${lesson.id} has a reading-time floor: pass the server's MovableClock`);
      options.clock.set(new Date(options.clock.now().getTime() + minimumMinutes * 60_000 + 1_000));
    }
    const res = await agent
      .post(`${url}/zakoncz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
    expect(res.status, `finishing lesson ${lesson.id}: ${res.text.slice(0, 300)}`).to.equal(303);
  }
  for (const { checkId, lesson } of rule.checks) {
    const url = lessonUrl(course.id, lesson.id);
    const page = await agent.get(url).expect(200);
    const body = new URLSearchParams({ _csrf: csrfTokenFrom(page.text) });
    for (const value of correctAnswerOf(course, checkId)) body.append('answer', value);
    await agent
      .post(`${url}/sprawdz/${encodeURIComponent(checkId)}`)
      .type('form')
      .send(body.toString())
      .expect(303);
  }
}

/** Enrols on the course from its page ("Zapisz się"), then goes through its completion rule (completeRequiredSteps). */
export async function enrolAndCompleteSteps(agent: Agent, course: Course, options: { clock?: MovableClock } = {}): Promise<void> {
  const page = await agent.get(courseUrl(course.id)).expect(200);
  await agent
    .post(`${courseUrl(course.id)}/zapis`)
    .type('form')
    .send({ _csrf: csrfTokenFrom(page.text) })
    .expect(303);
  await completeRequiredSteps(agent, course, options);
}

/** The example course of test/fixtures/courses as the test servers load it (for files whose helpers have no server). */
export async function exampleCourse(): Promise<Course> {
  const loaded = await loadCourse('test/fixtures/courses/przyklad-kurs');
  if (!loaded.ok) throw new Error('test/fixtures/courses/przyklad-kurs does not load');
  return loaded.course;
}

/**
 * completeRequiredSteps through the services, for tests that call them without HTTP: each required lesson opened
 * and finished (a floor needs `platform.clock` to be a MovableClock), each required check answered correctly.
 */
export async function completeRequiredStepsOf(platform: LessonDeps & { clock: Clock }, learner: Learner, course: Course): Promise<void> {
  const rule = completionRuleOf(course);
  for (const { lesson, minimumMinutes } of rule.lessons) {
    await viewLesson(platform, { learner, course, lessonId: lesson.id });
    if (minimumMinutes > 0) {
      if (!(platform.clock instanceof MovableClock)) throw new Error(`lesson ${lesson.id} has a reading-time floor: the platform needs a MovableClock`);
      platform.clock.set(new Date(platform.clock.now().getTime() + minimumMinutes * 60_000 + 1_000));
    }
    const outcome = await finishLesson(platform, { learner, course, lessonId: lesson.id });
    expect(outcome.finished, `lesson ${lesson.id} finished`).to.equal(true);
  }
  for (const { checkId, lesson } of rule.checks) {
    await answerKnowledgeCheck(platform, { learner, course, lessonId: lesson.id, checkId, answer: correctAnswerOf(course, checkId) });
  }
}
