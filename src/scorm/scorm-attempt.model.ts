// ScormAttempt: a learner's CMI data of one SCO in one enrolment (the attempt), keyed `<enrolmentId>:<scoId>` for `_id` reads.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * What the SCO committed, as scorm-again's flattened CMI (`cmi.suspend_data`, `cmi.core.lesson_location`…), written
 * whole at each commit and given back at the next launch, so the learner resumes. One enrolment is one attempt:
 * enrolling again (a new course version) starts a new one.
 */
const scormAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    enrolmentId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    courseId: { type: String, required: true },
    scoId: { type: String, required: true },
    /** The flattened CMI as JSON text (keys with dots are not valid field names in every store). */
    cmi: { type: String, required: true },
    /** Derived at each commit (scorm-runtime.ts): not attempted, incomplete, completed, passed, failed. */
    status: { type: String, required: true },
    scoreScaled: { type: Number },
    commits: { type: Number, default: 0 },
    /** When the SCO first reported it was satisfied (completed or passed): its `completed` statement is recorded once. */
    satisfiedAt: { type: Date },
    updatedAt: { type: Date, required: true },
  },
  { timestamps: false },
);
scormAttemptSchema.plugin(tenantScoped);

export interface ScormAttemptDoc {
  _id: string;
  organisationId: Types.ObjectId;
  enrolmentId: Types.ObjectId;
  userId: Types.ObjectId;
  courseId: string;
  scoId: string;
  cmi: string;
  status: string;
  scoreScaled?: number;
  commits: number;
  satisfiedAt?: Date;
  updatedAt: Date;
}

export const ScormAttempt = model('ScormAttempt', scormAttemptSchema);

export function scormAttemptId(enrolmentId: Types.ObjectId, scoId: string): string {
  return `${enrolmentId.toHexString()}:${scoId}`;
}
