// What certificates hold about one person: exported on request; after an erasure kept for the office's period, then withdrawn.
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { normaliseCertificateCode } from './certificate-code.js';
import { CertificateFile } from './certificate-file.model.js';
import { CertificateKey } from './certificate-key.model.js';
import { Certificate, type CertificateDoc } from './certificate.model.js';
import { WithdrawnCertificate } from './withdrawn-certificate.model.js';

/**
 * Marks the erased person's certificates to be kept until `heldUntil` (a date in the past or now: withdrawn at once).
 * Until then the public verification works as before (without the score: the holder's consent went with the
 * account). Idempotent; a later erasure run does not move the date.
 */
export async function holdCertificatesOfErasedPerson(params: { organisationId: string; userId: string; heldUntil: Date; now: Date }): Promise<number> {
  const organisationId = new Types.ObjectId(params.organisationId);
  const { modifiedCount } = await Certificate.updateMany(
    { organisationId, userId: new Types.ObjectId(params.userId), heldUntil: { $exists: false } },
    { $set: { heldUntil: params.heldUntil } },
  );
  if (params.heldUntil <= params.now) await withdrawCertificatesPastRetention(params.now, { organisationId, userId: new Types.ObjectId(params.userId) });
  return modifiedCount;
}

/**
 * Withdraws every certificate whose holder was erased and whose period has ended: its number is recorded as having
 * existed, then the file, the look-up keys and the record (with the name) are deleted. Resumable: the number is
 * recorded first and the record deleted last, so a run cut short is finished by the next. Across organisations on
 * purpose (the retention job's one pass); a scan on FerretDB, once a day.
 */
export async function withdrawCertificatesPastRetention(now: Date, only?: { organisationId: Types.ObjectId; userId: Types.ObjectId }): Promise<number> {
  const filter = only ? { ...only, heldUntil: { $lte: now } } : { heldUntil: { $lte: now } };
  const due = await Certificate.find(filter)
    .setOptions({ acrossOrganisations: !only })
    .select({ _id: 1, code: 1, organisationId: 1 })
    .lean<Array<Pick<CertificateDoc, 'code'> & { _id: Types.ObjectId; organisationId: Types.ObjectId }>>();
  for (const certificate of due) {
    try {
      await WithdrawnCertificate.create({ _id: certificate.code, organisationId: certificate.organisationId, withdrawnAt: now });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    await CertificateFile.deleteOne({ _id: certificate._id, organisationId: certificate.organisationId });
    await CertificateKey.deleteMany({ organisationId: certificate.organisationId, certificateId: certificate._id });
    await Certificate.deleteOne({ _id: certificate._id, organisationId: certificate.organisationId });
  }
  return due.length;
}

/** Whether a certificate with this number existed and is no longer held (the public page says only that). */
export async function wasWithdrawn(rawCode: unknown): Promise<boolean> {
  const code = normaliseCertificateCode(rawCode);
  if (!code) return false;
  // By `_id` alone, across organisations on purpose: a verifier knows only the number.
  return Boolean(await WithdrawnCertificate.exists({ _id: code }));
}

/** The person's certificates (the public record, no signing material) with their PDFs, for their data export. */
export async function certificateDataOf(params: { organisationId: string; userId: string }) {
  const organisationId = new Types.ObjectId(params.organisationId);
  const certificates = await Certificate.find({ organisationId, userId: new Types.ObjectId(params.userId) })
    .select({ organisationId: 0, credentialJwt: 0, issueKey: 0 })
    .sort({ issuedAt: 1 })
    .lean<Array<CertificateDoc & { _id: Types.ObjectId }>>();
  const files = new Map<string, Buffer>();
  for (const certificate of certificates) {
    // By `_id` alone (FerretDB pushes only that down), then checked to be the office's.
    const file = await CertificateFile.findById(certificate._id);
    if (file && String(file.get('organisationId')) === params.organisationId) files.set(certificate.code, Buffer.from(file.pdf));
  }
  return { certificates, files };
}
