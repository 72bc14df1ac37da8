// Assignments: HR assigns a course to people, a department or the office (once or every N months), lists and withdraws them.
import { Types } from 'mongoose';
import type { SessionUser } from '../auth/session-user.js';
import { addDays, endOfWarsawDay, warsawIsoDay } from '../calendar/calendar.js';
import type { Course } from '../courses/course.types.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { assignCourse, changeDueDate } from '../learning/enrolment.service.js';
import { enrolmentById, enrolmentsOfOrganisation } from '../learning/learning.read.js';
import { hasValidCompletion } from '../learning/training-status.js';
import { certificateStandingsOfEnrolments } from '../certificates/certificates.read.js';
import { trainingFactsOf } from '../learning/dashboard.service.js';
import { checkDepartment, departmentsOf, organisationOf, peopleOf, type PersonDoc } from '../reports/reports.people.js';
import { courseFactsOf } from '../organisations/organisation.service.js';
import type { OrganisationDoc } from '../organisations/organisation.model.js';
import { assertCanManageTraining } from '../reports/reports.policy.js';
import { assignmentMembersOf, assignmentsOf, memberId, DEFAULT_DAYS_TO_COMPLETE, type AssignmentDoc, type AssignmentMemberDoc } from './assignment.model.js';
import type { AssignBody } from './assignments.schemas.js';
import type { AssignmentsDeps } from './assignments.deps.js';
import { assignmentMail, courseMailFacts } from './assignments.mail.js';

/** People an assignment can reach: everyone of the office but leavers (people awaiting approval are not read). */
function reachable(person: Pick<PersonDoc, 'status'>): boolean {
  return person.status !== 'deactivated' && person.status !== 'pending';
}

/**
 * The course HR may assign: served and open to HR's office (shared with it, not hidden by its admin), else a field
 * error as for a course not on the list — a closed course is never offered, and a forged post is refused.
 */
export function assignableCourse(deps: Pick<AssignmentsDeps, 'catalogue' | 'availability'>, organisation: OrganisationDoc, courseId: string): Course {
  const course = deps.catalogue.get(courseId);
  if (!course || !deps.availability.isOpenTo(course.id, courseFactsOf(organisation))) throw new ValidationError({ courseId: ['assignments:errors.courseFromList'] });
  return course;
}

/** What the assignment form offers: the courses open to the office, the departments, and the people by department. */
export async function assignmentChoices(deps: Pick<AssignmentsDeps, 'catalogue' | 'availability'>, actor: SessionUser) {
  assertCanManageTraining(actor);
  const organisation = await organisationOf(actor.organisationId);
  const departments = departmentsOf(organisation);
  const people = (await peopleOf(organisation._id)).filter(reachable);
  const known = new Set(departments.map((department) => department.id));
  const groups = [
    ...departments.map((department) => ({
      departmentId: department.id,
      departmentName: department.name,
      people: people.filter((p) => String(p.departmentId ?? '') === department.id),
    })),
    { departmentId: null, departmentName: undefined, people: people.filter((p) => !known.has(String(p.departmentId ?? ''))) },
  ]
    .filter((group) => group.people.length)
    .map((group) => ({ ...group, people: group.people.map((p) => ({ id: String(p._id), fullName: p.fullName, email: p.email })) }));
  const office = courseFactsOf(organisation);
  const courses = deps.catalogue
    .list()
    .filter((course) => deps.availability.isOpenTo(course.id, office))
    .map((course) => ({ id: course.id, title: course.title }))
    .sort((a, b) => a.title.localeCompare(b.title, 'pl'));
  return { courses, departments, groups };
}

/** The due date `days` Warsaw days after `now`, at the end of that day. */
export function dueAfter(now: Date, days: number): Date {
  return endOfWarsawDay(warsawIsoDay(addDays(now, days)));
}

/** A person as the enrolment needs them. */
type Assignee = Pick<PersonDoc, '_id' | 'fullName' | 'email' | 'learnerId' | 'language'>;

/**
 * Enrols one person under an assignment with `dueDate` (none for a recommended course): the enrolment (kept when it
 * exists: progress stays, the due date changes), the person's record of the assignment (its open cycle), the
 * `enrolment.changed` announcement and the e-mail (queued). Safe to run again: the record is written by `_id`.
 */
export async function enrolAssignee(
  deps: AssignmentsDeps,
  params: { assignment: AssignmentDoc; course: Course; person: Assignee; dueDate?: Date; now: Date },
): Promise<{ created: boolean }> {
  const { assignment, course, person, now } = params;
  const organisationId = String(assignment.organisationId);
  const dueDate = assignment.kind === 'mandatory' ? params.dueDate : undefined;
  const existed = (await enrolmentsOfOrganisation(assignment.organisationId, { userIds: [person._id], courseIds: [course.id] })).length > 0;
  const enrolment = await assignCourse(deps, {
    learner: { id: String(person._id), organisationId, learnerId: person.learnerId, fullName: person.fullName },
    course,
    dueDate,
    assignedBy: String(assignment.createdBy),
  });
  const members = await assignmentMembersOf(organisationId);
  await members.updateOne(
    { _id: memberId(assignment._id, person._id), organisationId: assignment.organisationId },
    {
      $set: { assignmentId: assignment._id, userId: person._id, courseId: course.id, enrolmentId: enrolment._id, cycleStartedAt: now, ...(dueDate ? { dueDate } : {}) },
      $unset: { withdrawnAt: 1, ...(dueDate ? {} : { dueDate: 1 }) },
    },
    { upsert: true },
  );
  await deps.events.emit('enrolment.changed', { organisationId, enrolmentId: String(enrolment._id), userId: String(person._id), courseId: course.id });
  const mail = assignmentMail(courseMailFacts(deps.config.BASE_URL, person, course, dueDate));
  await deps.mailer.enqueue({ to: person.email, ...mail });
  return { created: !existed };
}

/**
 * Assigns a course to the office, a department (and/or chosen people) of HR's organisation: stores the assignment,
 * enrols each person with the first due date (the one chosen, else today + daysToComplete) and e-mails them. A
 * department or office assignment stands: people who join later get it too (assignment.listeners.ts). Every choice
 * is checked before the first write, so bad input changes nothing.
 */
export async function createAssignment(
  deps: AssignmentsDeps,
  params: { actor: SessionUser; body: AssignBody },
): Promise<{ courseTitle: string; assigned: number; newlyEnrolled: number; assignmentId: string }> {
  const { actor, body } = params;
  assertCanManageTraining(actor);
  const organisation = await organisationOf(actor.organisationId);
  const course = assignableCourse(deps, organisation, body.courseId);
  const departmentId = body.target === 'department' ? body.departmentId : undefined;
  checkDepartment(departmentsOf(organisation), departmentId);

  const everyone = (await peopleOf(organisation._id)).filter(reachable);
  const byId = new Map(everyone.map((person) => [String(person._id), person]));
  const userIds = body.target === 'office' ? [] : body.userIds;
  if (userIds.some((id) => !byId.has(id))) throw new ValidationError({ userIds: ['assignments:errors.personNotInOrganisation'] });
  const chosen = new Set(userIds);
  const targets = everyone.filter((person) => body.target === 'office' || chosen.has(String(person._id)) || (departmentId && String(person.departmentId ?? '') === departmentId));
  // A department or the office may be empty today: the assignment stands and reaches whoever joins.
  if (!targets.length && body.target === 'people') throw new ValidationError({ departmentId: ['assignments:errors.departmentOrPeople'] });

  const now = deps.clock.now();
  const daysToComplete = body.daysToComplete ?? DEFAULT_DAYS_TO_COMPLETE;
  const dueDate = body.dueDate ? endOfWarsawDay(body.dueDate) : dueAfter(now, daysToComplete);
  const assignments = await assignmentsOf(organisation._id);
  const created = await assignments.create({
    organisationId: organisation._id,
    courseId: course.id,
    target: body.target,
    departmentId: departmentId ? new Types.ObjectId(departmentId) : undefined,
    userIds: userIds.map((id) => new Types.ObjectId(id)),
    kind: body.kind,
    recurrenceMonths: body.recurrenceMonths,
    daysToComplete,
    firstDueDate: body.kind === 'mandatory' ? dueDate : undefined,
    createdBy: new Types.ObjectId(actor.id),
    createdByName: actor.fullName,
    peopleCount: targets.length,
  });
  const assignment = created.toObject() as unknown as AssignmentDoc;
  let newlyEnrolled = 0;
  for (const person of targets) {
    if ((await enrolAssignee(deps, { assignment, course, person, dueDate, now })).created) newlyEnrolled += 1;
  }
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor,
    action: 'assignment.created',
    subject: { kind: 'assignment', id: String(assignment._id), label: course.title },
    details: { target: body.target, kind: body.kind, recurrenceMonths: body.recurrenceMonths ?? null, people: targets.length },
  });
  return { courseTitle: course.title, assigned: targets.length, newlyEnrolled, assignmentId: String(assignment._id) };
}

/** The office's assignments, newest first (one scan of the office's own assignments collection). */
export async function assignmentsOfOffice(actor: SessionUser): Promise<AssignmentDoc[]> {
  assertCanManageTraining(actor);
  const assignments = await assignmentsOf(actor.organisationId);
  const docs = await assignments.find({ organisationId: new Types.ObjectId(actor.organisationId) }).lean<AssignmentDoc[]>();
  return docs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** One assignment of the actor's office by `_id`, or NotFoundError (another office's reads as none). */
export async function assignmentOfOffice(actor: SessionUser, assignmentId: string): Promise<AssignmentDoc> {
  assertCanManageTraining(actor);
  const assignments = await assignmentsOf(actor.organisationId);
  const assignment = await assignments.findById(assignmentId).lean<AssignmentDoc>();
  if (!assignment || String(assignment.organisationId) !== actor.organisationId) throw new NotFoundError('Nie znaleziono przydziału.');
  return assignment;
}

/**
 * Withdraws an assignment: nobody joins it any more, it never reopens, and the due date it set is taken off every
 * enrolment not completed yet (a completed one keeps its record). The people's records and their cycles stay (the
 * history), marked withdrawn; `enrolment.changed` is announced for each enrolment changed; audited.
 */
export async function withdrawAssignment(deps: AssignmentsDeps, params: { actor: SessionUser; assignmentId: string }): Promise<{ courseTitle: string; changed: number }> {
  const { actor } = params;
  const assignment = await assignmentOfOffice(actor, params.assignmentId);
  const courseTitle = deps.catalogue.get(assignment.courseId)?.title ?? assignment.courseId;
  if (assignment.withdrawnAt) return { courseTitle, changed: 0 };
  const now = deps.clock.now();
  const assignments = await assignmentsOf(assignment.organisationId);
  // Conditional on not being withdrawn yet: of two clicks at once, one does the work.
  const marked = await assignments.updateOne(
    { _id: assignment._id, organisationId: assignment.organisationId, withdrawnAt: { $exists: false } },
    { $set: { withdrawnAt: now, withdrawnBy: new Types.ObjectId(actor.id) } },
  );
  if (marked.modifiedCount !== 1) return { courseTitle, changed: 0 };

  const members = await assignmentMembersOf(assignment.organisationId);
  // One scan of this office's records (its own collection), as rare as a withdrawal.
  const records = await members.find({ organisationId: assignment.organisationId, assignmentId: assignment._id }).lean<AssignmentMemberDoc[]>();
  const course = deps.catalogue.get(assignment.courseId);
  const standings = await certificateStandingsOfEnrolments(
    assignment.organisationId,
    records.map((record) => record.enrolmentId),
  );
  let changed = 0;
  for (const record of records) {
    const found = await enrolmentById(assignment.organisationId, record.enrolmentId);
    const enrolment = found?.enrolment;
    // Only the due date this assignment set: another assignment (or HR by hand) may have set a later one.
    const ours = enrolment?.dueDate && record.dueDate && enrolment.dueDate.getTime() === record.dueDate.getTime();
    if (enrolment && ours) {
      const facts = trainingFactsOf(course, enrolment, found.progress ?? null, standings.get(String(enrolment._id)));
      const completedThisCycle = hasValidCompletion(facts, now) && facts.completedAt && facts.completedAt.getTime() >= record.cycleStartedAt.getTime();
      if (!completedThisCycle) {
        await changeDueDate(enrolment, undefined, now);
        await deps.events.emit('enrolment.changed', {
          organisationId: String(assignment.organisationId),
          enrolmentId: String(enrolment._id),
          userId: String(record.userId),
          courseId: record.courseId,
        });
        changed += 1;
      }
    }
    await members.updateOne({ _id: record._id, organisationId: assignment.organisationId }, { $set: { withdrawnAt: now } });
  }
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor,
    action: 'assignment.withdrawn',
    subject: { kind: 'assignment', id: String(assignment._id), label: courseTitle },
    details: { people: records.length, dueDatesRemoved: changed },
  });
  return { courseTitle, changed };
}
