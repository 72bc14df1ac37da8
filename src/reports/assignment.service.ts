// Assigning a mandatory course with a due date to a department or chosen people, and what the form offers.
import type { SessionUser } from '../auth/session-user.js';
import { endOfWarsawDay } from '../calendar/calendar.js';
import { ValidationError } from '../http/errors.js';
import { assignCourse } from '../learning/enrolment.service.js';
import { enrolmentsOfOrganisation } from '../learning/learning.read.js';
import type { ReportsDeps } from './reports.deps.js';
import { assignmentMail, courseUrl } from './reports.mail.js';
import { checkDepartment, departmentsOf, organisationOf, peopleOf } from './reports.people.js';
import { assertCanManageTraining } from './reports.policy.js';

/** What the assignment form offers: the loaded courses, the departments, and the people by department. */
export async function assignmentChoices(deps: Pick<ReportsDeps, 'catalogue'>, actor: SessionUser) {
  assertCanManageTraining(actor);
  const organisation = await organisationOf(actor.organisationId);
  const departments = departmentsOf(organisation);
  // Leavers are not offered: a course is assigned to people who still work here.
  const people = (await peopleOf(organisation._id)).filter((person) => person.status !== 'deactivated');
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

  const everyone = (await peopleOf(organisation._id)).filter((person) => person.status !== 'deactivated');
  const byId = new Map(everyone.map((person) => [String(person._id), person]));
  if (params.userIds.some((id) => !byId.has(id))) {
    throw new ValidationError({ userIds: ['reports:errors.personNotInOrganisation'] });
  }
  const chosen = new Set(params.userIds);
  const targets = everyone.filter((person) => chosen.has(String(person._id)) || (params.departmentId && String(person.departmentId ?? '') === params.departmentId));
  if (!targets.length) {
    throw new ValidationError(params.departmentId ? { departmentId: ['reports:errors.departmentEmpty'] } : { departmentId: ['reports:errors.departmentOrPeople'] });
  }

  const dueDate = endOfWarsawDay(params.dueDate);
  const already = await enrolmentsOfOrganisation(organisation._id, { courseIds: [course.id], userIds: targets.map((t) => t._id) });
  const alreadyEnrolled = new Set(already.map(({ enrolment }) => String(enrolment.userId)));
  const link = courseUrl(deps.config.BASE_URL, course.id);
  for (const person of targets) {
    await assignCourse(deps, {
      learner: { id: String(person._id), organisationId: String(organisation._id), learnerId: person.learnerId, fullName: person.fullName },
      course,
      dueDate,
      assignedBy: actor.id,
    });
    const mail = assignmentMail({ fullName: person.fullName, courseTitle: course.title, courseUrl: link, dueDate, language: person.language ?? undefined });
    await deps.mailer.enqueue({ to: person.email, ...mail });
  }
  return { courseTitle: course.title, assigned: targets.length, newlyEnrolled: targets.filter((t) => !alreadyEnrolled.has(String(t._id))).length };
}
