// Reminders: how often and when a person was last reminded of one assigned course (one small document per enrolment).
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const reminderSchema = new Schema(
  {
    // _id is the enrolment's id: one reminder record per person and course, read and claimed by _id.
    _id: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    courseId: { type: String, required: true },
    /** When the last reminder was queued (the claims decide whether one may go: reminders.service.ts). */
    lastSentAt: { type: Date, required: true, default: () => new Date(0) },
    /** Reminders sent so far. */
    sentCount: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);
reminderSchema.plugin(tenantScoped);

export type ReminderDoc = InferSchemaType<typeof reminderSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const Reminder = model('Reminder', reminderSchema);
