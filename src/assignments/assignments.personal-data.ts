// What assignments hold about one person: exported on their request (art. 15, 20 RODO), deleted on erasure (art. 17).
import { Types } from 'mongoose';
import { assignmentMembersOf, assignmentsOf } from './assignment.model.js';
import { Reminder } from './reminder.model.js';

/**
 * Deletes the person's assignment records and reminders and takes them off assignments that name people; the
 * assignments themselves stay (they are the office's decisions). Idempotent.
 */
export async function eraseAssignmentsOf(params: { organisationId: string; userId: string }): Promise<number> {
  const organisationId = new Types.ObjectId(params.organisationId);
  const userId = new Types.ObjectId(params.userId);
  const Members = await assignmentMembersOf(organisationId);
  const { deletedCount } = await Members.deleteMany({ organisationId, userId });
  await Reminder.deleteMany({ organisationId, userId });
  const Assignments = await assignmentsOf(organisationId);
  await Assignments.updateMany({ organisationId, userIds: userId }, { $pull: { userIds: userId } });
  return deletedCount;
}

/** The person's assignment records (with their cycles) and reminders, as their data export shows them. */
export async function assignmentDataOf(params: { organisationId: string; userId: string }) {
  const organisationId = new Types.ObjectId(params.organisationId);
  const userId = new Types.ObjectId(params.userId);
  const Members = await assignmentMembersOf(organisationId);
  const [assignments, reminders] = await Promise.all([
    Members.find({ organisationId, userId }).select({ organisationId: 0 }).lean(),
    Reminder.find({ organisationId, userId }).select({ organisationId: 0 }).lean(),
  ]);
  return { assignments, reminders };
}
