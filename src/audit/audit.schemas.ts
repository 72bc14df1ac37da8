// Input schemas of the audit trail page: which page of entries (?strona=2).
import { z } from 'zod';

/** ?strona=N, 1 the newest; a bad value is a 400 page, so plain Polish. */
export const TrailQuery = z.object({
  strona: z
    .string()
    .regex(/^[1-9][0-9]{0,4}$/, { message: 'Nieprawidłowy numer strony.' })
    .transform(Number)
    .optional(),
});
export type TrailQuery = z.infer<typeof TrailQuery>;
