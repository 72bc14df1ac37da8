// Look-up keys of certificates: documents addressed by `_id` alone, the one look-up FerretDB on SQLite pushes down.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * One key per fact a page looks a certificate up by (docs/database.md, "What each certificate read costs"):
 * - `code:<normalised code>`: the verification page (a verifier knows only the number);
 * - `enrolment:<enrolmentId>:<n>` and `learner:<userId>:<n>`: the n-th certificate (0, 1, …) of an enrolment or
 *   of a person, so their lists are a few `_id` reads instead of a scan of every office's certificates.
 * Keys are only ever inserted (the n-th slot is won by a unique `_id` insert), never updated by two writers,
 * so FerretDB's lost updates cannot drop one. They are written before the certificate record: a key may point
 * to a certificate that was never stored (a crash, or a lost race), which readers skip; a stored certificate
 * always has its keys (and those stored before the keys existed get them at start-up, certificate-keys.ts).
 */
const certificateKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    certificateId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);
certificateKeySchema.plugin(tenantScoped);

export interface CertificateKeyDoc {
  _id: string;
  certificateId: Types.ObjectId;
  organisationId: Types.ObjectId;
}
export const CertificateKey = model('CertificateKey', certificateKeySchema);
