// The assignments feature's read API for other features (the HR person record): reminders sent per enrolment.
import type { Types } from 'mongoose';
import { Reminder, type ReminderDoc } from './reminder.model.js';

/** How many reminders each enrolment got and when the last one was queued, keyed by enrolment id (`_id` reads). */
export async function remindersOfEnrolments(organisationId: Types.ObjectId, enrolmentIds: Types.ObjectId[]): Promise<Map<string, Pick<ReminderDoc, 'sentCount' | 'lastSentAt'>>> {
  if (!enrolmentIds.length) return new Map();
  const reminders = await Reminder.find({ _id: { $in: enrolmentIds }, organisationId }).lean<ReminderDoc[]>();
  return new Map(reminders.map((r) => [String(r._id), { sentCount: r.sentCount, lastSentAt: r.lastSentAt }]));
}
