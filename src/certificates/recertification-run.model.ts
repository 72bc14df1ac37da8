// Re-certification runs: one per course version published as "zmiana stanu prawnego", worked off by a scheduled job.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const recertificationRunSchema = new Schema(
  {
    // "<courseId>@<version>": publishing (or announcing) the same version twice records one run (a unique `_id` insert).
    _id: { type: String, required: true },
    courseId: { type: String, required: true },
    version: { type: String, required: true },
    /** The author's note on what changed (the e-mail and the person record quote it). */
    note: { type: String },
    requestedAt: { type: Date, required: true },
    /** Set once a run went through every certificate it found without a failure; absent = the job works on it. */
    doneAt: { type: Date },
    /** Certificates marked by the runs so far (each once: the claims decide). */
    marked: { type: Number, default: 0 },
    /** Failures of the last run, and its last error message (the next run tries them again). */
    failures: { type: Number, default: 0 },
    lastError: { type: String },
    lastRunAt: { type: Date },
  },
  { timestamps: true },
);
// The organisation that owns the course (an association or an office), as announced by the studio.
recertificationRunSchema.plugin(tenantScoped);

export interface RecertificationRunDoc {
  _id: string;
  organisationId: Types.ObjectId;
  courseId: string;
  version: string;
  note?: string;
  requestedAt: Date;
  doneAt?: Date;
  marked: number;
  failures: number;
  lastError?: string;
  lastRunAt?: Date;
}
export const RecertificationRun = model('RecertificationRun', recertificationRunSchema);

/** The `_id` of the run of one published version. */
export function recertificationRunId(courseId: string, version: string): string {
  return `${courseId}@${version}`;
}
