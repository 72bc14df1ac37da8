// Input schemas of the HR pages: the matrix filter (the assignment form: src/assignments/assignments.schemas.ts).
import { z } from 'zod';
import { objectId } from '../http/validate.js';
import { TRAINING_STATUSES } from '../learning/training-status.js';
import { MATRIX_SORTS } from './completion-matrix.service.js';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const departmentQuery = z.preprocess(emptyToUndefined, objectId('Wybierz referat z listy.').optional());
const courseQuery = z.preprocess(
  emptyToUndefined,
  z
    .string({ error: 'Wybierz szkolenie z listy.' })
    .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, { error: 'Wybierz szkolenie z listy.' })
    .optional(),
);

/**
 * The matrix's filter, sort and page (and the exports', which ignore the page), as GET parameters so the page works
 * without JavaScript and a filtered view can be bookmarked. Empty fields mean "all"; a bad value is a 400 page naming
 * the field, so plain Polish.
 */
export const MatrixQuery = z.object({
  departmentId: departmentQuery,
  courseId: courseQuery,
  status: z.preprocess(emptyToUndefined, z.enum(TRAINING_STATUSES, { error: 'Wybierz status z listy.' }).optional()),
  q: z.preprocess(emptyToUndefined, z.string({ error: 'Wpisz imię, nazwisko albo e-mail.' }).trim().max(100, { error: 'Wpisz najwyżej 100 znaków.' }).optional()),
  sort: z.preprocess(emptyToUndefined, z.enum(MATRIX_SORTS, { error: 'Wybierz sortowanie z listy.' }).optional()),
  sortCourse: courseQuery,
  order: z.preprocess(emptyToUndefined, z.enum(['asc', 'desc'], { error: 'Wybierz kolejność z listy.' }).optional()),
  page: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'Numer strony to liczba od 1.' })
      .int({ error: 'Numer strony to liczba od 1.' })
      .min(1, { error: 'Numer strony to liczba od 1.' })
      .max(10_000, { error: 'Nie ma tylu stron.' })
      .optional(),
  ),
});
export type MatrixQuery = z.infer<typeof MatrixQuery>;

/** ?departmentId=… on the overdue and due-soon lists and their exports. */
export const DueListQuery = z.object({ departmentId: departmentQuery });
export type DueListQuery = z.infer<typeof DueListQuery>;
