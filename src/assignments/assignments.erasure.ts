// What assignments delete when an office erases a person: their records of each assignment and their reminders.
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
