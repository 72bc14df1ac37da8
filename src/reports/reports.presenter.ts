// Turns the completion matrix and HR's lists into plain objects for the pages and the exports (labels translated).
import type { TFunction } from 'i18next';
import { formatDate } from '../calendar/calendar.js';
import { TRAINING_STATUSES, trainingStatusKey } from '../learning/training-status.js';
import type { Completion, CompletionMatrix, DueList, MatrixCell, MatrixFilter } from './completion-matrix.service.js';
import { MATRIX_SORTS } from './completion-matrix.service.js';

type Translate = TFunction | ((key: string, options?: Record<string, unknown>) => string);

/** "75%" or "–" when nobody is enrolled; the counts go beside it ("3 z 4"). */
function percentView(completion: Completion, t: Translate) {
  return {
    percentLabel: completion.percent === null ? '–' : `${completion.percent}%`,
    countsLabel: t('reports:matrix.counts', { completed: completion.completed, enrolled: completion.enrolled }),
  };
}

/** The bare word of a cell's status (the one vocabulary, "do odnowienia (zmiana prawa)" included), or "nie przypisano" without an enrolment. */
export function statusWord(cell: Pick<MatrixCell, 'status' | 'recertification'>, t: Translate): string {
  return cell.status ? t(trainingStatusKey(cell.status, Boolean(cell.recertification))) : t('reports:status.not_assigned');
}

/** The text of a cell's status, e.g. "ukończono 12.03.2026" or "po terminie". */
export function cellStatusLabel(cell: MatrixCell, t: Translate, language: string | undefined): string {
  if (cell.status === 'completed' && cell.completedAt) return t('reports:status.completedOn', { date: formatDate(cell.completedAt, language) });
  return statusWord(cell, t);
}

/** The department name of a group (people without a department get a label of their own). */
export function groupName(group: { departmentName?: string }, t: Translate): string {
  return group.departmentName ?? t('reports:matrix.noDepartment');
}

/** A query string of the filter with `changes` applied (undefined drops a field); "" when nothing is left. */
export function filterQuery(filter: MatrixFilter, changes: Partial<Record<keyof MatrixFilter, string | number | undefined>> = {}): string {
  const merged: Record<string, string | number | undefined> = { ...filter, pageSize: undefined, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The page's view model of the matrix. */
export function presentMatrix(matrix: CompletionMatrix, t: Translate, language: string | undefined) {
  const { filter } = matrix;
  const sortCourse = filter.sortCourse ?? filter.courseId;
  return {
    organisationName: matrix.organisationName,
    generatedOn: formatDate(matrix.generatedAt, language),
    departmentOptions: matrix.departments.map((department) => ({ ...department, selected: department.id === filter.departmentId })),
    courseOptions: matrix.allCourses.map((course) => ({ ...course, selected: course.id === filter.courseId, sortSelected: course.id === sortCourse })),
    statusOptions: TRAINING_STATUSES.map((status) => ({ value: status, label: t(`common:trainingStatus.${status}`), selected: status === filter.status })),
    sortOptions: MATRIX_SORTS.map((sort) => ({ value: sort, label: t(`reports:matrix.sortBy.${sort}`), selected: sort === (filter.sort ?? 'department') })),
    descending: filter.order === 'desc',
    q: filter.q ?? '',
    filtered: Boolean(filter.departmentId || filter.courseId || filter.status || filter.q),
    exportQuery: filterQuery({ ...filter, page: undefined }),
    columnCount: matrix.courses.length + 1,
    // language: a course title keeps its own lang attribute on an English page (WCAG 3.1.2).
    courses: matrix.courses.map((course) => ({ id: course.id, title: course.title, language: course.language, ...percentView(course, t) })),
    summaries: matrix.summaries.map((summary) => ({ name: groupName(summary, t), ...percentView(summary, t) })),
    totals: percentView(matrix.totals, t),
    hasPeople: matrix.rowCount > 0,
    grouped: matrix.grouped,
    resultLabel: t('reports:matrix.result', { count: matrix.rowCount, page: matrix.page, pages: matrix.pageCount }),
    pager:
      matrix.pageCount > 1
        ? {
            previous: matrix.page > 1 ? `/kadry${filterQuery(filter, { page: matrix.page - 1 })}` : undefined,
            next: matrix.page < matrix.pageCount ? `/kadry${filterQuery(filter, { page: matrix.page + 1 })}` : undefined,
            pages: Array.from({ length: matrix.pageCount }, (_, i) => i + 1)
              // Around the current page, plus the first and the last: 40 links would be no help.
              .filter((n) => n === 1 || n === matrix.pageCount || Math.abs(n - matrix.page) <= 2)
              .map((n) => ({ number: n, href: `/kadry${filterQuery(filter, { page: n })}`, current: n === matrix.page })),
          }
        : undefined,
    groups: matrix.groups.map((group) => ({
      name: groupName(group, t),
      ...percentView(group, t),
      people: group.people.map((person) => ({
        href: `/kadry/osoby/${person.id}`,
        fullName: person.fullName,
        email: person.email,
        departmentName: matrix.grouped ? undefined : groupName(person, t),
        leftLabel: person.left ? t('reports:matrix.left') : undefined,
        cells: person.cells.map((cell) => ({
          status: cell.status ?? 'not_assigned',
          label: cellStatusLabel(cell, t, language),
          dueLabel: cell.dueDate && !cell.valid ? t('reports:matrix.due', { date: formatDate(cell.dueDate, language) }) : undefined,
          lawLabel: cell.recertification ? t('reports:matrix.lawVersion', { version: cell.recertification.byVersion }) : undefined,
          certificateCode: cell.certificateCode,
        })),
      })),
    })),
  };
}

/** The overdue or due-soon list page's view model. */
export function presentDueList(list: DueList, t: Translate, language: string | undefined) {
  return {
    organisationName: list.organisationName,
    generatedOn: formatDate(list.generatedAt, language),
    kind: list.kind,
    lead: t(`reports:lists.${list.kind}.lead`, { organisation: list.organisationName, date: formatDate(list.generatedAt, language) }),
    caption: t(`reports:lists.${list.kind}.caption`, { count: list.entries.length }),
    empty: t(`reports:lists.${list.kind}.empty`),
    departmentOptions: list.departments.map((department) => ({ ...department, selected: department.id === list.departmentId })),
    exportQuery: list.departmentId ? `?departmentId=${list.departmentId}` : '',
    entries: list.entries.map((entry) => ({
      href: `/kadry/osoby/${entry.person.id}`,
      fullName: entry.person.fullName,
      email: entry.person.email,
      departmentName: groupName(entry.person, t),
      leftLabel: entry.person.left ? t('reports:matrix.left') : undefined,
      courseTitle: entry.course.title,
      courseLanguage: entry.course.language,
      dueOn: entry.cell.dueDate ? formatDate(entry.cell.dueDate, language) : '–',
      lawSince: entry.cell.recertification ? formatDate(entry.cell.recertification.requiredSince, language) : undefined,
      lawVersion: entry.cell.recertification?.byVersion,
      lawNote: entry.cell.recertification?.note,
      status: entry.cell.status,
      statusLabel: statusWord(entry.cell, t),
    })),
  };
}
