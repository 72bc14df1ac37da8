// The HR completion matrix: people by courses, each cell's status, completion per department and course; read from
// the office's training standings (one `_id` read per course) and its people, never from the enrolments.
import { addDays } from '../calendar/calendar.js';
import { ValidationError } from '../http/errors.js';
import { dueForLegalChange, hasValidCompletion, trainingStatus, type TrainingStatus } from '../learning/training-status.js';
import type { ReportsDeps } from './reports.deps.js';
import { courseFactsOf } from '../organisations/organisation.service.js';
import { checkDepartment, departmentsOf, organisationOf, peopleOf, type PersonDoc } from './reports.people.js';
import type { StandingCompletion, StandingFacts } from './training-standing.model.js';
import { standingsOf } from './training-standings.js';

/** What one cell of the matrix says about one person and one course; no status = not enrolled. */
export interface MatrixCell {
  courseId: string;
  status?: TrainingStatus;
  /** A completion that counts now (not revoked, not expired): what the percentages count. */
  valid: boolean;
  dueDate?: Date;
  completedAt?: Date;
  validUntil?: Date;
  certificateCode?: string;
  revokedAt?: Date;
  /** Due for renewal because a later version changed the law: since when, which version, what changed. */
  recertification?: StandingFacts['recertification'];
  history: StandingCompletion[];
}

export interface MatrixPerson {
  id: string;
  fullName: string;
  email: string;
  departmentId: string | null;
  departmentName?: string;
  /** A leaver (account deactivated): kept with their records, shown as "poza urzędem". */
  left: boolean;
  cells: MatrixCell[];
}

/** Valid completions out of the cells with an enrolment; percent is null when nobody is enrolled. */
export interface Completion {
  enrolled: number;
  completed: number;
  percent: number | null;
}

export interface MatrixGroup extends Completion {
  /** null for the people who belong to no department (or to one since removed). */
  departmentId: string | null;
  departmentName?: string;
  people: MatrixPerson[];
}

export interface MatrixCourse extends Completion {
  id: string;
  title: string;
  /** The course's own language (its title keeps a lang attribute on English pages). */
  language: 'pl' | 'en';
}

export const MATRIX_SORTS = ['department', 'name', 'status'] as const;
export type MatrixSort = (typeof MATRIX_SORTS)[number];

/** What HR narrowed the matrix to; every field optional. */
export interface MatrixFilter {
  departmentId?: string;
  courseId?: string;
  status?: TrainingStatus;
  /** Part of a name or e-mail, any case. */
  q?: string;
  sort?: MatrixSort;
  /** The course whose status `sort: 'status'` orders by (default: the first column). */
  sortCourse?: string;
  order?: 'asc' | 'desc';
  /** 1-based; with pageSize. Without pageSize every row (the exports). */
  page?: number;
  pageSize?: number;
}

export interface CompletionMatrix {
  organisationName: string;
  /** Every department of the organisation (for the filter), in the organisation's order. */
  departments: Array<{ id: string; name: string }>;
  /** Every loaded course (for the filter), whatever the columns are. */
  allCourses: Array<{ id: string; title: string; language: 'pl' | 'en' }>;
  filter: MatrixFilter;
  courses: MatrixCourse[];
  /** Completion per department over every row the filter keeps (not only this page). */
  summaries: Array<Omit<MatrixGroup, 'people'>>;
  /** This page's rows; grouped by department when sorted by department, else one group without a heading. */
  groups: MatrixGroup[];
  grouped: boolean;
  totals: Completion;
  /** Rows the filter keeps, the page shown and how many pages there are. */
  rowCount: number;
  page: number;
  pageCount: number;
  generatedAt: Date;
}

/** A cell read from the standings at `now`: the status is computed here, never stored. */
export function cellOf(courseId: string, facts: StandingFacts | undefined, now: Date): MatrixCell {
  if (!facts) return { courseId, valid: false, history: [] };
  return {
    courseId,
    status: trainingStatus(facts, now),
    valid: hasValidCompletion(facts, now),
    dueDate: facts.dueDate,
    completedAt: facts.completedAt,
    validUntil: facts.validUntil,
    certificateCode: facts.certificateCode,
    revokedAt: facts.revokedAt,
    // Only while it is why the cell reads "do odnowienia" (an expired or revoked certificate says so itself).
    recertification: dueForLegalChange(facts, now) ? facts.recertification : undefined,
    history: facts.history ?? [],
  };
}

function completion(cells: MatrixCell[]): Completion {
  const enrolled = cells.filter((cell) => cell.status).length;
  const completed = cells.filter((cell) => cell.valid).length;
  return { enrolled, completed, percent: enrolled ? Math.round((completed * 100) / enrolled) : null };
}

/** Most urgent first, for sorting by status: what HR must act on, then what is under way, then what is done. */
const STATUS_ORDER: Array<TrainingStatus | undefined> = ['overdue', 'revoked', 'expired', 'renewal_due', 'in_progress', 'not_started', 'completed', undefined];

/** Everything the matrix, the lists and the chart read: the office, its people and every cell, at `now`. */
export interface OfficeStandings {
  organisationName: string;
  departments: Array<{ id: string; name: string }>;
  courses: Array<{ id: string; title: string; language: 'pl' | 'en' }>;
  /** The matrix rows: people who learn, and anyone else (HR, admins) with an enrolment; Polish name order. */
  people: MatrixPerson[];
}

/**
 * Reads an office's standings: its people (peopleOf) and one standings document per loaded course, by `_id`.
 * Cost grows with this office's people and courses, not with other offices' data.
 *
 * The columns are the courses open to the office (shared with it, not hidden by its admin), and a course since
 * closed to it only while someone of the office is enrolled on it: those people finish it (learning.policy.ts), and
 * HR follows them. Another office's private course, never open here, has no enrolments here and no column.
 */
export async function officeStandings(deps: Pick<ReportsDeps, 'catalogue' | 'availability'>, organisationId: string, now: Date): Promise<OfficeStandings> {
  const organisation = await organisationOf(organisationId);
  const departments = departmentsOf(organisation);
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));
  const { catalogue } = deps;
  const office = courseFactsOf(organisation);
  // A course taken out of the catalogue has no column any more.
  const loaded = catalogue
    .list()
    .map((course) => ({ id: course.id, title: course.title, language: catalogue.languageOf(course.id) }))
    .sort((a, b) => a.title.localeCompare(b.title, 'pl'));
  const [everyone, standings] = await Promise.all([
    peopleOf(organisation._id),
    standingsOf(
      organisation._id,
      loaded.map((c) => c.id),
    ),
  ]);
  const courses = loaded.filter((course) => deps.availability.isOpenTo(course.id, office) || Object.keys(standings.get(course.id) ?? {}).length > 0);
  const cellsOf = courses.map((course) => standings.get(course.id) ?? {});
  const rowOf = (person: PersonDoc): MatrixPerson => {
    const id = String(person._id);
    const departmentId = person.departmentId ? String(person.departmentId) : null;
    return {
      id,
      fullName: person.fullName,
      email: person.email,
      departmentId: departmentId && departmentName.has(departmentId) ? departmentId : null,
      departmentName: departmentId ? departmentName.get(departmentId) : undefined,
      left: person.status === 'deactivated',
      cells: courses.map((course, index) => cellOf(course.id, cellsOf[index][id], now)),
    };
  };
  const people = everyone.map(rowOf).filter((row, index) => everyone[index].roles.includes('learner') || row.cells.some((cell) => cell.status));
  return { organisationName: organisation.name, departments, courses, people };
}

function matches(person: MatrixPerson, filter: MatrixFilter, columns: number[]): boolean {
  if (filter.departmentId && person.departmentId !== filter.departmentId) return false;
  if (filter.q) {
    const q = filter.q.toLocaleLowerCase('pl');
    if (!person.fullName.toLocaleLowerCase('pl').includes(q) && !person.email.toLocaleLowerCase('pl').includes(q)) return false;
  }
  if (filter.status && !columns.some((index) => person.cells[index].status === filter.status)) return false;
  return true;
}

function sortRows(rows: MatrixPerson[], filter: MatrixFilter, departmentOrder: Map<string | null, number>, statusColumn: number): MatrixPerson[] {
  const byName = (a: MatrixPerson, b: MatrixPerson) => a.fullName.localeCompare(b.fullName, 'pl') || a.email.localeCompare(b.email);
  const rank = (person: MatrixPerson) => STATUS_ORDER.indexOf(person.cells[statusColumn]?.status);
  const sign = filter.order === 'desc' ? -1 : 1;
  const compare =
    filter.sort === 'name'
      ? byName
      : filter.sort === 'status'
        ? (a: MatrixPerson, b: MatrixPerson) => rank(a) - rank(b) || byName(a, b)
        : (a: MatrixPerson, b: MatrixPerson) => departmentOrder.get(a.departmentId)! - departmentOrder.get(b.departmentId)! || byName(a, b);
  return [...rows].sort((a, b) => sign * compare(a, b));
}

/**
 * The completion matrix of an organisation, filtered (department, course, status, name), sorted and paged. Per
 * department and per course percentages cover every row the filter keeps; the groups hold this page's rows only.
 */
export async function completionMatrix(
  deps: Pick<ReportsDeps, 'catalogue' | 'availability'>,
  params: MatrixFilter & { organisationId: string; now?: Date },
): Promise<CompletionMatrix> {
  const now = params.now ?? new Date();
  const { organisationId, now: _now, ...filter } = params;
  const office = await officeStandings(deps, organisationId, now);
  checkDepartment(office.departments, filter.departmentId);
  for (const field of ['courseId', 'sortCourse'] as const) {
    const id = filter[field];
    if (id && !office.courses.some((course) => course.id === id)) throw new ValidationError({ [field]: ['Wybierz szkolenie z listy.'] }, 'Wybierz szkolenie z listy.');
  }
  const columns = office.courses.flatMap((course, index) => (!filter.courseId || course.id === filter.courseId ? [index] : []));
  const kept = office.people.filter((person) => matches(person, filter, columns));
  const departmentOrder = new Map<string | null, number>([...office.departments.map((d, i) => [d.id, i] as const), [null, office.departments.length]]);
  const sortCourseIndex = office.courses.findIndex((c) => c.id === (filter.sortCourse ?? filter.courseId));
  const sorted = sortRows(kept, filter, departmentOrder, sortCourseIndex >= 0 ? sortCourseIndex : (columns[0] ?? 0));
  // Only the shown columns, so percentages and exports follow the course filter.
  const narrowed = sorted.map((person) => ({ ...person, cells: columns.map((index) => person.cells[index]) }));

  const pageSize = filter.pageSize ?? Math.max(1, narrowed.length);
  const pageCount = Math.max(1, Math.ceil(narrowed.length / pageSize));
  const page = Math.min(Math.max(1, filter.page ?? 1), pageCount);
  const shown = narrowed.slice((page - 1) * pageSize, page * pageSize);
  const grouped = !filter.sort || filter.sort === 'department';

  const summaries: Array<Omit<MatrixGroup, 'people'>> = [];
  for (const [departmentId, departmentName] of [...office.departments.map((d) => [d.id, d.name] as const), [null, undefined] as const]) {
    const members = narrowed.filter((person) => person.departmentId === departmentId);
    // A department nobody learns in would be an empty line.
    if (members.length) summaries.push({ departmentId, departmentName, ...completion(members.flatMap((m) => m.cells)) });
  }
  const groups: MatrixGroup[] = [];
  if (grouped) {
    for (const person of shown) {
      const last = groups.at(-1);
      if (last && last.departmentId === person.departmentId) last.people.push(person);
      else groups.push({ ...summaries.find((s) => s.departmentId === person.departmentId)!, people: [person] });
    }
  } else if (shown.length) {
    groups.push({ departmentId: null, people: shown, ...completion(shown.flatMap((m) => m.cells)) });
  }

  return {
    organisationName: office.organisationName,
    departments: office.departments,
    allCourses: office.courses,
    filter,
    courses: columns.map((index, position) => ({ ...office.courses[index], ...completion(narrowed.map((row) => row.cells[position])) })),
    summaries,
    groups,
    grouped,
    totals: completion(narrowed.flatMap((row) => row.cells)),
    rowCount: narrowed.length,
    page,
    pageCount,
    generatedAt: now,
  };
}

/** One line of the overdue or due-soon list: a person, a course and its due date. */
export interface DueEntry {
  person: MatrixPerson;
  course: { id: string; title: string; language: 'pl' | 'en' };
  cell: MatrixCell;
}

/** The user ids of the people a matrix (a page, or every row for an export) shows, for the access trail. */
export function peopleOfMatrix(matrix: Pick<CompletionMatrix, 'groups'>): string[] {
  return matrix.groups.flatMap((group) => group.people.map((person) => person.id));
}

export const DUE_SOON_DAYS = 14;

/** HR's lists: overdue, due within DUE_SOON_DAYS days, and to be renewed after a change of law. */
export type DueListKind = 'overdue' | 'soon' | 'law';

/** When an entry of a list is due: its due date, or for a change of law without one, since when it is required. */
function dueMoment(cell: MatrixCell): Date {
  return (cell.dueDate ?? cell.recertification?.requiredSince)!;
}

/**
 * HR's lists: `overdue` (po terminie), `soon` (due within DUE_SOON_DAYS days, not completed) or `law` (to be renewed
 * after a change of law: "do odnowienia (zmiana prawa)"), soonest due first, optionally one department. Read from the
 * same standings as the matrix.
 */
export async function dueList(deps: Pick<ReportsDeps, 'catalogue' | 'availability'>, params: { organisationId: string; kind: DueListKind; departmentId?: string; now?: Date }) {
  const now = params.now ?? new Date();
  const office = await officeStandings(deps, params.organisationId, now);
  checkDepartment(office.departments, params.departmentId);
  const horizon = addDays(now, DUE_SOON_DAYS).getTime();
  const wanted = (cell: MatrixCell) =>
    params.kind === 'overdue'
      ? cell.status === 'overdue'
      : params.kind === 'law'
        ? Boolean(cell.recertification)
        : Boolean(cell.status && cell.dueDate && !cell.valid && cell.status !== 'overdue' && cell.dueDate.getTime() >= now.getTime() && cell.dueDate.getTime() <= horizon);
  const entries: DueEntry[] = office.people
    .filter((person) => !params.departmentId || person.departmentId === params.departmentId)
    .flatMap((person) => person.cells.flatMap((cell, index) => (wanted(cell) ? [{ person, course: office.courses[index], cell }] : [])))
    .sort((a, b) => dueMoment(a.cell).getTime() - dueMoment(b.cell).getTime() || a.person.fullName.localeCompare(b.person.fullName, 'pl'));
  return { organisationName: office.organisationName, departments: office.departments, departmentId: params.departmentId, kind: params.kind, entries, generatedAt: now };
}
export type DueList = Awaited<ReturnType<typeof dueList>>;
