// The access trail: who (HR, an admin) viewed or exported whose personal data, when and what (art. 5(2), 32 RODO).
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const accessTrailEntrySchema = new Schema(
  {
    at: { type: Date, required: true },
    viewerId: { type: Schema.Types.ObjectId, required: true },
    /** The viewer's name and role as they were then: the trail reads the same after the account changes. */
    viewerName: { type: String, required: true },
    viewerRole: { type: String, required: true },
    /** What was viewed or exported (PERSONAL_DATA_ACCESS_KINDS). */
    what: { type: String, required: true },
    /**
     * The people whose data it showed, by user id (never their names: the trail is not another copy of the data).
     * At most MAX_SUBJECTS; a larger list keeps the first ones and `subjectCount` says how many there were.
     */
    subjectIds: { type: [String], default: [] },
    subjectCount: { type: Number, required: true },
    scope: { type: String },
  },
  { versionKey: false },
);
accessTrailEntrySchema.plugin(tenantScoped);
accessTrailEntrySchema.index({ organisationId: 1, at: -1 });

export interface AccessTrailEntryDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  at: Date;
  viewerId: Types.ObjectId;
  viewerName: string;
  viewerRole: string;
  what: string;
  subjectIds: string[];
  subjectCount: number;
  scope?: string;
}
export const AccessTrailEntry = model('AccessTrailEntry', accessTrailEntrySchema);
