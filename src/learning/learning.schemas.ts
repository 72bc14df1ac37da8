// Zod schemas for every input of the learning pages (params and form bodies).
import { z } from 'zod';
import { objectId } from '../http/validate.js';
import { decodeQuizForm, intentField, QUIZ_FORM_INTENTS } from './quiz-form.js';

// Ids are checked against the loaded course, so the schemas only bound their size and alphabet.
const courseId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, { message: 'Nieprawidłowy identyfikator szkolenia.' });
const contentId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/, { message: 'Nieprawidłowy identyfikator.' });

export const CourseParams = z.object({ courseId });
export type CourseParams = z.infer<typeof CourseParams>;

export const LessonParams = z.object({ courseId, lessonId: contentId });
export type LessonParams = z.infer<typeof LessonParams>;

export const CheckParams = z.object({ courseId, lessonId: contentId, checkId: contentId });
export type CheckParams = z.infer<typeof CheckParams>;

export const AttemptParams = z.object({
  courseId,
  attemptId: objectId('Nieprawidłowy identyfikator podejścia.'),
});
export type AttemptParams = z.infer<typeof AttemptParams>;

const formValue = z.union([z.string().max(100), z.array(z.string().max(100)).max(50)], { error: 'learning:check.invalidAnswer' });

/** A knowledge check: `answer` holds an option id (radio), several (checkboxes), or true/false. Messages are locale keys. */
export const CheckBody = z.object({ answer: formValue.optional() });
export type CheckBody = z.infer<typeof CheckBody>;

/**
 * The quiz form: q<n> and q<n>_<k> fields, read by the codec (quiz-form.ts) into answers by position;
 * the quiz service checks them against the attempt. Messages are locale keys.
 */
// The CSRF token (longer than any answer) passes through; decodeQuizForm skips it and the button's `intent`.
export const QuizBody = z
  .record(z.string().max(20), z.union([z.string().max(300), z.array(z.string().max(100)).max(50)]), { error: 'learning:quiz.invalidAnswers' })
  .refine((body) => Object.keys(body).length <= 500, { message: 'learning:quiz.invalidAnswers' })
  .transform((body, ctx) => {
    const { answers, problems } = decodeQuizForm(body);
    for (const problem of problems) ctx.addIssue({ code: 'custom', path: [problem.field], message: 'learning:quiz.invalidAnswers' });
    const intent = body[intentField] ?? 'review';
    // No button sends anything else: a hand-made intent is refused rather than guessed.
    if (typeof intent !== 'string' || !(QUIZ_FORM_INTENTS as readonly string[]).includes(intent)) {
      ctx.addIssue({ code: 'custom', path: [intentField], message: 'learning:quiz.invalidAnswers' });
    }
    return { answers, intent: intent === 'save' ? ('save' as const) : ('review' as const) };
  });
export type QuizBody = z.infer<typeof QuizBody>;
