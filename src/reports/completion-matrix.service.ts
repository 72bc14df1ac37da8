// The HR completion matrix: people by courses, each cell's status, and completion per department and course.
import type { Course } from '../courses/course.types.js';
import { isOverdue, renewalDue } from '../calendar/calendar.js';
import type { EnrolmentDoc } from '../learning/enrolment.model.js';
import type { LearningProgressDoc } from '../learning/learning-progress.model.js';
import { enrolmentsOfOrganisation } from '../learning/learning.read.js';
import type { ReportsDeps } from './reports.deps.js';
import { checkDepartment, departmentsOf, organisationOf, peopleOf } from './reports.people.js';

/** What one cell of the matrix says about one person and one course. */
export type CellStatus = 'not_assigned' | 'not_started' | 'in_progress' | 'completed' | 'overdue' | 'renewal_due';

export interface MatrixCell {
  courseId: string;
  status: CellStatus;
  dueDate?: Date;
  completedAt?: Date;
}

export interface MatrixPerson {
  id: string;
  fullName: string;
  email: string;
  /** A leaver (account deactivated): kept with their records, shown as "odszedł/odeszła". */
  left: boolean;
  cells: MatrixCell[];
}

/** Completed cells out of the cells with an enrolment; percent is null when nobody is enrolled. */
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

export interface CompletionMatrix {
  organisationName: string;
  /** Every department of the organisation (for the filter), in the organisation's order. */
  departments: Array<{ id: string; name: string }>;
  /** The department the matrix is filtered to, if any. */
  departmentId?: string;
  courses: MatrixCourse[];
  groups: MatrixGroup[];
  totals: Completion;
  generatedAt: Date;
}

function isDone(progress: LearningProgressDoc | undefined): boolean {
  return progress?.status === 'passed' || progress?.status === 'completed';
}

/**
 * The status of one enrolment at `now`. The rules match "Moje szkolenia": a completed course whose
 * refresher is due (validityMonths) needs renewal; an unfinished one past its due date is overdue.
 */
export function cellStatus(enrolment: EnrolmentDoc | undefined, progress: LearningProgressDoc | undefined, course: Course | undefined, now: Date): MatrixCell['status'] {
  if (!enrolment) return 'not_assigned';
  if (isDone(progress)) return renewalDue(progress?.completedAt, course?.validityMonths, now) ? 'renewal_due' : 'completed';
  if (isOverdue(enrolment.dueDate, now)) return 'overdue';
  return progress && progress.status !== 'enrolled' ? 'in_progress' : 'not_started';
}

function completion(cells: MatrixCell[]): Completion {
  const enrolled = cells.filter((cell) => cell.status !== 'not_assigned').length;
  const completed = cells.filter((cell) => cell.status === 'completed').length;
  return { enrolled, completed, percent: enrolled ? Math.round((completed * 100) / enrolled) : null };
}

/**
 * The completion matrix of an organisation: people (grouped by department, optionally one department)
 * by courses, each cell with its status and due date, and completion percentages per department and
 * per course. Columns are the loaded courses plus any course someone is still enrolled on.
 */
export async function completionMatrix(deps: Pick<ReportsDeps, 'catalogue'>, params: { organisationId: string; departmentId?: string; now?: Date }): Promise<CompletionMatrix> {
  const now = params.now ?? new Date();
  const organisation = await organisationOf(params.organisationId);
  const departments = departmentsOf(organisation);
  checkDepartment(departments, params.departmentId);
  const organisationId = organisation._id;

  const everyone = await peopleOf(organisationId);
  // Key look-ups for every person × loaded course (the scan form would read every office's enrolments on FerretDB).
  // A course taken out of the catalogue has no column any more: its enrolments are left out of the matrix.
  const standings = await enrolmentsOfOrganisation(organisationId, {
    userIds: everyone.map((person) => person._id),
    courseIds: deps.catalogue.list().map((course) => course.id),
  });
  const enrolledUserIds = new Set(standings.map(({ enrolment }) => String(enrolment.userId)));
  // Rows: people who learn, and anyone else (HR, admins) who has an enrolment.
  const people = everyone.filter(
    (person) =>
      (person.roles.includes('learner') || enrolledUserIds.has(String(person._id))) && (!params.departmentId || String(person.departmentId ?? '') === params.departmentId),
  );
  const shownIds = new Set(people.map((person) => String(person._id)));
  const shown = standings.filter(({ enrolment }) => shownIds.has(String(enrolment.userId)));
  const byCell = new Map(shown.map((standing) => [`${String(standing.enrolment.userId)}|${standing.enrolment.courseId}`, standing]));

  const { catalogue } = deps;
  const courseIds = new Set([...catalogue.list().map((course) => course.id), ...shown.map(({ enrolment }) => enrolment.courseId)]);
  const columns = [...courseIds].map((id) => ({ id, course: catalogue.get(id), title: catalogue.get(id)?.title ?? id })).sort((a, b) => a.title.localeCompare(b.title, 'pl'));

  const rows = people.map((person) => ({
    person,
    row: {
      id: String(person._id),
      fullName: person.fullName,
      email: person.email,
      left: person.status === 'deactivated',
      cells: columns.map(({ id, course }): MatrixCell => {
        const { enrolment, progress: personProgress } = byCell.get(`${String(person._id)}|${id}`) ?? {};
        const status = cellStatus(enrolment, personProgress, course, now);
        return {
          courseId: id,
          status,
          dueDate: enrolment?.dueDate ?? undefined,
          completedAt: status === 'completed' || status === 'renewal_due' ? (personProgress?.completedAt ?? personProgress?.passedAt ?? undefined) : undefined,
        };
      }),
    } satisfies MatrixPerson,
  }));

  const known = new Set(departments.map((department) => department.id));
  const groups: MatrixGroup[] = [];
  for (const department of departments) {
    if (params.departmentId && department.id !== params.departmentId) continue;
    const members = rows.filter(({ person }) => String(person.departmentId ?? '') === department.id).map(({ row }) => row);
    // A department nobody learns in would be an empty heading in the table.
    if (!members.length) continue;
    groups.push({ departmentId: department.id, departmentName: department.name, people: members, ...completion(members.flatMap((m) => m.cells)) });
  }
  const unplaced = rows.filter(({ person }) => !known.has(String(person.departmentId ?? ''))).map(({ row }) => row);
  if (unplaced.length) groups.push({ departmentId: null, people: unplaced, ...completion(unplaced.flatMap((m) => m.cells)) });

  const allRows = rows.map(({ row }) => row);
  return {
    organisationName: organisation.name,
    departments,
    departmentId: params.departmentId,
    courses: columns.map(({ id, title }, index) => ({ id, title, language: catalogue.languageOf(id), ...completion(allRows.map((row) => row.cells[index])) })),
    groups,
    totals: completion(allRows.flatMap((row) => row.cells)),
    generatedAt: now,
  };
}
