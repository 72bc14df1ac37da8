// Input schemas of the access trail pages: which page (?strona=2) and, for the admin and the IOD, whose (?osoba=<id>).
import { z } from 'zod';
import { objectId } from '../http/validate.js';

const page = z
  .string()
  .regex(/^[1-9][0-9]{0,4}$/, { message: 'Nieprawidłowy numer strony.' })
  .transform(Number)
  .optional();

export const AccessTrailQuery = z.object({ strona: page, osoba: objectId('Nieprawidłowy identyfikator osoby.').optional() });
export type AccessTrailQuery = z.infer<typeof AccessTrailQuery>;

export const OwnAccessQuery = z.object({ strona: page });
export type OwnAccessQuery = z.infer<typeof OwnAccessQuery>;
