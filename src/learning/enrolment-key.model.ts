// Enrolment keys: `_id`-named pointers to enrolments (and their quiz attempts and grants), so learner pages read by `_id` only.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * On FerretDB's SQLite backend only a filter that is exactly `{ _id: X }` reaches SQL; any other filter decodes the
 * whole collection. So every question a learner page asks is a key (docs/database.md, "What each read costs"):
 *
 * - `course:<userId>:<courseId>` → the learner's enrolment on the course (userId is unique across offices);
 * - `registration:<organisationId>:<registration>` → the enrolment a statement's registration moves, with what the
 *   progress projector needs (userId, courseId, the learner's xAPI account name);
 * - `attempt:<enrolmentId>:<n>` → the n-th quiz attempt (itemId), n = 1, 2, … without gaps;
 * - `grant:<enrolmentId>:<n>` → the n-th quiz grant HR gave (itemId);
 * - `learner:<userId>` → the courses the person ever enrolled on (courseIds), for the rows of "Moje szkolenia"
 *   whose course is no longer loaded (enrolmentId: the first enrolment, unused).
 *
 * A key is inserted before the document it names, and its unique `_id` decides who goes ahead (the claims rule,
 * docs/database.md): a key whose document is missing is finished by the next enrolment or start, never a twin.
 */
const enrolmentKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    enrolmentId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId },
    courseId: { type: String },
    registration: { type: String },
    /** On registration keys: User.learnerId, the only actor whose statements move the enrolment. */
    learnerId: { type: String },
    /** On attempt and grant keys: the attempt's or the grant's `_id`. */
    itemId: { type: Schema.Types.ObjectId },
    /** On the learner key: every course id the person enrolled on ($addToSet). */
    courseIds: { type: [String], default: undefined },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
enrolmentKeySchema.plugin(tenantScoped);

export type EnrolmentKeyDoc = InferSchemaType<typeof enrolmentKeySchema> & { _id: string; organisationId: Types.ObjectId };
export const EnrolmentKey = model('EnrolmentKey', enrolmentKeySchema);
