// Input schemas of the HR pages: the matrix filter, the assignment form.
import { z } from 'zod';
import { isCalendarDay, warsawIsoDay } from '../calendar/calendar.js';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const objectIdText = z.string().regex(/^[0-9a-f]{24}$/i, { message: 'Wybierz referat z listy.' });

/** ?departmentId=… on the matrix and the exports (empty = every department). */
export const MatrixQuery = z.object({
  departmentId: z.preprocess(emptyToUndefined, objectIdText.optional()),
});
export type MatrixQuery = z.infer<typeof MatrixQuery>;

/** The assignment form. `userIds` arrives as one string or as repeated fields (checkboxes). */
export const AssignBody = z.object({
  courseId: z.string({ message: 'Wybierz szkolenie.' }).trim().min(1, { message: 'Wybierz szkolenie.' }).max(200),
  departmentId: z.preprocess(emptyToUndefined, objectIdText.optional()),
  userIds: z.preprocess(
    (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.string().regex(/^[0-9a-f]{24}$/i, { message: 'Wybierz osoby z listy.' }), { message: 'Wybierz osoby z listy.' }).max(2000),
  ),
  dueDate: z
    .string({ message: 'Podaj termin ukończenia.' })
    .trim()
    .min(1, { message: 'Podaj termin ukończenia.' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Podaj termin jako datę w formacie RRRR-MM-DD, np. 2026-12-31.' })
    .refine(isCalendarDay, { message: 'Taki dzień nie istnieje w kalendarzu.' })
    // Compared as YYYY-MM-DD text, in Warsaw's calendar: today is still a valid due day.
    .refine((value) => value >= warsawIsoDay(new Date()), { message: 'Termin nie może być w przeszłości.' })
    .refine((value) => Number(value.slice(0, 4)) <= new Date().getUTCFullYear() + 5, { message: 'Termin może być najwyżej 5 lat naprzód.' }),
}).refine((body) => Boolean(body.departmentId) || body.userIds.length > 0, {
  path: ['departmentId'],
  message: 'Wybierz referat albo co najmniej jedną osobę.',
  // Checked even when other fields failed, so the form shows every problem at once.
  when: (payload) => {
    const value = payload.value as { departmentId?: unknown; userIds?: unknown };
    return typeof value === 'object' && value !== null && (value.departmentId === undefined || typeof value.departmentId === 'string') && Array.isArray(value.userIds);
  },
});
export type AssignBody = z.infer<typeof AssignBody>;
