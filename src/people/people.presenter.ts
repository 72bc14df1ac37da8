// Turns people and import plans into plain objects for the pages (labels translated, ids as strings).
import type { TFunction } from 'i18next';
import { formatDate } from '../calendar/calendar.js';
import type { OfficeDepartment, OfficePerson } from './people.directory.js';
import type { ImportPlan, PlannedRow } from './people-import.service.js';
import { OFFICE_ROLES } from './people.policy.js';
import type { PeoplePage } from './people.service.js';
import type { PeopleQuery } from './people.schemas.js';

type Translate = TFunction | ((key: string, options?: Record<string, unknown>) => string);

function departmentName(departments: OfficeDepartment[], id: { toString(): string } | null | undefined): string | undefined {
  return id ? departments.find((department) => department.id === String(id))?.name : undefined;
}

/** The status of an account in words (gender-neutral: the account does not know the person's grammatical gender). */
export function statusLabel(status: string | null | undefined, t: Translate): string {
  return t(`people:status.${status ?? 'active'}`);
}

/** One row of the list. */
function personRow(person: OfficePerson, departments: OfficeDepartment[], t: Translate) {
  const status = person.status ?? 'active';
  return {
    id: String(person._id),
    fullName: person.fullName,
    email: person.email,
    departmentName: departmentName(departments, person.departmentId) ?? '',
    position: person.position ?? '',
    employeeNumber: person.employeeNumber ?? '',
    rolesLabel: OFFICE_ROLES.filter((role) => person.roles.includes(role))
      .map((role) => t(`people:roles.${role}`))
      .join(', '),
    status,
    statusLabel: statusLabel(status, t),
  };
}

/** The query string of the list with `changes` applied (for the pager and the filter links). */
function listHref(query: PeopleQuery, changes: Partial<Record<keyof PeopleQuery, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes })) {
    if (value !== undefined && value !== '' && !(key === 'page' && Number(value) === 1)) params.set(key, String(value));
  }
  const text = params.toString();
  return `/kadry/osoby${text ? `?${text}` : ''}`;
}

/** The list page's view model. */
export function presentPeoplePage(page: PeoplePage, query: PeopleQuery, t: Translate) {
  const filtered = Boolean(query.q || query.departmentId || query.status || query.role);
  return {
    organisationName: page.organisationName,
    query: { q: query.q ?? '' },
    departmentOptions: page.departments.map((department) => ({
      id: department.id,
      name: department.archived ? t('people:list.archivedDepartment', { name: department.name }) : department.name,
      selected: department.id === query.departmentId,
    })),
    statusOptions: ['active', 'invited', 'pending', 'deactivated'].map((status) => ({ value: status, label: statusLabel(status, t), selected: status === query.status })),
    roleOptions: OFFICE_ROLES.map((role) => ({ value: role, label: t(`people:roles.${role}`), selected: role === query.role })),
    people: page.people.map((person) => personRow(person, page.departments, t)),
    filtered,
    summary: t(filtered ? 'people:list.summaryFiltered' : 'people:list.summary', { count: page.matching, total: page.total }),
    pager:
      page.pageCount > 1
        ? {
            label: t('people:list.pageOf', { page: page.page, count: page.pageCount }),
            previous: page.page > 1 ? listHref(query, { page: page.page - 1 }) : undefined,
            next: page.page < page.pageCount ? listHref(query, { page: page.page + 1 }) : undefined,
          }
        : undefined,
  };
}

/** The department select of a form: current departments, plus the person's own archived one (so it shows). */
export function departmentOptions(departments: OfficeDepartment[], selectedId: string | undefined, t: Translate) {
  return departments
    .filter((department) => !department.archived || department.id === selectedId)
    .map((department) => ({
      id: department.id,
      name: department.archived ? t('people:list.archivedDepartment', { name: department.name }) : department.name,
      selected: department.id === selectedId,
    }));
}

/** The edit page's view of the person (history newest first). */
export function presentPersonForEdit(person: OfficePerson, departments: OfficeDepartment[], t: Translate, language: string | undefined) {
  const status = person.status ?? 'active';
  return {
    id: String(person._id),
    fullName: person.fullName,
    email: person.email,
    status,
    statusLabel: statusLabel(status, t),
    isDeactivated: status === 'deactivated',
    isInvited: status === 'invited',
    deactivatedOn: person.deactivatedAt ? formatDate(person.deactivatedAt, language) : undefined,
    history: [...(person.departmentHistory ?? [])].reverse().map((period) => ({
      name: departmentName(departments, period.departmentId) ?? t('people:edit.unknownDepartment'),
      from: formatDate(period.from, language),
      to: period.to ? formatDate(period.to, language) : t('people:edit.untilNow'),
    })),
  };
}

function problemText(problem: PlannedRow['problems'][number], t: Translate): string {
  return t(`people:import.problems.${problem.code}`, { value: problem.value });
}

/** The dry-run page's view model: bad rows first (with their line and every reason), then what would change. */
export function presentImportPlan(plan: ImportPlan, t: Translate, language: string | undefined) {
  const row = (planned: PlannedRow) => ({
    line: planned.line,
    fullName: planned.fullName,
    email: planned.email,
    departmentName: planned.departmentName ?? '',
    problems: planned.problems.map((problem) => problemText(problem, t)),
    changes: planned.changes.map((change) => t(`people:import.changes.${change}`)).join(', '),
    roles: (planned.roles ?? ['learner']).map((role) => t(`people:roles.${role}`)).join(', '),
  });
  return {
    importId: plan.importId,
    fileName: plan.fileName,
    uploadedOn: formatDate(plan.uploadedAt, language),
    imported: plan.imported,
    counts: plan.counts,
    ignoredColumns: plan.ignoredColumns.join(', '),
    rejected: plan.rows.filter((r) => r.action === 'reject').map(row),
    created: plan.rows.filter((r) => r.action === 'create').map(row),
    updated: plan.rows.filter((r) => r.action === 'update').map(row),
    canImport: !plan.imported && plan.counts.create + plan.counts.update > 0,
  };
}
