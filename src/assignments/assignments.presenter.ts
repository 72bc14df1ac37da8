// Assignments as the pages show them: plain objects for the list, in the request's language.
import type { TFunction } from 'i18next';
import { formatDate } from '../calendar/calendar.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { AssignmentDoc } from './assignment.model.js';

/** One row of /kadry/przydzialy. */
export interface AssignmentRow {
  id: string;
  courseTitle: string;
  target: string;
  kind: string;
  recurrence: string;
  due: string;
  peopleCount: number;
  createdAt: string;
  createdBy: string;
  withdrawn?: string;
}

/** The office's assignments as rows; `departments` names the departments by id. */
export function presentAssignments(
  assignments: AssignmentDoc[],
  context: { catalogue: Pick<CourseCatalogue, 'get'>; departments: Map<string, string>; t: TFunction; language: string },
): AssignmentRow[] {
  const { t, language } = context;
  return assignments.map((a) => {
    const target =
      a.target === 'office'
        ? t('assignments:target.office')
        : a.target === 'department'
          ? t('assignments:target.departmentNamed', { name: context.departments.get(String(a.departmentId)) ?? '?' })
          : t('assignments:target.peopleCount', { count: a.userIds.length });
    return {
      id: String(a._id),
      courseTitle: context.catalogue.get(a.courseId)?.title ?? a.courseId,
      target,
      kind: t(`assignments:kind.${a.kind}`),
      recurrence: a.recurrenceMonths ? t('assignments:recurrence.every', { count: a.recurrenceMonths }) : t('assignments:recurrence.once'),
      due: a.firstDueDate ? t('assignments:list.dueFirst', { date: formatDate(a.firstDueDate, language), count: a.daysToComplete }) : t('assignments:list.dueNone'),
      peopleCount: a.peopleCount,
      createdAt: formatDate(a.createdAt, language),
      createdBy: a.createdByName ?? '',
      withdrawn: a.withdrawnAt ? formatDate(a.withdrawnAt, language) : undefined,
    };
  });
}
