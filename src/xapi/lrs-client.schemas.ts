// zod schemas for the admin form that creates LRS clients, and the client id in URLs.
import { z } from 'zod';
import { objectIdParam } from '../http/validate.js';

export const CreateLrsClientBody = z.object({
  name: z.string({ message: 'xapi:clients.errors.nameShort' }).trim().min(2, { message: 'xapi:clients.errors.nameShort' }).max(100, { message: 'xapi:clients.errors.nameLong' }),
  access: z.enum(['read-write', 'read', 'write'], { message: 'xapi:clients.errors.access' }),
});
export type CreateLrsClientBody = z.infer<typeof CreateLrsClientBody>;

/** Course ids an LRS client is trusted for (the catalogue's id format: a lower-case slug). */
export const TrustedCourseIds = z.array(
  z
    .string()
    .trim()
    .max(100)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'not a course id' }),
);

export const LrsClientIdParams = objectIdParam('invalid id');
export type LrsClientIdParams = z.infer<typeof LrsClientIdParams>;
