// Certificates' read API for other features (learning's pages, reports): by enrolment or person, never their collection.
import { certificatesOfList, enrolmentList, learnerList } from './certificate-keys.js';
import type { CertificateDoc } from './certificate.model.js';
import { currentCertificateOf, objectIdOf, statusOf, type CertificateStatus, type Id } from './certificate-rules.js';

// Every function here reads `_id`-keyed documents only (certificate-keys.ts): its cost depends on how many
// certificates the asked-for enrolments or person hold, not on how many the store holds for all offices.
// Each returns only certificates of `organisationId`, whatever id it is given.

/**
 * Each enrolment's certificates, newest first (the history of expired, revoked and replaced ones included,
 * without their credentials), keyed by the enrolment id as a hex string; an enrolment without any maps to [].
 */
export async function certificatesOfEnrolments(organisationId: Id, enrolmentIds: Id[]): Promise<Map<string, CertificateDoc[]>> {
  const organisation = objectIdOf(organisationId);
  const ids = enrolmentIds.map(objectIdOf);
  const lists = await Promise.all(ids.map((id) => certificatesOfList(enrolmentList(id), organisation)));
  return new Map(ids.map((id, i) => [id.toHexString(), lists[i]]));
}

/** What a learning page links to for an enrolment: the certificate that counts now. */
export interface EnrolmentCertificate {
  id: string;
  code: string;
  courseId: string;
  status: CertificateStatus;
  completedAt: Date;
  issuedAt: Date;
  validUntil?: Date;
  /** The public page, e.g. /verify/AJST-2026-…, and the learner's own download. */
  verifyUrl: string;
  pdfUrl: string;
}

/**
 * The certificate that counts now for each enrolment (the latest valid one, else the latest expired one;
 * never a revoked or superseded one), keyed by the enrolment id; enrolments without one are absent.
 */
export async function currentCertificatesOfEnrolments(organisationId: Id, enrolmentIds: Id[], now: Date = new Date()): Promise<Map<string, EnrolmentCertificate>> {
  const all = await certificatesOfEnrolments(organisationId, enrolmentIds);
  const current = new Map<string, EnrolmentCertificate>();
  for (const [enrolmentId, certificates] of all) {
    const certificate = currentCertificateOf(certificates, now);
    if (!certificate) continue;
    const id = certificate._id.toHexString();
    current.set(enrolmentId, {
      id,
      code: certificate.code,
      courseId: certificate.courseId,
      status: statusOf(certificate, now),
      completedAt: certificate.completedAt,
      issuedAt: certificate.issuedAt,
      validUntil: certificate.validUntil ?? undefined,
      verifyUrl: `/verify/${certificate.code}`,
      pdfUrl: `/moje-zaswiadczenia/${id}/pdf`,
    });
  }
  return current;
}

/** Every certificate of one person in the organisation, newest first, without their credentials. */
export function certificatesOfPerson(organisationId: Id, userId: Id): Promise<CertificateDoc[]> {
  return certificatesOfList(learnerList(objectIdOf(userId)), objectIdOf(organisationId));
}
