// Erasures of people (art. 17 RODO): requested by the person, ordered by the office admin, carried out step by step.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/** A person's own request to be erased: shown to the office admin, who decides (`_id`: the person's user id). */
const erasureRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    /** What the person wrote (optional); removed once the erasure is done. */
    note: { type: String, trim: true, maxlength: 2000 },
    /** The name as the admin should see it while the request waits; removed once the erasure is done. */
    personName: { type: String },
    status: { type: String, enum: ['requested', 'ordered', 'erased'], required: true, default: 'requested' },
  },
  { versionKey: false },
);
erasureRequestSchema.plugin(tenantScoped);

export type ErasureRequestDoc = {
  _id: string;
  organisationId: Types.ObjectId;
  requestedAt: Date;
  note?: string;
  personName?: string;
  status: 'requested' | 'ordered' | 'erased';
};
export const ErasureRequest = model('ErasureRequest', erasureRequestSchema);

/** The steps of an erasure, in the order they run (the account last: until it goes, a retry can find the person). */
export const ERASURE_STEPS = ['statements', 'documents', 'packages', 'learning', 'assignments', 'certificates', 'mail', 'audit', 'exports', 'request', 'account'] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

/**
 * An erasure an admin (or the retention job) ordered (`_id`: the erased person's user id). It never holds the
 * person's name or e-mail; the pseudonym their statements get is kept only until the erasure has finished.
 */
const personErasureSchema = new Schema(
  {
    _id: { type: String, required: true },
    orderedAt: { type: Date, required: true },
    /** Who ordered it (the admin's name as it was, or the retention job). */
    orderedByName: { type: String, required: true },
    reason: { type: String, required: true, trim: true },
    /** The xAPI account name of the pseudonym, while the erasure runs (so a retry uses the same one); then unset. */
    pseudonymName: { type: String },
    /** Until when the person's certificates are kept (the office's period from the order). */
    certificatesHeldUntil: { type: Date, required: true },
    stepsDone: { type: [String], default: [] },
    /** What each step removed or rewrote, for the admin's page. */
    counts: { type: Schema.Types.Mixed, default: {} },
    finishedAt: { type: Date },
    /** The last failure, when a run stopped half-way (the next run continues). */
    lastError: { type: String },
  },
  { versionKey: false, minimize: false },
);
personErasureSchema.plugin(tenantScoped);

export interface PersonErasureDoc {
  _id: string;
  organisationId: Types.ObjectId;
  orderedAt: Date;
  orderedByName: string;
  reason: string;
  pseudonymName?: string;
  certificatesHeldUntil: Date;
  stepsDone: string[];
  counts: Record<string, number>;
  finishedAt?: Date;
  lastError?: string;
}
export const PersonErasure = model('PersonErasure', personErasureSchema);
