// The lesson player's rules: viewing a lesson (experienced), finishing it after its reading-time floor (completed),
// and answering an in-lesson knowledge check (answered).
import type { Clock } from '../calendar/clock.js';
import { floorOfLesson } from '../courses/completion-rule.js';
import type { Course, Lesson } from '../courses/course.types.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { derivedStatementId, lessonCompleted, lessonExperienced, questionAnswered } from '../xapi/learning-statements.js';
import { LessonOpening, lessonOpeningId, type LessonOpeningDoc } from './lesson-opening.model.js';
import { progressOf, recordFirstOpening, requireEnrolment } from './enrolment.service.js';
import type { EnrolmentDoc } from './enrolment.model.js';
import type { Learner, LearningDeps } from './learner.js';
import type { LearningProgressDoc } from './learning-progress.model.js';
import { decodeCheckAnswer, gradeAnswer } from './quiz-grading.js';

export interface LessonVisit {
  enrolment: EnrolmentDoc;
  lesson: Lesson;
  progress: LearningProgressDoc | null;
  /** Where the learner stands with finishing the lesson (its reading-time floor). */
  finishing: LessonFinishing;
}

/** What the lesson services that time a lesson need from the platform (a Platform fits). */
export interface LessonDeps extends LearningDeps {
  clock: Clock;
}

/** Whether the lesson may be finished now: done already, or the floor and when it has passed. */
export interface LessonFinishing {
  finished: boolean;
  /** The floor in minutes (0 = the lesson may be finished at once). */
  minimumMinutes: number;
  openedAt?: Date;
  /** Whole minutes still to wait (rounded up); 0 once the floor has passed. */
  minutesLeft: number;
}

/** The first opening of a lesson by an enrolment, read by `_id`; null before it was opened. */
async function openingOf(enrolment: EnrolmentDoc, lessonId: string): Promise<LessonOpeningDoc | null> {
  const opening = await LessonOpening.findById(lessonOpeningId(enrolment._id, lessonId)).lean<LessonOpeningDoc>();
  return opening && String(opening.organisationId) === String(enrolment.organisationId) ? opening : null;
}

/** Stores the first opening at `now` (the first insert wins, so a reopening keeps the first time) and returns it. */
async function recordOpening(enrolment: EnrolmentDoc, lessonId: string, now: Date): Promise<LessonOpeningDoc | null> {
  const existing = await openingOf(enrolment, lessonId);
  if (existing) return existing;
  try {
    await LessonOpening.create({ _id: lessonOpeningId(enrolment._id, lessonId), organisationId: enrolment.organisationId, enrolmentId: enrolment._id, lessonId, openedAt: now });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  return openingOf(enrolment, lessonId);
}

function finishingOf(course: Course, lesson: Lesson, progress: LearningProgressDoc | null, opening: LessonOpeningDoc | null, now: Date): LessonFinishing {
  const minimumMinutes = floorOfLesson(course, lesson.id);
  const finished = (progress?.lessonsCompleted ?? []).includes(lesson.id);
  const readyAt = opening ? opening.openedAt.getTime() + minimumMinutes * 60_000 : undefined;
  const minutesLeft = finished || minimumMinutes === 0 ? 0 : readyAt === undefined ? Math.ceil(minimumMinutes) : Math.max(0, Math.ceil((readyAt - now.getTime()) / 60_000));
  return { finished, minimumMinutes, openedAt: opening?.openedAt, minutesLeft };
}

/** Where the learner stands with finishing each of the given lessons (for the lists of what is still missing). */
export async function finishingOfLessons(deps: { clock: Clock }, params: { course: Course; enrolment: EnrolmentDoc; progress: LearningProgressDoc | null; lessons: Lesson[] }) {
  const now = deps.clock.now();
  return Promise.all(
    params.lessons.map(async (lesson) => ({ lesson, finishing: finishingOf(params.course, lesson, params.progress, await openingOf(params.enrolment, lesson.id), now) })),
  );
}

/** The lesson with the given id, or NotFoundError. */
export function lessonOf(course: Course, lessonId: string): Lesson {
  const lesson = course.lessons.find((l) => l.id === lessonId);
  if (!lesson) throw new NotFoundError('Nie znaleziono lekcji.');
  return lesson;
}

/**
 * Opens a lesson for an enrolled learner: records the first opening of the course, `experienced`, and the lesson's
 * first opening time (platform clock), from which its reading-time floor counts.
 */
export async function viewLesson(deps: LessonDeps, params: { learner: Learner; course: Course; lessonId: string }): Promise<LessonVisit> {
  const { learner, course } = params;
  const lesson = lessonOf(course, params.lessonId);
  const enrolment = await requireEnrolment(learner, course);
  await recordFirstOpening(deps, learner, course, enrolment);
  const now = deps.clock.now();
  const opening = await recordOpening(enrolment, lesson.id, now);
  await deps.recorder.record({ learner, course, registration: enrolment.registration }, (ctx) => [lessonExperienced(ctx, lesson)]);
  const progress = await progressOf(enrolment);
  return { enrolment, lesson, progress, finishing: finishingOf(course, lesson, progress, opening, now) };
}

/** The lesson as it is, without recording anything (re-rendering after a knowledge check, a HEAD request). */
export async function lessonWithProgress(deps: { clock: Clock }, params: { learner: Learner; course: Course; lessonId: string }): Promise<LessonVisit> {
  const lesson = lessonOf(params.course, params.lessonId);
  const enrolment = await requireEnrolment(params.learner, params.course);
  const progress = await progressOf(enrolment);
  return { enrolment, lesson, progress, finishing: finishingOf(params.course, lesson, progress, await openingOf(enrolment, lesson.id), deps.clock.now()) };
}

/** The id of an enrolment's `completed` statement of a lesson: derived, so finishing twice records it once (and it is found by `_id`). */
export function lessonCompletedStatementId(enrolmentId: EnrolmentDoc['_id'], lessonId: string): string {
  return derivedStatementId(`lesson-completed:${enrolmentId.toHexString()}:${lessonId}`);
}

/** The outcome of "Zakończ lekcję": finished (now or before), or refused because the floor has not passed. */
export type FinishOutcome = { finished: true; already: boolean } | { finished: false; visit: LessonVisit };

/**
 * "Zakończ lekcję": records `completed` for the lesson once its reading-time floor has passed since the learner first
 * opened it (both times on the platform clock). Too early, nothing is recorded and the outcome carries the minutes
 * left. A lesson never opened counts as opened now (a POST without the page). The statement's id is derived from the
 * enrolment and lesson, so two clicks record it once.
 */
export async function finishLesson(deps: LessonDeps, params: { learner: Learner; course: Course; lessonId: string }): Promise<FinishOutcome> {
  const { learner, course } = params;
  const lesson = lessonOf(course, params.lessonId);
  const enrolment = await requireEnrolment(learner, course);
  const progress = await progressOf(enrolment);
  if ((progress?.lessonsCompleted ?? []).includes(lesson.id)) return { finished: true, already: true };
  const now = deps.clock.now();
  const opening = await recordOpening(enrolment, lesson.id, now);
  const finishing = finishingOf(course, lesson, progress, opening, now);
  if (finishing.minutesLeft > 0) return { finished: false, visit: { enrolment, lesson, progress, finishing } };
  const id = lessonCompletedStatementId(enrolment._id, lesson.id);
  await deps.recorder.recordOnce({ learner, course, registration: enrolment.registration }, (ctx) => [lessonCompleted(ctx, lesson, id)]);
  return { finished: true, already: false };
}

/** A knowledge check just answered, as the lesson shows it: plain data, so it can wait in the session for the page after the redirect. */
export interface CheckFeedback {
  checkId: string;
  success: boolean;
  /** What the learner chose (option ids or 'true'/'false'), to keep the form as they left it. */
  chosen: string[];
}

/**
 * Grades an in-lesson knowledge check on the server and records `answered` (parent: the lesson).
 * Nothing chosen, or something that is not one of its options, is a ValidationError on the field `answer`.
 */
export async function answerKnowledgeCheck(
  deps: LearningDeps,
  params: {
    learner: Learner;
    course: Course;
    lessonId: string;
    checkId: string;
    answer: string | string[] | undefined;
  },
): Promise<CheckFeedback> {
  const { learner, course } = params;
  const lesson = lessonOf(course, params.lessonId);
  const question = lesson.checks.find((check) => check.id === params.checkId);
  if (!question) throw new NotFoundError('Nie znaleziono pytania sprawdzającego.');
  const enrolment = await requireEnrolment(learner, course);
  const answer = decodeCheckAnswer(question, params.answer);
  if (!answer) throw new ValidationError({ answer: ['learning:check.chooseAnswer'] });
  const graded = gradeAnswer(question, answer);
  await deps.recorder.record({ learner, course, registration: enrolment.registration }, (ctx) => [
    questionAnswered(ctx, question, { response: graded.response, success: graded.success, parent: { lessonId: lesson.id } }),
  ]);
  const chosen = answer.kind === 'truth' ? [String(answer.value)] : answer.kind === 'choice' ? answer.optionIds : [];
  return { checkId: question.id, success: graded.success, chosen };
}
