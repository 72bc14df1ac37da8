// What authors learn from learners: how many finish and pass a course, which test questions trip them, how long lessons take.
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Course, Question } from '../courses/course.types.js';
import { learningOnCourse, type CourseLearningRecord, type QuizAnswerOnRecord } from '../learning/learning.read.js';

/**
 * Fewer learners (or answers) than this and a figure is "za mało danych": the share, median and most chosen wrong
 * answer are withheld, so an author does not read noise — nor one colleague's answer in a small office.
 */
export const MINIMUM_SAMPLE = 5;

/** What the insights need from the platform (a Platform fits). */
export interface CourseInsightsDeps {
  catalogue: Pick<CourseCatalogue, 'require'>;
}

export interface CourseInsightsParams {
  courseId: string;
  /** Only what happened under this version (each fact by its own version, see CourseInsights); all when absent. */
  version?: string;
}

/** The enrolments counted, by how far they got. */
export interface LearnerCounts {
  enrolled: number;
  /** Completed the course. */
  completed: number;
  /** Passed the final test at least once. */
  passed: number;
  /** Took the final test (a graded attempt) and have not passed it. */
  failed: number;
  tooFewData: boolean;
}

/** The wrong answer learners chose most often for one question. */
export interface WrongAnswer {
  /** The option id, or "true"/"false" for a true-false question. */
  optionId: string;
  text: string;
  times: number;
}

/** One final-quiz question: how often it was graded and how often right (its item difficulty). */
export interface QuestionInsight {
  id: string;
  prompt: string;
  /** 1-based, in quiz.yaml order. */
  position: number;
  /** Times it was in a graded attempt (a question left blank counts, as wrong, as the grading counts it). */
  timesAnswered: number;
  timesRight: number;
  timesLeftBlank: number;
  /** timesRight / timesAnswered, 0–1: the item difficulty (low = hard). Absent when tooFewData. */
  rightShare?: number;
  /** rightShare as a whole percentage, for the view. */
  rightPercent?: number;
  /** single, multiple and true-false questions only; absent when tooFewData or nobody chose a wrong option. */
  mostChosenWrong?: WrongAnswer;
  tooFewData: boolean;
}

/** One lesson: how many finished it, and the median time between first opening it and finishing it. */
export interface LessonInsight {
  id: string;
  title: string;
  position: number;
  finished: number;
  /** Absent when tooFewData. */
  medianMinutes?: number;
  /** medianMinutes as the author reads it ("2,5 min"). */
  medianLabel?: string;
  tooFewData: boolean;
}

/**
 * One course's insights, shaped for views/partials/studio-course-insights.hbs. With a version, each fact counts under
 * the version it happened in: learners by the version they enrolled in, answers by the version of their attempt,
 * lesson times by the version the lesson was finished under. Questions and lessons are those of the loaded course;
 * answers to questions it no longer has are left out (their texts are gone).
 */
export interface CourseInsights {
  courseId: string;
  title: string;
  version?: string;
  /** Every version learners enrolled in or took the test under, for a choice of version. */
  versions: string[];
  minimumSample: number;
  learners: LearnerCounts;
  questions: QuestionInsight[];
  lessons: LessonInsight[];
}

const SEPARATOR = '[,]';
const minutesFormat = new Intl.NumberFormat('pl-PL', { maximumFractionDigits: 1 });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function learnerCounts(records: CourseLearningRecord[]): LearnerCounts {
  return {
    enrolled: records.length,
    completed: records.filter((r) => r.completed).length,
    passed: records.filter((r) => r.passed).length,
    failed: records.filter((r) => !r.passed && r.attempts.length > 0).length,
    tooFewData: records.length < MINIMUM_SAMPLE,
  };
}

/** The wrong options in one answer: chosen options outside the correct ones, or the wrong truth value. */
function wrongChoices(question: Question, answer: QuizAnswerOnRecord): string[] {
  if (!answer.answered || answer.success) return [];
  if (question.kind === 'true-false') return [answer.response];
  if (question.kind !== 'single' && question.kind !== 'multiple') return [];
  return answer.response.split(SEPARATOR).filter((id) => id && !(question.correct ?? []).includes(id));
}

function optionText(question: Question, optionId: string): string {
  if (question.kind === 'true-false') return optionId === 'true' ? 'Prawda' : 'Fałsz';
  return question.options?.find((option) => option.id === optionId)?.text ?? optionId;
}

function questionInsight(question: Question, position: number, answers: QuizAnswerOnRecord[]): QuestionInsight {
  const timesRight = answers.filter((a) => a.success).length;
  const tooFewData = answers.length < MINIMUM_SAMPLE;
  const base = {
    id: question.id,
    prompt: question.prompt,
    position,
    timesAnswered: answers.length,
    timesRight,
    timesLeftBlank: answers.filter((a) => !a.answered).length,
    tooFewData,
  };
  if (tooFewData) return base;
  const wrong = new Map<string, number>();
  for (const answer of answers) for (const id of wrongChoices(question, answer)) wrong.set(id, (wrong.get(id) ?? 0) + 1);
  // The most chosen; a tie goes to the option listed first (Map keeps the order first met, so sort by the course's).
  const order = (id: string) => (question.options ?? []).findIndex((option) => option.id === id);
  const [top] = [...wrong.entries()].sort((a, b) => b[1] - a[1] || order(a[0]) - order(b[0]));
  const rightShare = timesRight / answers.length;
  return {
    ...base,
    rightShare,
    rightPercent: Math.round(rightShare * 100),
    ...(top ? { mostChosenWrong: { optionId: top[0], text: optionText(question, top[0]), times: top[1] } } : {}),
  };
}

function lessonInsights(course: Course, records: CourseLearningRecord[], version: string | undefined): LessonInsight[] {
  const finished = records.flatMap((r) => r.lessons).filter((lesson) => !version || lesson.courseVersion === version);
  return course.lessons.map((lesson, index) => {
    const times = finished.filter((f) => f.lessonId === lesson.id).map((f) => f.minutes);
    const tooFewData = times.length < MINIMUM_SAMPLE;
    const base = { id: lesson.id, title: lesson.title, position: index + 1, finished: times.length, tooFewData };
    if (tooFewData) return base;
    const medianMinutes = median(times);
    return { ...base, medianMinutes, medianLabel: `${minutesFormat.format(medianMinutes)} min` };
  });
}

/**
 * The insights of one course (of one version, when given) from what its learners in every office did, read through
 * learning's read API (learningOnCourse: one scan of the enrolments, then `_id` look-ups; an author's occasional
 * page). Only counts leave: no person, no office.
 */
export async function courseInsights(deps: CourseInsightsDeps, params: CourseInsightsParams): Promise<CourseInsights> {
  const course = deps.catalogue.require(params.courseId);
  const all = await learningOnCourse(course.id);
  const { version } = params;
  const versions = [...new Set(all.flatMap((r) => [r.courseVersion, ...r.attempts.map((a) => a.courseVersion)]))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const learners = version ? all.filter((r) => r.courseVersion === version) : all;
  const attempts = all.flatMap((r) => r.attempts).filter((a) => !version || a.courseVersion === version);
  const answersOf = (questionId: string) => attempts.flatMap((a) => a.answers.filter((answer) => answer.questionId === questionId));
  return {
    courseId: course.id,
    title: course.title,
    ...(version ? { version } : {}),
    versions,
    minimumSample: MINIMUM_SAMPLE,
    learners: learnerCounts(learners),
    questions: course.quiz.questions.map((question, index) => questionInsight(question, index + 1, answersOf(question.id))),
    lessons: lessonInsights(course, all, version),
  };
}
