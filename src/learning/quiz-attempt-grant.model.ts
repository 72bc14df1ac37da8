// Quiz attempt grants: HR lets one person take one more attempt beyond the limit, or start now despite the cool-down.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

export const QUIZ_GRANT_KINDS = ['extra_attempt', 'cooldown_lift'] as const;
export type QuizGrantKind = (typeof QUIZ_GRANT_KINDS)[number];

const quizAttemptGrantSchema = new Schema(
  {
    enrolmentId: { type: Schema.Types.ObjectId, ref: 'Enrolment', required: true, index: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    courseId: { type: String, required: true },
    kind: { type: String, enum: QUIZ_GRANT_KINDS, required: true },
    /** Why, as HR wrote it: shown to the learner on the quiz page and kept in the audit trail. */
    reason: { type: String, required: true, trim: true },
    grantedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The HR person's name as it was then (the person page reads the same after the account changes). */
    grantedByName: { type: String, required: true },
    grantedAt: { type: Date, required: true, default: () => new Date() },
    /**
     * Set when the attempt it allowed started. Which start uses a grant is decided by the claim
     * `quiz-grant:<id>` (db/claims.ts); this field is the record of it for the pages.
     */
    usedAt: { type: Date },
    /** The number of the attempt the grant allowed. */
    usedForAttempt: { type: Number },
  },
  { timestamps: true },
);
quizAttemptGrantSchema.plugin(tenantScoped);

export type QuizAttemptGrantDoc = InferSchemaType<typeof quizAttemptGrantSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const QuizAttemptGrant = model('QuizAttemptGrant', quizAttemptGrantSchema);
