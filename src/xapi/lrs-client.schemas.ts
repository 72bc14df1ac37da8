// zod schemas for the admin form that creates LRS clients, and the client id in URLs.
import { z } from 'zod';
import { objectIdParam } from '../http/validate.js';

export const CreateLrsClientBody = z.object({
  name: z.string({ message: 'xapi:clients.errors.nameShort' }).trim().min(2, { message: 'xapi:clients.errors.nameShort' }).max(100, { message: 'xapi:clients.errors.nameLong' }),
  access: z.enum(['read-write', 'read', 'write'], { message: 'xapi:clients.errors.access' }),
});
export type CreateLrsClientBody = z.infer<typeof CreateLrsClientBody>;

export const LrsClientIdParams = objectIdParam('invalid id');
export type LrsClientIdParams = z.infer<typeof LrsClientIdParams>;
