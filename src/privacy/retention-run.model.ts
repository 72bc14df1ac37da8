// One record per day the retention job ran: its insert is the claim (one instance a day), its counts say what it did.
import { Schema, model } from 'mongoose';

const retentionRunSchema = new Schema(
  {
    /** The Warsaw day (YYYY-MM-DD). */
    _id: { type: String, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
    /** What each rule removed or rewrote. */
    counts: { type: Schema.Types.Mixed, default: {} },
    lastError: { type: String },
  },
  { versionKey: false, minimize: false },
);

export interface RetentionRunDoc {
  _id: string;
  startedAt: Date;
  finishedAt?: Date;
  counts: Record<string, number>;
  lastError?: string;
}
/** Not tenant-scoped: the job is the installation's, across every organisation. */
export const RetentionRun = model('RetentionRun', retentionRunSchema);
