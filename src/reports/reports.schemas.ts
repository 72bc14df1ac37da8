// Input schemas of the HR pages: the matrix filter, the assignment form.
import { z } from 'zod';
import { isCalendarDay, warsawIsoDay } from '../calendar/calendar.js';
import { objectId } from '../http/validate.js';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** ?departmentId=… on the matrix and the exports (empty = every department); a bad one is a 400 page, so plain Polish. */
export const MatrixQuery = z.object({
  departmentId: z.preprocess(emptyToUndefined, objectId('Wybierz referat z listy.').optional()),
});
export type MatrixQuery = z.infer<typeof MatrixQuery>;

/**
 * The assignment form. `userIds` arrives as one string or as repeated fields (checkboxes).
 * Messages are reports-namespace keys, translated when the form is shown again (http/forms.ts).
 */
export const AssignBody = z
  .object({
    courseId: z.string({ message: 'reports:errors.courseRequired' }).trim().min(1, { message: 'reports:errors.courseRequired' }).max(200),
    departmentId: z.preprocess(emptyToUndefined, objectId('reports:errors.departmentFromList').optional()),
    userIds: z.preprocess(
      (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? (value as unknown[]) : [value]),
      z.array(objectId('reports:errors.peopleFromList'), { message: 'reports:errors.peopleFromList' }).max(2000),
    ),
    dueDate: z
      .string({ message: 'reports:errors.dueDateRequired' })
      .trim()
      .min(1, { message: 'reports:errors.dueDateRequired' })
      .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'reports:errors.dueDateFormat' })
      .refine(isCalendarDay, { message: 'reports:errors.dueDateNotADay' })
      // Compared as YYYY-MM-DD text, in Warsaw's calendar: today is still a valid due day.
      .refine((value) => value >= warsawIsoDay(new Date()), { message: 'reports:errors.dueDatePast' })
      .refine((value) => Number(value.slice(0, 4)) <= new Date().getUTCFullYear() + 5, { message: 'reports:errors.dueDateTooFar' }),
  })
  .refine((body) => Boolean(body.departmentId) || body.userIds.length > 0, {
    path: ['departmentId'],
    message: 'reports:errors.departmentOrPeople',
    // Checked even when other fields failed, so the form shows every problem at once.
    when: (payload) => {
      const value = payload.value as { departmentId?: unknown; userIds?: unknown };
      return typeof value === 'object' && value !== null && (value.departmentId === undefined || typeof value.departmentId === 'string') && Array.isArray(value.userIds);
    },
  });
export type AssignBody = z.infer<typeof AssignBody>;
