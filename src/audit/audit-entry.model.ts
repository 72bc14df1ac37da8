// The audit trail: every change an administrator or HR makes to people, roles, attempts and settings.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const auditEntrySchema = new Schema(
  {
    at: { type: Date, required: true, default: () => new Date() },
    /** Who made the change (a user of this or, for the operator, of the platform organisation). */
    actorId: { type: Schema.Types.ObjectId, required: true },
    /** The actor's name as it was then: the trail must read the same after the account changes or goes. */
    actorName: { type: String, required: true },
    /** What was done, a dotted name from AUDIT_ACTIONS (audit-trail.ts), e.g. "person.deactivated". */
    action: { type: String, required: true },
    /** What it was done to: a person, a department, the office's settings, an import… */
    subject: {
      kind: { type: String, required: true },
      id: { type: String },
      label: { type: String },
    },
    /** Why, as the actor wrote it (required for some actions, e.g. an extra quiz attempt). */
    reason: { type: String, trim: true },
    /** What changed, as plain values (before/after, counts): shown on the trail page. */
    details: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);
auditEntrySchema.plugin(tenantScoped);
auditEntrySchema.index({ organisationId: 1, at: -1 });

export type AuditEntryDoc = InferSchemaType<typeof auditEntrySchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const AuditEntry = model('AuditEntry', auditEntrySchema);
