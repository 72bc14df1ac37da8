// HR's read model of training standings: one document per office and course holding every person's facts.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/** One earlier completion of a person on a course, kept so the history survives a re-completion. */
export interface StandingCompletion {
  completedAt: Date;
  certificateCode: string;
  validUntil?: Date;
  revokedAt?: Date;
}

/**
 * What one cell holds: the facts trainingStatus decides from, plus what the views show. The status itself is not
 * stored: it is computed at read time from these facts and the platform clock, so time passing rewrites nothing.
 */
export interface StandingFacts {
  enrolmentId: string;
  dueDate?: Date;
  assignedBy?: string;
  started: boolean;
  lastActivityAt?: Date;
  completedAt?: Date;
  validUntil?: Date;
  revoked: boolean;
  revokedAt?: Date;
  /** The number of the latest completion's certificate (its verification code). */
  certificateCode?: string;
  /** That certificate must be renewed after a change of law: since when, for which version, what changed. */
  recertification?: { requiredSince: Date; byVersion: string; note?: string };
  history: StandingCompletion[];
}

const trainingStandingSchema = new Schema(
  {
    // "<organisationId hex>:<courseId>": the matrix reads an office's standings by `_id` alone (FerretDB pushes down
    // only `_id`), one document per course; "<organisationId hex>:*" marks an office whose standings were built.
    _id: { type: String, required: true },
    courseId: { type: String, required: true },
    /**
     * Facts by the person's user id (hex), each encoded as one JSON string (encodeCell). Mixed: cells are set one by
     * one with `$set: { 'cells.<id>': … }`. A string, not a sub-document: FerretDB decodes every field of a document
     * it reads, and 2,000 cells of a dozen fields each took about 400 ms a document (ten per matrix page) against
     * about 30 ms for the same cells as strings.
     */
    cells: { type: Schema.Types.Mixed, default: {} },
  },
  { timestamps: true, minimize: false },
);
trainingStandingSchema.plugin(tenantScoped);

export interface TrainingStandingDoc {
  _id: string;
  organisationId: Types.ObjectId;
  courseId: string;
  /** Encoded cells (decodeCell reads one). */
  cells: Record<string, string>;
}
export const TrainingStanding = model('TrainingStanding', trainingStandingSchema);

/** The `_id` of an office's standings on a course. */
export function standingId(organisationId: Types.ObjectId | string, courseId: string): string {
  return `${String(organisationId)}:${courseId}`;
}

/** The `_id` of the marker saying an office's standings were built (start-up back-fill). */
export function builtMarkerId(organisationId: Types.ObjectId | string): string {
  return standingId(organisationId, '*');
}

/** The dates a cell holds (its own and its history's), revived as Date by decodeCell. */
const DATE_FIELDS = new Set(['dueDate', 'lastActivityAt', 'completedAt', 'validUntil', 'revokedAt', 'requiredSince']);

/** One cell as stored: its facts as JSON (dates as ISO 8601 text). */
export function encodeCell(facts: StandingFacts): string {
  return JSON.stringify(facts);
}

/** One stored cell's facts, dates revived. */
export function decodeCell(stored: string): StandingFacts {
  return JSON.parse(stored, (key, value: unknown) => (DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value)) as StandingFacts;
}
