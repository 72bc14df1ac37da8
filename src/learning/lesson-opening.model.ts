// LessonOpening: when a learner first opened a lesson (platform clock), keyed `<enrolmentId>:<lessonId>` for `_id` reads.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * The reading-time floor of a lesson counts from this moment, taken on the server: a learner's browser cannot move
 * it. The first opening wins (a unique `_id` insert); reopening the lesson never restarts or shortens the floor.
 */
const lessonOpeningSchema = new Schema(
  {
    // `<enrolmentId>:<lessonId>`: the lesson page reads it by `_id` alone (any other filter is a scan on FerretDB).
    _id: { type: String, required: true },
    enrolmentId: { type: Schema.Types.ObjectId, required: true },
    lessonId: { type: String, required: true },
    openedAt: { type: Date, required: true },
  },
  { timestamps: false },
);
lessonOpeningSchema.plugin(tenantScoped);

export type LessonOpeningDoc = InferSchemaType<typeof lessonOpeningSchema> & { _id: string; organisationId: Types.ObjectId };
export const LessonOpening = model('LessonOpening', lessonOpeningSchema);

/** The `_id` of an enrolment's opening of a lesson. */
export function lessonOpeningId(enrolmentId: Types.ObjectId, lessonId: string): string {
  return `${enrolmentId.toHexString()}:${lessonId}`;
}
