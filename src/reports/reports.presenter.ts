// Turns the completion matrix into plain objects for the page and the exports (labels already translated).
import type { TFunction } from 'i18next';
import { formatDate } from '../calendar/calendar.js';
import type { Completion, CompletionMatrix, MatrixCell } from './completion-matrix.service.js';

type Translate = TFunction | ((key: string, options?: Record<string, unknown>) => string);

/** "75%" or "–" when nobody is enrolled; the counts go beside it ("3 z 4"). */
function percentView(completion: Completion, t: Translate) {
  return {
    percentLabel: completion.percent === null ? '–' : `${completion.percent}%`,
    countsLabel: t('reports:matrix.counts', { completed: completion.completed, enrolled: completion.enrolled }),
  };
}

/** The text of a cell's status, e.g. "ukończono 12.03.2026" or "po terminie". */
export function cellStatusLabel(cell: MatrixCell, t: Translate, language: string | undefined): string {
  if (cell.status === 'completed' && cell.completedAt) return t('reports:status.completedOn', { date: formatDate(cell.completedAt, language) });
  return t(`reports:status.${cell.status}`);
}

/** The department name of a group (people without a department get a label of their own). */
export function groupName(group: { departmentName?: string }, t: Translate): string {
  return group.departmentName ?? t('reports:matrix.noDepartment');
}

/** The page's view model of the matrix. */
export function presentMatrix(matrix: CompletionMatrix, t: Translate, language: string | undefined) {
  return {
    organisationName: matrix.organisationName,
    generatedOn: formatDate(matrix.generatedAt, language),
    departmentOptions: matrix.departments.map((department) => ({ ...department, selected: department.id === matrix.departmentId })),
    filtered: Boolean(matrix.departmentId),
    exportQuery: matrix.departmentId ? `?departmentId=${matrix.departmentId}` : '',
    columnCount: matrix.courses.length + 1,
    // language: a course title keeps its own lang attribute on an English page (WCAG 3.1.2).
    courses: matrix.courses.map((course) => ({ id: course.id, title: course.title, language: course.language, ...percentView(course, t) })),
    totals: percentView(matrix.totals, t),
    hasPeople: matrix.groups.some((group) => group.people.length),
    groups: matrix.groups.map((group) => ({
      name: groupName(group, t),
      ...percentView(group, t),
      people: group.people.map((person) => ({
        fullName: person.fullName,
        email: person.email,
        leftLabel: person.left ? t('reports:matrix.left') : undefined,
        cells: person.cells.map((cell) => ({
          status: cell.status,
          label: cellStatusLabel(cell, t, language),
          dueLabel: cell.dueDate ? t('reports:matrix.due', { date: formatDate(cell.dueDate, language) }) : undefined,
        })),
      })),
    })),
  };
}
