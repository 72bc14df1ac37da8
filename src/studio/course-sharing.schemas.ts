// Input schema of the studio's sharing form (/studio/:courseId/udostepnianie); messages are studio-namespace keys.
import { z } from 'zod';
import { objectId } from '../http/validate.js';
import { AUDIENCES } from './course-sharing.model.js';

/** Checkboxes arrive as nothing, one string or repeated fields: always a list here. */
const asList = (value: unknown) => (value === undefined || value === '' ? [] : Array.isArray(value) ? (value as unknown[]) : [value]);

/**
 * The sharing form: the audience, and for `chosen` the offices (ids; that each is a member office of the owner is
 * the service's check, which needs the database). A list longer than any association's membership is garbage.
 */
export const SharingBody = z.object({
  audience: z.enum(AUDIENCES, { error: 'studio:sharing.errors.audience' }),
  offices: z.preprocess(
    asList,
    z.array(objectId('studio:sharing.errors.officeNotMember'), { error: 'studio:sharing.errors.officeNotMember' }).max(5000, { error: 'studio:errors.tooMany' }),
  ),
});
export type SharingBody = z.infer<typeof SharingBody>;
