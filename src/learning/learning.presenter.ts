// Turns courses, enrolments and progress into plain view models for the catalogue, course and "Moje szkolenia" pages.
import { isOverdue, renewalDue, validUntil } from '../calendar/calendar.js';
import { completionRuleOf, describeCompletionRule, stepsDone, type RequiredCheck } from '../courses/completion-rule.js';
import type { Course, Lesson } from '../courses/course.types.js';
import type { EnrolmentDoc } from './enrolment.model.js';
import type { LearningProgressDoc, ProgressStatus } from './learning-progress.model.js';
import type { EnrolmentCertificateStanding } from '../certificates/certificates.read.js';
import { trainingFactsOf } from './dashboard.service.js';
import { trainingStatus, trainingStatusKey, type TrainingFacts, type TrainingStatus } from './training-status.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

export function courseUrl(courseId: string): string {
  return `/szkolenia/${encodeURIComponent(courseId)}`;
}

export function lessonUrl(courseId: string, lessonId: string): string {
  return `${courseUrl(courseId)}/lekcje/${encodeURIComponent(lessonId)}`;
}

export function quizUrl(courseId: string): string {
  return `${courseUrl(courseId)}/test`;
}

/** The login page with the course page to come back to, for a visitor who wants to enrol. */
export function signInToEnrolUrl(courseId: string): string {
  return `/logowanie?next=${encodeURIComponent(courseUrl(courseId))}`;
}

/** What the learner's pages say about a change of law (views/partials/legal-change.hbs); undefined without one. */
export function legalChangeView(mark: TrainingFacts['recertification'] | undefined, t: Translate) {
  if (!mark) return undefined;
  return { notice: t('learning:legalChange.notice', { version: mark.byVersion }), note: mark.note, valid: t('learning:legalChange.valid') };
}

/** A catalogue card. */
export function courseCard(course: Course) {
  return {
    id: course.id,
    url: courseUrl(course.id),
    title: course.title,
    // Course content keeps its own language on an English page (lang attribute, WCAG 3.1.2).
    language: course.language,
    summary: course.summary,
    durationMinutes: course.durationMinutes,
    legalStateDate: course.legalStateDate,
    tags: course.tags,
  };
}

/**
 * The learner's status on a catalogue course, in the one vocabulary (training-status.ts, `common:trainingStatus.*`):
 * undefined when not enrolled. The same facts as the dashboard's (trainingFactsOf): a completion whose certificate was
 * revoked or has expired is not "ukończono".
 */
export function catalogueStatus(
  course: Course,
  enrolment: EnrolmentDoc | undefined,
  progress: LearningProgressDoc | null,
  t: Translate,
  now: Date,
  certificate?: EnrolmentCertificateStanding,
) {
  if (!enrolment) return undefined;
  const facts = trainingFactsOf(course, enrolment, progress, certificate);
  const status: TrainingStatus = trainingStatus(facts, now);
  return { status, label: t(trainingStatusKey(status, Boolean(facts.recertification))), done: status === 'completed' };
}

/** The lessons the learner has viewed that still exist in the course. */
function viewedLessonIds(course: Course, progress: LearningProgressDoc | null): Set<string> {
  const viewed = new Set(progress?.lessonsViewed ?? []);
  return new Set(course.lessons.filter((lesson) => viewed.has(lesson.id)).map((lesson) => lesson.id));
}

/**
 * Percent of the course done, counted in the steps of its completion rule: each required lesson finished, each
 * required check answered, and the passed final test; completed is 100. Reading 3 of 6 lessons is never 100 %.
 */
export function progressPercent(course: Course, progress: LearningProgressDoc | null): number {
  if (!progress) return 0;
  if (progress.status === 'completed') return 100;
  const facts = { lessonsCompleted: progress.lessonsCompleted ?? [], checksAnswered: progress.checksAnswered ?? [] };
  const { done, total } = stepsDone(completionRuleOf(course), facts, progress.status === 'passed');
  return Math.round((100 * done) / total);
}

/** Where the learner stands with one lesson the rule still requires (lesson.service.ts finishingOfLessons). */
export interface MissingLesson {
  lesson: Lesson;
  finishing: { openedAt?: Date; minutesLeft: number; minimumMinutes: number };
}

/** "Still missing" before the final test: each lesson with how long is left, each check with its lesson. */
export function missingStepsView(course: Course, missing: { lessons: MissingLesson[]; checks: RequiredCheck[] }, t: Translate) {
  if (!missing.lessons.length && !missing.checks.length) return undefined;
  return {
    lessons: missing.lessons.map(({ lesson, finishing }) => ({
      title: lesson.title,
      url: lessonUrl(course.id, lesson.id),
      when: !finishing.openedAt
        ? finishing.minimumMinutes > 0
          ? t('learning:completion.lessonNotOpened', { minutes: Math.ceil(finishing.minimumMinutes) })
          : undefined
        : finishing.minutesLeft > 0
          ? t('learning:completion.lessonWait', { minutes: finishing.minutesLeft })
          : t('learning:completion.lessonReady'),
    })),
    checks: missing.checks.map((check) => ({
      lessonTitle: check.lesson.title,
      url: `${lessonUrl(course.id, check.lesson.id)}#sprawdz-${encodeURIComponent(check.checkId)}`,
    })),
    language: course.language,
  };
}

/** Where "Kontynuuj" leads: the last lesson read, the first lesson before any, the quiz once every lesson was read. */
export function continueUrl(course: Course, progress: LearningProgressDoc | null): string {
  const last = progress?.lastLessonId && course.lessons.find((lesson) => lesson.id === progress.lastLessonId);
  if (last) return lessonUrl(course.id, last.id);
  const first = course.lessons[0];
  return first ? lessonUrl(course.id, first.id) : quizUrl(course.id);
}

/** The course page: details, lessons (viewed and finished ones marked), the completion rule, what is still missing. */
export function coursePage(
  course: Course,
  enrolment: EnrolmentDoc | null,
  progress: LearningProgressDoc | null,
  t: Translate,
  missing?: { lessons: MissingLesson[]; checks: RequiredCheck[] },
  certificate?: EnrolmentCertificateStanding,
  now: Date = new Date(),
) {
  // A change of law since the learner's completion: the course must be taken again (the certificate stays valid).
  const legalChange = enrolment ? legalChangeView(trainingFactsOf(course, enrolment, progress, certificate).recertification, t) : undefined;
  const viewed = viewedLessonIds(course, progress);
  const finished = new Set(progress?.lessonsCompleted ?? []);
  const status: ProgressStatus | undefined = enrolment ? (progress?.status ?? 'enrolled') : undefined;
  return {
    ...courseCard(course),
    objectives: course.objectives,
    audience: course.audience,
    author: course.author,
    version: course.version,
    passThreshold: course.passThreshold,
    questionsPerAttempt: course.quiz.questionsPerAttempt,
    /** A SCORM or cmi5 package (src/scorm/, src/cmi5/): no final test to show. */
    scorm: Boolean(course.scorm || course.cmi5),
    lessons: course.lessons.map((lesson, index) => ({
      number: index + 1,
      title: lesson.title,
      url: lessonUrl(course.id, lesson.id),
      durationMinutes: lesson.durationMinutes,
      viewed: viewed.has(lesson.id),
      finished: finished.has(lesson.id),
    })),
    rule: describeCompletionRule(course, t),
    missing: enrolment && missing && progress?.status !== 'passed' && progress?.status !== 'completed' ? missingStepsView(course, missing, t) : undefined,
    enrolled: Boolean(enrolment),
    enrolUrl: `${courseUrl(course.id)}/zapis`,
    continueUrl: continueUrl(course, progress),
    // Done and nothing due: the button reads "Przejrzyj szkolenie", as in "Moje szkolenia" (one word for one state).
    completed: status === 'completed' && !legalChange && !renewalDue(progress?.completedAt, course.validityMonths, now),
    quizUrl: quizUrl(course.id),
    status,
    statusLabel: legalChange ? t('learning:status.renewal_due_law') : status ? t(`learning:status.${status}`) : undefined,
    legalChange,
    percent: progressPercent(course, progress),
  };
}

/** One row of "Moje szkolenia". A course no longer loaded still shows, without links. */
export function enrolmentCard(
  course: Course | undefined,
  enrolment: EnrolmentDoc,
  progress: LearningProgressDoc | null,
  t: Translate,
  now = new Date(),
  certificate?: EnrolmentCertificateStanding,
) {
  const status = progress?.status ?? 'enrolled';
  const percent = course ? progressPercent(course, progress) : 0;
  // A change of law since the completion (its certificate is marked, certificate-recertification.ts) is due too.
  const legalChange = legalChangeView(trainingFactsOf(course, enrolment, progress, certificate).recertification, t);
  const expiredDue = renewalDue(progress?.completedAt, course?.validityMonths, now);
  const due = expiredDue || Boolean(legalChange);
  const done = (status === 'completed' || status === 'passed') && !due;
  return {
    id: String(enrolment._id),
    courseId: enrolment.courseId,
    title: course?.title ?? enrolment.courseId,
    language: course?.language ?? 'pl',
    available: Boolean(course),
    url: course ? courseUrl(course.id) : undefined,
    // A change of law leads to the course page, which says what changed; an expired pass straight to the test.
    continueUrl: course ? (legalChange ? courseUrl(course.id) : due ? quizUrl(course.id) : continueUrl(course, progress)) : undefined,
    percent,
    status: due ? 'renewal_due' : status,
    statusLabel: t(legalChange && !expiredDue ? 'learning:status.renewal_due_law' : due ? 'learning:status.renewal_due' : `learning:status.${status}`),
    legalChange,
    completed: status === 'completed' && !due,
    completedAt: progress?.completedAt ?? undefined,
    // Until when the completion counts (validityMonths): the certificate's validUntil, from the same rule.
    validUntil: progress?.completedAt ? validUntil(progress.completedAt, course?.validityMonths) : undefined,
    lastActivityAt: progress?.lastActivityAt ?? undefined,
    enrolledAt: enrolment.enrolledAt,
    dueDate: enrolment.dueDate ?? undefined,
    overdue: isOverdue(enrolment.dueDate, now) && !done,
    assigned: Boolean(enrolment.assignedBy),
  };
}

/**
 * The course page for a visitor who is not signed in: what the course is (summary, audience, objectives, lessons and
 * their duration, the completion rule and the quiz in numbers), no links into lessons or the quiz, and the way to
 * the login page instead of the enrol button.
 */
export function visitorCoursePage(course: Course, t: Translate) {
  const page = coursePage(course, null, null, t);
  return {
    ...page,
    lessons: page.lessons.map(({ number, title, durationMinutes }) => ({ number, title, durationMinutes })),
    continueUrl: undefined,
    quizUrl: undefined,
    signInUrl: signInToEnrolUrl(course.id),
  };
}
