// Unfinished enrolments: one small document per enrolment whose record is not complete yet, so the start-up repair reads a short list.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * Written (`_id` = the enrolment's id) before the enrolment, deleted once its `registered` statement is stored and
 * projected (`recordedAt`). The start-up repair reads this collection, which holds only the few enrolments an
 * outage cut short, instead of scanning every enrolment of every office at every start.
 */
const unfinishedEnrolmentSchema = new Schema({
  _id: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true, default: () => new Date() },
});
unfinishedEnrolmentSchema.plugin(tenantScoped);

export type UnfinishedEnrolmentDoc = InferSchemaType<typeof unfinishedEnrolmentSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const UnfinishedEnrolment = model('UnfinishedEnrolment', unfinishedEnrolmentSchema);
