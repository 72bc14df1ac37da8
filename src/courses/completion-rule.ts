// A course's completion rule resolved from course.yaml `completion:` and its defaults: which lessons must be finished
// (and after how long at least), which knowledge checks answered, before the final test may start.
import type { Course, Lesson } from './course.types.js';

/** The share of a lesson's reading time that must pass before it may be finished, when the course sets none. */
export const DEFAULT_MINIMUM_READING_SHARE = 0.5;

/** One lesson the rule requires, with its reading-time floor. */
export interface RequiredLesson {
  lesson: Lesson;
  /** Minutes between first opening the lesson and finishing it, at least (0 = none). */
  minimumMinutes: number;
}

/** A required knowledge check and the lesson that holds it. */
export interface RequiredCheck {
  checkId: string;
  lesson: Lesson;
}

/** The completion rule of a course, every id resolved against its lessons. */
export interface CompletionRule {
  /** Required lessons, in course order. */
  lessons: RequiredLesson[];
  /** The course-wide share of reading time (lessons may set their own minimumMinutes). */
  minimumReadingShare: number;
  /** Whether some lesson sets its own floor (the wording then says "at least the lesson's set time"). */
  perLessonFloors: boolean;
  checks: RequiredCheck[];
}

/** The rule of `course` (course.yaml `completion:` with the defaults: every lesson, half its reading time, no check). */
export function completionRuleOf(course: Course): CompletionRule {
  const settings = course.completion ?? {};
  const share = settings.minimumReadingShare ?? DEFAULT_MINIMUM_READING_SHARE;
  const listed = settings.lessons;
  const lessons = course.lessons.filter((lesson) => !Array.isArray(listed) || listed.includes(lesson.id));
  const checksSetting = settings.checks ?? 'none';
  const checks = course.lessons.flatMap((lesson) =>
    lesson.checks
      .filter((check) => checksSetting === 'all' || (Array.isArray(checksSetting) && checksSetting.includes(check.id)))
      .map((check) => ({ checkId: check.id, lesson })),
  );
  return {
    lessons: lessons.map((lesson) => ({ lesson, minimumMinutes: lessonFloorMinutes(lesson, share) })),
    minimumReadingShare: share,
    perLessonFloors: lessons.some((lesson) => lesson.minimumMinutes !== undefined),
    checks,
  };
}

/** A lesson's floor: its own minimumMinutes, else the share of its reading time. */
export function lessonFloorMinutes(lesson: Lesson, share: number): number {
  return lesson.minimumMinutes ?? lesson.durationMinutes * share;
}

/** The floor of one lesson in `course` (0 when the lesson is not required: it may be finished at once). */
export function floorOfLesson(course: Course, lessonId: string): number {
  return completionRuleOf(course).lessons.find((required) => required.lesson.id === lessonId)?.minimumMinutes ?? 0;
}

/** What the learner has done towards the rule (from LearningProgress). */
export interface CompletionFacts {
  lessonsCompleted: readonly string[];
  checksAnswered: readonly string[];
}

/** What the rule still asks for. */
export interface MissingSteps {
  lessons: RequiredLesson[];
  checks: RequiredCheck[];
}

/** The required lessons not yet finished and checks not yet answered. */
export function missingSteps(rule: CompletionRule, facts: CompletionFacts): MissingSteps {
  const done = new Set(facts.lessonsCompleted);
  const answered = new Set(facts.checksAnswered);
  return {
    lessons: rule.lessons.filter((required) => !done.has(required.lesson.id)),
    checks: rule.checks.filter((check) => !answered.has(check.checkId)),
  };
}

/** True when nothing is missing: the final test may start. */
export function ruleMet(missing: MissingSteps): boolean {
  return missing.lessons.length === 0 && missing.checks.length === 0;
}

/** The rule's steps (lessons, checks, and the final test as one), and how many are done. */
export function stepsDone(rule: CompletionRule, facts: CompletionFacts, testPassed: boolean): { done: number; total: number } {
  const missing = missingSteps(rule, facts);
  const total = rule.lessons.length + rule.checks.length + 1;
  const done = total - 1 - missing.lessons.length - missing.checks.length + (testPassed ? 1 : 0);
  return { done, total };
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** A percentage as the locale writes it: "50 %" in Polish, "50%" in English (the locale's `percent` key). */
function percentOf(value: number, t: Translate): string {
  return t('common:completionRule.percent', { value: Math.round(value * 10) / 10 });
}

/**
 * The rule in one sentence, as the course page, the certificate and the Open Badge criteria state it, e.g.
 * "Ukończenie 6 z 6 lekcji (min. 50 % czasu czytania każdej) i zaliczenie testu końcowego (min. 80 %)".
 */
export function describeCompletionRule(course: Course, t: Translate): string {
  // A SCORM package has no final test: its SCOs report completion and success themselves (src/scorm/).
  if (course.scorm) return t('scorm:rule', { count: course.lessons.length });
  if (course.cmi5) return t('cmi5:rule', { count: course.lessons.length });
  const rule = completionRuleOf(course);
  const parts: string[] = [];
  if (rule.lessons.length) {
    const floor = rule.perLessonFloors
      ? t('common:completionRule.floorPerLesson')
      : rule.minimumReadingShare > 0
        ? t('common:completionRule.floorShare', { share: percentOf(rule.minimumReadingShare * 100, t) })
        : '';
    parts.push(t('common:completionRule.lessons', { count: course.lessons.length, required: rule.lessons.length, floor }).trim());
  }
  if (rule.checks.length) parts.push(t('common:completionRule.checks', { count: rule.checks.length }));
  const test = t('common:completionRule.test', { threshold: percentOf(course.passThreshold, t) });
  const steps = parts.length ? t('common:completionRule.join', { steps: parts.join(', '), test }) : test;
  return steps.charAt(0).toUpperCase() + steps.slice(1);
}
