// Issued certificates: the record the verification page shows, one per completion (plus re-issues).
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

export const CERTIFICATE_STATES = ['issued', 'revoked', 'superseded'] as const;
export type CertificateState = (typeof CERTIFICATE_STATES)[number];

const certificateSchema = new Schema(
  {
    /** The public number printed on the PDF and used in /weryfikacja/<code>. */
    code: { type: String, required: true, unique: true },
    /**
     * Makes issuing idempotent without transactions: "completion:<enrolment>:<completedAt>" for a completion,
     * "reissue:<old code>" for a re-issue; a second insert with the same key fails on the unique index.
     */
    issueKey: { type: String, required: true, unique: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true, index: true },
    enrolmentId: { type: Schema.Types.ObjectId, required: true, index: true },
    registration: { type: String, required: true },
    courseId: { type: String, required: true },
    courseVersion: { type: String, required: true },
    courseTitle: { type: String, required: true },
    legalStateDate: { type: String, required: true },
    durationMinutes: { type: Number, required: true },
    /** Snapshot of the name at issue: a later correction re-issues rather than rewrites. */
    learnerName: { type: String, required: true },
    scorePercent: { type: Number, required: true },
    /** The completion rule that was met, as the certificate states it (Polish, English); absent on older certificates. */
    completionRule: { type: String },
    completionRuleEn: { type: String },
    completedAt: { type: Date, required: true },
    issuedAt: { type: Date, required: true },
    validUntil: { type: Date },
    issuerName: { type: String, required: true },
    issuerKind: { type: String, enum: ['association', 'office'], required: true },
    signatoryName: { type: String, required: true },
    signatoryRole: { type: String, required: true },
    state: { type: String, enum: CERTIFICATE_STATES, default: 'issued' },
    revokedAt: { type: Date },
    revokedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    revocationReason: { type: String },
    supersededAt: { type: Date },
    /** Code of the certificate that replaced this one. */
    supersededBy: { type: String },
    /** Code of the certificate this one replaced. */
    supersedes: { type: String },
    /**
     * Set when a later version of the course was published as "zmiana stanu prawnego" (certificate-recertification.ts):
     * the holder must take the course again. The certificate stays `issued` and valid, as proof of the training done.
     */
    recertification: {
      type: new Schema(
        {
          requiredSince: { type: Date, required: true },
          /** The version that changed the law (the one to take). */
          byVersion: { type: String, required: true },
          /** The author's note on what changed. */
          note: { type: String },
        },
        { _id: false },
      ),
    },
    /**
     * Set when the office erased the holder (art. 17 RODO): the certificate stays, as proof of mandatory training,
     * until then (the office's period, organisation privacy settings), and the retention job withdraws it after.
     */
    heldUntil: { type: Date },
    /** SHA-256 (hex) of the issued PDF, to tell an unaltered file from an edited one. */
    pdfSha256: { type: String, required: true },
    pdfBytes: { type: Number, required: true },
    /** The Open Badges 3.0 credential as a VC-JWT (compact JWS). */
    credentialJwt: { type: String, required: true },
    /** Follow-up work, retried when issueCertificate is called again for the same completion. */
    /** When the PDF mail was queued in the outbox; the outbox entry (mailId) says whether it was delivered. */
    mailQueuedAt: { type: Date },
    mailId: { type: String },
    /**
     * Certificates issued before the mail queue (issue 10): set after an SMTP attempt, successful or not.
     * Still read so that finishing such a certificate's follow-ups does not mail it a second time.
     */
    mailedAt: { type: Date },
    issuedStatementId: { type: String },
    revokedStatementId: { type: String },
  },
  { timestamps: true },
);
certificateSchema.plugin(tenantScoped);

export type CertificateDoc = InferSchemaType<typeof certificateSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const Certificate = model('Certificate', certificateSchema);
