// Input schemas of the HR pages: the matrix filter (the assignment form: src/assignments/assignments.schemas.ts).
import { z } from 'zod';
import { objectId } from '../http/validate.js';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** ?departmentId=… on the matrix and the exports (empty = every department); a bad one is a 400 page, so plain Polish. */
export const MatrixQuery = z.object({
  departmentId: z.preprocess(emptyToUndefined, objectId('Wybierz referat z listy.').optional()),
});
export type MatrixQuery = z.infer<typeof MatrixQuery>;
