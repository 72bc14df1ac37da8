// Input schemas of a person's HR record: the person in the path, the exception forms (extra attempt, lifted cool-down).
import { z } from 'zod';
import { objectId } from '../http/validate.js';

/** /kadry/osoby/:userId… */
export const PersonParams = z.object({ userId: objectId('Nieprawidłowy identyfikator osoby.') });
export type PersonParams = z.infer<typeof PersonParams>;

/** An extra attempt or a lifted cool-down on one course; the reason is required (it is shown to the learner). Messages are locale keys. */
export const QuizExceptionBody = z.object({
  courseId: z.string({ message: 'person-record:errors.courseRequired' }).regex(/^[a-z0-9][a-z0-9-]{0,79}$/, { message: 'person-record:errors.courseRequired' }),
  reason: z
    .string({ message: 'person-record:errors.reasonRequired' })
    .trim()
    .min(1, { message: 'person-record:errors.reasonRequired' })
    .min(5, { message: 'person-record:errors.reasonTooShort' })
    .max(500, { message: 'person-record:errors.reasonTooLong' }),
});
export type QuizExceptionBody = z.infer<typeof QuizExceptionBody>;
