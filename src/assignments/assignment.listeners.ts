// Standing assignments: a person who joins (or moves to, or returns to) a department or office gets its assignments.
import { Types } from 'mongoose';
import { officeCourseFactsOf } from '../organisations/organisation.service.js';
import { usersByIds } from '../auth/users.read.js';
import type { PersonChanged } from '../events/platform-events.js';
import type { PersonDoc } from '../reports/reports.people.js';
import { assignmentMembersOf, assignmentsOf, memberId, type AssignmentDoc } from './assignment.model.js';
import { dueAfter, enrolAssignee } from './assignment.service.js';
import type { AssignmentsDeps } from './assignments.deps.js';

/** Whether a standing assignment covers someone in `departmentId`. */
function covers(assignment: AssignmentDoc, departmentId: string | null): boolean {
  if (assignment.withdrawnAt) return false;
  if (assignment.target === 'office') return true;
  return assignment.target === 'department' && departmentId !== null && String(assignment.departmentId) === departmentId;
}

/**
 * Enrols the person in every standing assignment of their office and department they are not in yet, due
 * daysToComplete days from today (the platform clock). One scan of the office's own assignments; the person's
 * record of each is read by `_id`, so running twice (a repeated event) enrols once.
 */
export async function giveStandingAssignments(deps: AssignmentsDeps, event: PersonChanged): Promise<number> {
  if (event.change === 'left' || event.status === 'deactivated' || event.status === 'pending') return 0;
  const organisationId = new Types.ObjectId(event.organisationId);
  const assignments = await assignmentsOf(organisationId);
  const standing = (await assignments.find({ organisationId }).lean<AssignmentDoc[]>()).filter((a) => covers(a, event.departmentId));
  if (!standing.length) return 0;
  const [person] = await usersByIds<PersonDoc>(organisationId, [event.userId], 'fullName email learnerId language status departmentId');
  if (!person) return 0;
  const members = await assignmentMembersOf(organisationId);
  // A standing assignment of a course since closed to the office (hidden, or its sharing narrowed) enrols nobody new;
  // the people enrolled already keep their enrolments (learning.policy.ts).
  const office = await officeCourseFactsOf(event.organisationId);
  const now = deps.clock.now();
  let given = 0;
  for (const assignment of standing) {
    const course = deps.catalogue.get(assignment.courseId);
    if (!course || !deps.availability.isOpenTo(course.id, office)) continue;
    const record = await members.findById(memberId(assignment._id, person._id)).lean<{ withdrawnAt?: Date }>();
    if (record && !record.withdrawnAt) continue;
    await enrolAssignee(deps, { assignment, course, person, dueDate: dueAfter(now, assignment.daysToComplete), now });
    if (!record) await assignments.updateOne({ _id: assignment._id, organisationId }, { $inc: { peopleCount: 1 } });
    given += 1;
  }
  return given;
}

/** Wires the standing assignments to `person.changed` (createPlatform calls it). */
export function listenForJoiners(deps: AssignmentsDeps): void {
  deps.events.on('person.changed', async (event) => {
    await giveStandingAssignments(deps, event);
  });
}
