// LearningProgress: one small document per enrolment (_id = enrolment id), derived from xAPI statements.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

export const PROGRESS_STATUSES = ['enrolled', 'in_progress', 'failed', 'passed', 'completed'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/** Statuses only move forward: a later failed attempt does not undo a pass. */
export function statusRank(status: ProgressStatus): number {
  return PROGRESS_STATUSES.indexOf(status);
}

const learningProgressSchema = new Schema(
  {
    // _id is the enrolment's id, so "Moje szkolenia" reads progress by _id only.
    _id: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    courseId: { type: String, required: true },
    registration: { type: String, required: true },
    status: { type: String, enum: PROGRESS_STATUSES, required: true, default: 'enrolled' },
    statusRank: { type: Number, required: true, default: 0 },
    lessonsViewed: { type: [String], default: [] },
    /** Lessons finished under the completion rule (`completed` of a lesson activity). */
    lessonsCompleted: { type: [String], default: [] },
    /** In-lesson knowledge checks answered at least once (`answered` of a check activity). */
    checksAnswered: { type: [String], default: [] },
    lastLessonId: { type: String },
    lastActivityAt: { type: Date },
    /** Quiz attempts graded (passed or failed statements). */
    attempts: { type: Number, required: true, default: 0 },
    /** Best quiz score, 0–1 (result.score.scaled). */
    bestScore: { type: Number },
    /** Ids of the passed/failed statements already counted in `attempts` (keeps replays idempotent). */
    countedStatementIds: { type: [String], default: [] },
    passedAt: { type: Date },
    completedAt: { type: Date },
  },
  { timestamps: true },
);
learningProgressSchema.plugin(tenantScoped);

export type LearningProgressDoc = InferSchemaType<typeof learningProgressSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const LearningProgress = model('LearningProgress', learningProgressSchema);
