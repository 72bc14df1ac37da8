// The lesson player's rules: viewing a lesson (experienced) and answering an in-lesson knowledge check (answered).
import type { Course, Lesson, Question } from '../courses/course.types.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { lessonExperienced, questionAnswered } from '../xapi/learning-statements.js';
import { progressOf, recordFirstOpening, requireEnrolment } from './enrolment.service.js';
import type { EnrolmentDoc } from './enrolment.model.js';
import type { Learner, LearningDeps } from './learner.js';
import type { LearningProgressDoc } from './learning-progress.model.js';
import { decodeCheckAnswer, gradeAnswer, type GradedQuestion } from './quiz-grading.js';

export interface LessonVisit {
  enrolment: EnrolmentDoc;
  lesson: Lesson;
  progress: LearningProgressDoc | null;
}

/** The lesson with the given id, or NotFoundError. */
export function lessonOf(course: Course, lessonId: string): Lesson {
  const lesson = course.lessons.find((l) => l.id === lessonId);
  if (!lesson) throw new NotFoundError('Nie znaleziono lekcji.');
  return lesson;
}

/** Opens a lesson for an enrolled learner: records the first opening of the course and `experienced`. */
export async function viewLesson(deps: LearningDeps, params: { learner: Learner; course: Course; lessonId: string }): Promise<LessonVisit> {
  const { learner, course } = params;
  const lesson = lessonOf(course, params.lessonId);
  const enrolment = await requireEnrolment(learner, course);
  await recordFirstOpening(deps, learner, course, enrolment);
  await deps.recorder.record({ learner, course, registration: enrolment.registration }, (ctx) => [lessonExperienced(ctx, lesson)]);
  return { enrolment, lesson, progress: await progressOf(enrolment) };
}

/** The lesson as it is, without recording anything (re-rendering after a knowledge check). */
export async function lessonWithProgress(params: { learner: Learner; course: Course; lessonId: string }): Promise<LessonVisit> {
  const lesson = lessonOf(params.course, params.lessonId);
  const enrolment = await requireEnrolment(params.learner, params.course);
  return { enrolment, lesson, progress: await progressOf(enrolment) };
}

export interface CheckFeedback {
  checkId: string;
  question: Question;
  graded: GradedQuestion;
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
  return { checkId: question.id, question, graded, chosen };
}
