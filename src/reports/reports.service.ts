// HR reports: the completion matrix, assigning mandatory courses with due dates, and reminders of due courses.
import { Types } from 'mongoose';
import type { SessionUser } from '../auth/session-user.js';
import { User } from '../auth/user.model.js';
import { addDays, endOfWarsawDay, isOverdue, renewalDue } from '../calendar/calendar.js';
import type { Config } from '../config.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Course } from '../courses/course.types.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { isObjectId } from '../http/validate.js';
import type { EnrolmentDoc } from '../learning/enrolment.model.js';
import { assignCourse } from '../learning/enrolment.service.js';
import type { LearningDeps } from '../learning/learner.js';
import type { LearningProgressDoc } from '../learning/learning-progress.model.js';
import { enrolmentsOfOrganisation, type EnrolmentWithProgress } from '../learning/learning.read.js';
import type { Mailer } from '../mail/mail.service.js';
import { Organisation, type OrganisationDoc } from '../organisations/organisation.model.js';
import { Reminder, type ReminderDoc } from './reminder.model.js';
import { assertCanManageTraining } from './reports.policy.js';
import { assignmentMail, reminderMail } from './reports.mail.js';

/** What HR's reports, assignments and reminders need from the platform (a Platform fits). */
export interface ReportsDeps extends LearningDeps {
  catalogue: CourseCatalogue;
  mailer: Mailer;
  /** BASE_URL: course links in the e-mails. */
  config: Pick<Config, 'BASE_URL'>;
}

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

/** Reminders go out for courses due within this many (Warsaw calendar) days. */
const REMINDER_WINDOW_DAYS = 7;
const REMINDER_INTERVAL_MS = 24 * 60 * 60 * 1000;

type PersonDoc = { _id: Types.ObjectId; fullName: string; email: string; departmentId?: Types.ObjectId | null; roles: string[]; learnerId: string; language?: string | null };

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

function objectIdOrNull(id: string): Types.ObjectId | null {
  return isObjectId(id) ? new Types.ObjectId(id) : null;
}

async function organisationOf(organisationId: string): Promise<OrganisationDoc> {
  const organisation = await Organisation.findById(objectIdOrNull(organisationId)).lean<OrganisationDoc>();
  if (!organisation) throw new NotFoundError('Nie znaleziono organizacji.');
  return organisation;
}

function departmentsOf(organisation: OrganisationDoc): Array<{ id: string; name: string }> {
  return (organisation.departments ?? []).map((department) => ({ id: String(department._id), name: department.name }));
}

/** Throws a field error unless `departmentId` is one of the organisation's departments. */
function checkDepartment(departments: Array<{ id: string }>, departmentId: string | undefined): void {
  if (departmentId && !departments.some((department) => department.id === departmentId)) {
    throw new ValidationError({ departmentId: ['reports:errors.departmentFromList'] });
  }
}

async function peopleOf(organisationId: Types.ObjectId): Promise<PersonDoc[]> {
  const people = await User.find({ organisationId }).select('fullName email departmentId roles learnerId language').lean<PersonDoc[]>();
  return people.sort((a, b) => a.fullName.localeCompare(b.fullName, 'pl') || a.email.localeCompare(b.email));
}

/**
 * The completion matrix of an organisation: people (grouped by department, optionally one department)
 * by courses, each cell with its status and due date, and completion percentages per department and
 * per course. Columns are the loaded courses plus any course someone is still enrolled on.
 */
export async function completionMatrix(
  deps: Pick<ReportsDeps, 'catalogue'>,
  params: { organisationId: string; departmentId?: string; now?: Date },
): Promise<CompletionMatrix> {
  const now = params.now ?? new Date();
  const organisation = await organisationOf(params.organisationId);
  const departments = departmentsOf(organisation);
  checkDepartment(departments, params.departmentId);
  const organisationId = organisation._id;

  const [everyone, standings] = await Promise.all([peopleOf(organisationId), enrolmentsOfOrganisation(organisationId)]);
  const enrolledUserIds = new Set(standings.map(({ enrolment }) => String(enrolment.userId)));
  // Rows: people who learn, and anyone else (HR, admins) who has an enrolment.
  const people = everyone.filter(
    (person) =>
      (person.roles.includes('learner') || enrolledUserIds.has(String(person._id))) &&
      (!params.departmentId || String(person.departmentId ?? '') === params.departmentId),
  );
  const shownIds = new Set(people.map((person) => String(person._id)));
  const shown = standings.filter(({ enrolment }) => shownIds.has(String(enrolment.userId)));
  const byCell = new Map(shown.map((standing) => [`${String(standing.enrolment.userId)}|${standing.enrolment.courseId}`, standing]));

  const { catalogue } = deps;
  const courseIds = new Set([...catalogue.list().map((course) => course.id), ...shown.map(({ enrolment }) => enrolment.courseId)]);
  const columns = [...courseIds]
    .map((id) => ({ id, course: catalogue.get(id), title: catalogue.get(id)?.title ?? id }))
    .sort((a, b) => a.title.localeCompare(b.title, 'pl'));

  const rows = people.map((person) => ({
    person,
    row: {
      id: String(person._id),
      fullName: person.fullName,
      email: person.email,
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

/** What the assignment form offers: the loaded courses, the departments, and the people by department. */
export async function assignmentChoices(deps: Pick<ReportsDeps, 'catalogue'>, actor: SessionUser) {
  assertCanManageTraining(actor);
  const organisation = await organisationOf(actor.organisationId);
  const departments = departmentsOf(organisation);
  const people = await peopleOf(organisation._id);
  const known = new Set(departments.map((department) => department.id));
  const groups = [
    ...departments.map((department) => ({ departmentId: department.id as string | null, departmentName: department.name as string | undefined, people: people.filter((p) => String(p.departmentId ?? '') === department.id) })),
    { departmentId: null, departmentName: undefined, people: people.filter((p) => !known.has(String(p.departmentId ?? ''))) },
  ]
    .filter((group) => group.people.length)
    .map((group) => ({ ...group, people: group.people.map((p) => ({ id: String(p._id), fullName: p.fullName, email: p.email })) }));
  const courses = deps.catalogue
    .list()
    .map((course) => ({ id: course.id, title: course.title }))
    .sort((a, b) => a.title.localeCompare(b.title, 'pl'));
  return { courses, departments, groups };
}

export interface AssignMandatoryCourseParams {
  actor: SessionUser;
  courseId: string;
  /** Everyone in this department … */
  departmentId?: string;
  /** … and/or these people (user ids of the actor's organisation). */
  userIds: string[];
  /** The due day, YYYY-MM-DD (Warsaw); the course is due by the end of that day. */
  dueDate: string;
}

/**
 * Assigns a course with a due date to a department and/or chosen people of HR's organisation and
 * e-mails each of them. Idempotent: a person already enrolled keeps the enrolment and gets the new
 * due date. Every choice is checked before the first write, so bad input changes nothing.
 */
export async function assignMandatoryCourse(deps: ReportsDeps, params: AssignMandatoryCourseParams): Promise<{ courseTitle: string; assigned: number; newlyEnrolled: number }> {
  const { actor } = params;
  assertCanManageTraining(actor);
  const course = deps.catalogue.get(params.courseId);
  if (!course) throw new ValidationError({ courseId: ['reports:errors.courseFromList'] });
  const organisation = await organisationOf(actor.organisationId);
  checkDepartment(departmentsOf(organisation), params.departmentId);

  const everyone = await peopleOf(organisation._id);
  const byId = new Map(everyone.map((person) => [String(person._id), person]));
  if (params.userIds.some((id) => !byId.has(id))) {
    throw new ValidationError({ userIds: ['reports:errors.personNotInOrganisation'] });
  }
  const chosen = new Set(params.userIds);
  const targets = everyone.filter((person) => chosen.has(String(person._id)) || (params.departmentId && String(person.departmentId ?? '') === params.departmentId));
  if (!targets.length) {
    throw new ValidationError(
      params.departmentId ? { departmentId: ['reports:errors.departmentEmpty'] } : { departmentId: ['reports:errors.departmentOrPeople'] },
    );
  }

  const dueDate = endOfWarsawDay(params.dueDate);
  const already = await enrolmentsOfOrganisation(organisation._id, { courseId: course.id, userIds: targets.map((t) => t._id) });
  const alreadyEnrolled = new Set(already.map(({ enrolment }) => String(enrolment.userId)));
  const courseUrl = `${deps.config.BASE_URL}/szkolenia/${encodeURIComponent(course.id)}`;
  for (const person of targets) {
    await assignCourse(deps, {
      learner: { id: String(person._id), organisationId: String(organisation._id), learnerId: person.learnerId, fullName: person.fullName },
      course,
      dueDate,
      assignedBy: actor.id,
    });
    const mail = assignmentMail({ fullName: person.fullName, courseTitle: course.title, courseUrl, dueDate, language: person.language ?? undefined });
    await deps.mailer.send({ to: person.email, ...mail });
  }
  return { courseTitle: course.title, assigned: targets.length, newlyEnrolled: targets.filter((t) => !alreadyEnrolled.has(String(t._id))).length };
}

/** Whether an enrolment should be reminded of at `now`: assigned, unfinished, due within 7 days or overdue. */
function needsReminder(enrolment: EnrolmentDoc, progress: LearningProgressDoc | undefined, course: Course, now: Date): boolean {
  if (!enrolment.dueDate || enrolment.dueDate > addDays(now, REMINDER_WINDOW_DAYS)) return false;
  const status = cellStatus(enrolment, progress, course, now);
  if (status === 'completed') return false;
  // A refresher is due again: remind only when HR set the due date after the last completion.
  if (status === 'renewal_due') {
    const completedAt = progress?.completedAt ?? progress?.passedAt;
    return Boolean(completedAt && enrolment.dueDate > completedAt);
  }
  return true;
}

/**
 * Claims the right to remind of one enrolment: succeeds at most once per 24 h (the claim is one
 * conditional update, so two runs at once send one mail). Returns the previous reminder time, or null.
 */
async function claimReminder(enrolment: EnrolmentDoc, now: Date): Promise<Date | null> {
  const key = { _id: enrolment._id, organisationId: enrolment.organisationId };
  try {
    await Reminder.updateOne(key, { $setOnInsert: { userId: enrolment.userId, courseId: enrolment.courseId, lastSentAt: new Date(0), sentCount: 0 } }, { upsert: true });
  } catch (error) {
    // Another run inserted it at the same moment: the claim below decides.
    if ((error as { code?: number })?.code !== 11000) throw error;
  }
  const previous = await Reminder.findOneAndUpdate(
    { ...key, lastSentAt: { $lte: new Date(now.getTime() - REMINDER_INTERVAL_MS) } },
    { $set: { lastSentAt: now }, $inc: { sentCount: 1 } },
    { new: false },
  ).lean<ReminderDoc>();
  return previous ? previous.lastSentAt : null;
}

/**
 * E-mails everyone in the organisation whose assigned course is unfinished and due within 7 days or
 * overdue, at most once per person and course in 24 hours. Returns how many were sent and how many
 * were skipped because they had been reminded within the last 24 hours.
 */
export async function sendReminders(
  deps: Pick<ReportsDeps, 'catalogue' | 'mailer' | 'config'>,
  params: { organisationId: string | Types.ObjectId; now?: Date },
): Promise<{ sent: number; recentlyReminded: number }> {
  const now = params.now ?? new Date();
  const organisationId = typeof params.organisationId === 'string' ? objectIdOrNull(params.organisationId) : params.organisationId;
  if (!organisationId) throw new NotFoundError('Nie znaleziono organizacji.');
  const standings = await enrolmentsOfOrganisation(organisationId, { dueBy: addDays(now, REMINDER_WINDOW_DAYS) });
  const { catalogue } = deps;
  const due = standings
    .filter(({ enrolment, progress }: EnrolmentWithProgress) => {
      const course = catalogue.get(enrolment.courseId);
      return course && needsReminder(enrolment, progress, course, now);
    })
    .map(({ enrolment }) => enrolment);
  if (!due.length) return { sent: 0, recentlyReminded: 0 };
  const people = await User.find({ organisationId, _id: { $in: due.map((e) => e.userId) } })
    .select('fullName email language')
    .lean<Array<Pick<PersonDoc, '_id' | 'fullName' | 'email' | 'language'>>>();
  const personById = new Map(people.map((p) => [String(p._id), p]));

  let sent = 0;
  let recentlyReminded = 0;
  for (const enrolment of due) {
    const person = personById.get(String(enrolment.userId));
    const course = catalogue.get(enrolment.courseId)!;
    if (!person) continue;
    const previous = await claimReminder(enrolment, now);
    if (!previous) {
      recentlyReminded += 1;
      continue;
    }
    const mail = reminderMail({
      fullName: person.fullName,
      courseTitle: course.title,
      courseUrl: `${deps.config.BASE_URL}/szkolenia/${encodeURIComponent(course.id)}`,
      dueDate: enrolment.dueDate!,
      overdue: isOverdue(enrolment.dueDate, now),
      language: person.language ?? undefined,
    });
    try {
      await deps.mailer.send({ to: person.email, ...mail });
    } catch (error) {
      // Nothing was sent: give the claim back so the next run tries again.
      await Reminder.updateOne({ _id: enrolment._id, organisationId, lastSentAt: now }, { $set: { lastSentAt: previous }, $inc: { sentCount: -1 } });
      throw error;
    }
    sent += 1;
  }
  return { sent, recentlyReminded };
}

/**
 * The scheduled run: reminders for every organisation. One organisation's failure does not stop the
 * others; the failures are thrown together at the end (the scheduler logs them).
 */
export async function sendRemindersEverywhere(
  deps: Pick<ReportsDeps, 'catalogue' | 'mailer' | 'config'>,
  params: { now?: Date } = {},
): Promise<{ sent: number; recentlyReminded: number }> {
  const organisations = await Organisation.find({}).select('_id').lean<Array<{ _id: Types.ObjectId }>>();
  const total = { sent: 0, recentlyReminded: 0 };
  const failures: unknown[] = [];
  for (const organisation of organisations) {
    try {
      const result = await sendReminders(deps, { organisationId: organisation._id, now: params.now });
      total.sent += result.sent;
      total.recentlyReminded += result.recentlyReminded;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw new AggregateError(failures, `reminders failed for ${failures.length} of ${organisations.length} organisations (${total.sent} sent)`);
  return total;
}
