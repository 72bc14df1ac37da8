// Input schemas of the studio pages: a new course, the manifest, a lesson, the quiz settings, a question, review and
// publishing. Messages are locale keys (locales/<lng>/studio.json); the course checks (loadCourse) judge the rest.
import semver from 'semver';
import { z } from 'zod';
import { QUESTION_KINDS } from '../courses/course.schemas.js';

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const lines = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
    : value;
const commaList = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/** A one-line text: no line breaks (it goes into YAML, titles and certificates). */
const line = (key: string, max = 200) =>
  z
    .string({ error: `studio:errors.${key}Required` })
    .trim()
    .min(1, { error: `studio:errors.${key}Required` })
    .max(max, { error: 'studio:errors.tooLong' })
    .regex(/^[^\r\n]*$/, { error: 'studio:errors.oneLine' });
const paragraph = (key: string, max = 2000) =>
  z
    .string({ error: `studio:errors.${key}Required` })
    .trim()
    .min(1, { error: `studio:errors.${key}Required` })
    .max(max, { error: 'studio:errors.tooLong' });
/** A whole number typed in a field, from min to max; a blank field is "nothing typed" (the message of `key`). */
const numberIn = (key: string, min: number, max: number) =>
  z.coerce
    .number({ error: `studio:errors.${key}` })
    .int({ error: `studio:errors.${key}` })
    .min(min, { error: `studio:errors.${key}` })
    .max(max, { error: `studio:errors.${key}` });
const wholeNumber = (key: string, min: number, max: number) => z.preprocess(emptyToUndefined, numberIn(key, min, max));
const optionalWholeNumber = (key: string, min: number, max: number) => z.preprocess(emptyToUndefined, numberIn(key, min, max).optional());
const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === '1', z.boolean());

/** `:courseId` in the paths: a slug, as course.yaml's id. */
export const StudioCourseParams = z.object({
  courseId: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'Nie znaleziono szkolenia.' })
    .max(80),
});
export type StudioCourseParams = z.infer<typeof StudioCourseParams>;
export const StudioLessonParams = StudioCourseParams.extend({
  lessonId: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'Nie znaleziono lekcji.' })
    .max(80),
});
export type StudioLessonParams = z.infer<typeof StudioLessonParams>;
export const StudioQuestionParams = StudioCourseParams.extend({
  questionId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { error: 'Nie znaleziono pytania.' })
    .max(80),
});
export type StudioQuestionParams = z.infer<typeof StudioQuestionParams>;

export const NewCourseBody = z.object({
  title: line('title'),
  courseId: z
    .string({ error: 'studio:errors.courseIdRequired' })
    .trim()
    .toLowerCase()
    .min(3, { error: 'studio:errors.courseIdRequired' })
    .max(60, { error: 'studio:errors.courseIdInvalid' })
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'studio:errors.courseIdInvalid' }),
});
export type NewCourseBody = z.infer<typeof NewCourseBody>;

export const ManifestBody = z.object({
  title: line('title'),
  summary: paragraph('summary', 1000),
  audience: paragraph('audience', 1000),
  objectives: z.preprocess(
    lines,
    z
      .array(z.string().max(300, { error: 'studio:errors.tooLong' }), { error: 'studio:errors.objectivesRequired' })
      .min(1, { error: 'studio:errors.objectivesRequired' })
      .max(20, { error: 'studio:errors.tooMany' }),
  ),
  durationMinutes: wholeNumber('durationMinutes', 1, 6000),
  passThreshold: wholeNumber('passThreshold', 0, 100),
  legalStateDate: z.iso.date({ error: 'studio:errors.legalStateDate' }),
  validityMonths: optionalWholeNumber('validityMonths', 1, 120),
  authorName: line('authorName'),
  licence: line('licence', 100),
  tags: z.preprocess(commaList, z.array(z.string().max(60, { error: 'studio:errors.tooLong' })).max(20, { error: 'studio:errors.tooMany' })),
  minimumReadingSharePercent: optionalWholeNumber('minimumReadingShare', 0, 100),
  requireAllChecks: checkbox,
});
export type ManifestBody = z.infer<typeof ManifestBody>;

export const LessonBody = z.object({
  title: line('title'),
  durationMinutes: wholeNumber('durationMinutes', 1, 600),
  body: z
    .string({ error: 'studio:errors.bodyRequired' })
    .max(200_000, { error: 'studio:errors.tooLong' })
    .refine((text) => text.trim().length > 0, { error: 'studio:errors.bodyRequired' }),
  /** preview: show the rendered lesson without saving; save (default): store it. */
  action: z.enum(['save', 'preview']).catch('save'),
});
export type LessonBody = z.infer<typeof LessonBody>;

export const MoveLessonBody = z.object({ direction: z.enum(['up', 'down'], { error: 'studio:errors.direction' }) });

export const QuizSettingsBody = z.object({
  questionsPerAttempt: wholeNumber('questionsPerAttempt', 1, 200),
  maxAttempts: optionalWholeNumber('maxAttempts', 1, 100),
  cooldownMinutes: wholeNumber('cooldownMinutes', 0, 100_000),
  scenariosPerAttempt: optionalWholeNumber('scenariosPerAttempt', 0, 200),
});
export type QuizSettingsBody = z.infer<typeof QuizSettingsBody>;

/** How many option (and pair) rows the question form offers. */
export const QUESTION_ROWS = 6;
const rowFields = Object.fromEntries(
  Array.from({ length: QUESTION_ROWS }, (_, index) => index + 1).flatMap((row) => [
    [`option${row}`, z.preprocess(emptyToUndefined, z.string().trim().max(500, { error: 'studio:errors.tooLong' }).optional())],
    [`left${row}`, z.preprocess(emptyToUndefined, z.string().trim().max(300, { error: 'studio:errors.tooLong' }).optional())],
    [`right${row}`, z.preprocess(emptyToUndefined, z.string().trim().max(300, { error: 'studio:errors.tooLong' }).optional())],
  ]),
) as Record<string, z.ZodType<string | undefined>>;

/**
 * A question of any kind in one form: options are rows (single, multiple: tick the right ones; ordering: in the
 * right order, the test shuffles them), pairs are left/right rows (matching), true-false has its answer.
 */
export const QuestionBody = z
  .object({
    kind: z.enum(QUESTION_KINDS, { error: 'studio:errors.kind' }),
    prompt: paragraph('prompt', 2000),
    points: wholeNumber('points', 1, 100),
    explanation: paragraph('explanation', 3000),
    legalReference: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .max(300, { error: 'studio:errors.tooLong' })
        .regex(/^[^\r\n]*$/, { error: 'studio:errors.oneLine' })
        .optional(),
    ),
    correct: z.preprocess((value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value]), z.array(z.string().regex(/^[1-9]$/))),
    answer: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
    scenario: checkbox,
    ...rowFields,
  })
  .superRefine((input, ctx) => {
    const rows = (prefix: string) => Array.from({ length: QUESTION_ROWS }, (_, index) => (input as Record<string, unknown>)[`${prefix}${index + 1}`] as string | undefined);
    const options = rows('option').filter(Boolean);
    if (input.kind === 'single' || input.kind === 'multiple' || input.kind === 'ordering') {
      if (options.length < 2) ctx.addIssue({ code: 'custom', path: ['option1'], message: 'studio:errors.twoOptions' });
    }
    if (input.kind === 'single' && input.correct.length !== 1) ctx.addIssue({ code: 'custom', path: ['correct'], message: 'studio:errors.oneCorrect' });
    if (input.kind === 'multiple' && input.correct.length < 1) ctx.addIssue({ code: 'custom', path: ['correct'], message: 'studio:errors.someCorrect' });
    if ((input.kind === 'single' || input.kind === 'multiple') && input.correct.some((row) => !rows('option')[Number(row) - 1])) {
      ctx.addIssue({ code: 'custom', path: ['correct'], message: 'studio:errors.correctEmptyRow' });
    }
    if (input.kind === 'true-false' && !input.answer) ctx.addIssue({ code: 'custom', path: ['answer'], message: 'studio:errors.answer' });
    if (input.kind === 'matching') {
      const lefts = rows('left');
      const rights = rows('right');
      const pairs = lefts.filter((left, index) => left && rights[index]).length;
      const halves = lefts.filter((left, index) => Boolean(left) !== Boolean(rights[index])).length;
      if (halves > 0) ctx.addIssue({ code: 'custom', path: ['left1'], message: 'studio:errors.halfPair' });
      else if (pairs < 2) ctx.addIssue({ code: 'custom', path: ['left1'], message: 'studio:errors.twoPairs' });
    }
  });
export type QuestionBody = z.infer<typeof QuestionBody>;

export const CommentBody = z.object({ text: paragraph('comment', 3000) });
export type CommentBody = z.infer<typeof CommentBody>;

export const PublishBody = z.object({
  version: z
    .string({ error: 'studio:errors.version' })
    .trim()
    .refine((value) => semver.valid(value) === value && semver.prerelease(value) === null, { error: 'studio:errors.version' }),
  legalChange: checkbox,
  changeNote: z.preprocess(emptyToUndefined, z.string().trim().max(2000, { error: 'studio:errors.tooLong' }).optional()),
});
export type PublishBody = z.infer<typeof PublishBody>;
