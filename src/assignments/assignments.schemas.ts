// Input schemas of the assignment pages: the assign form, an assignment's id.
import { z } from 'zod';
import { isCalendarDay, warsawIsoDay } from '../calendar/calendar.js';
import { objectId } from '../http/validate.js';
import { ASSIGNMENT_KINDS, ASSIGNMENT_TARGETS } from './assignment.model.js';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** Longest recurrence offered: ten years. */
export const MAX_RECURRENCE_MONTHS = 120;
/** Longest time to complete offered: one year. */
export const MAX_DAYS_TO_COMPLETE = 365;

const wholeNumber = (min: number, max: number, message: string) =>
  z.preprocess(emptyToUndefined, z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message }).optional());

/** The target of a body: as chosen, or (an older form without it) the department when chosen, else the people. */
function targetOf(body: { target?: (typeof ASSIGNMENT_TARGETS)[number]; departmentId?: string }): (typeof ASSIGNMENT_TARGETS)[number] {
  return body.target ?? (body.departmentId ? 'department' : 'people');
}

/** The whole-form checks run even when other fields failed (so the form shows every problem at once), if they can. */
function checkedWithOtherErrors(payload: { value: unknown }): boolean {
  const value = payload.value as { departmentId?: unknown; userIds?: unknown; target?: unknown };
  return (
    typeof value === 'object' &&
    value !== null &&
    (value.departmentId === undefined || typeof value.departmentId === 'string') &&
    (value.target === undefined || typeof value.target === 'string') &&
    Array.isArray(value.userIds)
  );
}

/**
 * The assign form. `userIds` arrives as one string or as repeated fields (checkboxes). Without `target` (an older
 * form) the department, when chosen, is the target, else the chosen people. Messages are assignments-namespace keys,
 * translated when the form is shown again (http/forms.ts).
 */
export const AssignBody = z
  .object({
    courseId: z.string({ message: 'assignments:errors.courseRequired' }).trim().min(1, { message: 'assignments:errors.courseRequired' }).max(200),
    target: z.preprocess(emptyToUndefined, z.enum(ASSIGNMENT_TARGETS, { message: 'assignments:errors.targetFromList' }).optional()),
    departmentId: z.preprocess(emptyToUndefined, objectId('assignments:errors.departmentFromList').optional()),
    userIds: z.preprocess(
      (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? (value as unknown[]) : [value]),
      z.array(objectId('assignments:errors.peopleFromList'), { message: 'assignments:errors.peopleFromList' }).max(2000),
    ),
    kind: z.preprocess(emptyToUndefined, z.enum(ASSIGNMENT_KINDS, { message: 'assignments:errors.kindFromList' }).default('mandatory')),
    /** Empty or 0: once. */
    recurrenceMonths: z.preprocess((value) => (value === '0' ? undefined : value), wholeNumber(1, MAX_RECURRENCE_MONTHS, 'assignments:errors.recurrenceMonths')),
    daysToComplete: wholeNumber(1, MAX_DAYS_TO_COMPLETE, 'assignments:errors.daysToComplete'),
    dueDate: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'assignments:errors.dueDateFormat' })
        .refine(isCalendarDay, { message: 'assignments:errors.dueDateNotADay' })
        // Compared as YYYY-MM-DD text, in Warsaw's calendar: today is still a valid due day.
        .refine((value) => value >= warsawIsoDay(new Date()), { message: 'assignments:errors.dueDatePast' })
        .refine((value) => Number(value.slice(0, 4)) <= new Date().getUTCFullYear() + 5, { message: 'assignments:errors.dueDateTooFar' })
        .optional(),
    ),
  })
  .refine((body) => targetOf(body) !== 'department' || Boolean(body.departmentId), {
    path: ['departmentId'],
    message: 'assignments:errors.departmentRequired',
    when: checkedWithOtherErrors,
  })
  .refine((body) => targetOf(body) !== 'people' || body.userIds.length > 0, {
    path: ['departmentId'],
    message: 'assignments:errors.departmentOrPeople',
    when: checkedWithOtherErrors,
  })
  .transform((body) => ({ ...body, target: targetOf(body) }));
export type AssignBody = z.infer<typeof AssignBody>;

/** :assignmentId in the list's actions. */
export const AssignmentParams = z.object({ assignmentId: objectId('Nie ma takiego przydziału.') });
export type AssignmentParams = z.infer<typeof AssignmentParams>;
