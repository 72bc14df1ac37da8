// Public verification: what anyone may learn about a certificate from its number, an uploaded PDF or badge.
import { User } from '../auth/user.model.js';
import { normaliseCertificateCode } from './certificate-code.js';
import type { CertificateDoc } from './certificate.model.js';
import { certificateByCode } from './certificate-keys.js';
import { sha256Hex, statusOf, type CertificateStatus } from './certificate-rules.js';
import { extractCredentialJwt, verifyCredentialSignature, type BadgeFacts } from './open-badge.js';
import type { BadgeSigningKeys } from './signing-key.service.js';

/** Exactly what the public page shows: no e-mail, no ids, the score only with the learner's consent. */
export interface PublicCertificateRecord extends Omit<BadgeFacts, 'organisationId' | 'courseId'> {
  status: CertificateStatus;
  revokedAt?: Date;
  supersededBy?: string;
  scorePercent?: number;
}

function findByCode(code: string): Promise<CertificateDoc | undefined> {
  // Intentionally across organisations (see certificateByCode): a verifier knows only the number. Two `_id`
  // reads, the code key then the record, whatever the store holds.
  return certificateByCode(code);
}

async function toPublicRecord(certificate: CertificateDoc, now: Date): Promise<PublicCertificateRecord> {
  // By _id, so no tenant filter is needed; only the consent flag is read.
  const holder = await User.findById(certificate.userId).select('showScoreOnCertificates').lean();
  return {
    code: certificate.code,
    status: statusOf(certificate, now),
    learnerName: certificate.learnerName,
    courseTitle: certificate.courseTitle,
    courseVersion: certificate.courseVersion,
    legalStateDate: certificate.legalStateDate,
    durationMinutes: certificate.durationMinutes,
    completedAt: certificate.completedAt,
    issuedAt: certificate.issuedAt,
    validUntil: certificate.validUntil ?? undefined,
    issuerName: certificate.issuerName,
    revokedAt: certificate.revokedAt ?? undefined,
    supersededBy: certificate.supersededBy ?? undefined,
    scorePercent: holder?.showScoreOnCertificates ? certificate.scorePercent : undefined,
  };
}

/** The public record for a code, or undefined for a malformed or unknown code (callers show the same 404). */
export async function lookUpCertificate(rawCode: unknown, now: Date = new Date()): Promise<PublicCertificateRecord | undefined> {
  const code = normaliseCertificateCode(rawCode);
  if (!code) return undefined;
  const certificate = await findByCode(code);
  return certificate ? toPublicRecord(certificate, now) : undefined;
}

/** Whether `pdf` is byte for byte the file issued under `code` (SHA-256 recorded at issue). */
export async function checkUploadedPdf(rawCode: unknown, pdf: Buffer): Promise<{ record: PublicCertificateRecord; matches: boolean } | undefined> {
  const code = normaliseCertificateCode(rawCode);
  if (!code) return undefined;
  const certificate = await findByCode(code);
  if (!certificate) return undefined;
  return { record: await toPublicRecord(certificate, new Date()), matches: sha256Hex(pdf) === certificate.pdfSha256 };
}

export type CredentialOutcome =
  /** Signed by this platform and identical to the issued credential. */
  | 'authentic'
  /** Not a JWT or envelope we can read. */
  | 'unreadable'
  /** The signature does not verify with the platform's key (edited, or not ours). */
  | 'bad-signature'
  /** Validly signed, but no such certificate on record, or different from what was issued. */
  | 'not-on-record'
  /** Authentic, but for another certificate than the page it was uploaded on. */
  | 'other-certificate';

/**
 * Checks an uploaded Open Badge (VC-JWT text or its JSON envelope): the signature with the platform's key, then
 * that it is exactly the credential on record. `expectedCode` is the page's code, when uploaded on one.
 */
export async function checkUploadedCredential(
  deps: { badgeKeys: Pick<BadgeSigningKeys, 'current'> },
  text: string,
  expectedCode?: string,
): Promise<{ outcome: CredentialOutcome; record?: PublicCertificateRecord }> {
  const jwt = extractCredentialJwt(text);
  if (!jwt) return { outcome: 'unreadable' };
  const check = await verifyCredentialSignature(jwt, await deps.badgeKeys.current());
  if (!check.signatureValid) return { outcome: 'bad-signature' };
  const code = normaliseCertificateCode(check.credentialId.split('/').pop());
  const certificate = code ? await findByCode(code) : undefined;
  if (!certificate || certificate.credentialJwt !== jwt) return { outcome: 'not-on-record' };
  const record = await toPublicRecord(certificate, new Date());
  if (expectedCode && normaliseCertificateCode(expectedCode) !== certificate.code) return { outcome: 'other-certificate', record };
  return { outcome: 'authentic', record };
}
