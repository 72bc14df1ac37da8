// zod schemas for the admin form that creates LRS clients, and the client id in URLs.
import { z } from 'zod';

export const CreateLrsClientBody = z.object({
  name: z.string().trim().min(2, { message: 'xapi:clients.errors.nameShort' }).max(100, { message: 'xapi:clients.errors.nameLong' }),
  access: z.enum(['read-write', 'read', 'write'], { message: 'xapi:clients.errors.access' }),
});
export type CreateLrsClientBody = z.infer<typeof CreateLrsClientBody>;

export const LrsClientIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, { message: 'invalid id' }) });
export type LrsClientIdParams = z.infer<typeof LrsClientIdParams>;
