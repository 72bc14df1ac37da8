// Certificates' read API for other features (learning's pages, reports): by enrolment or person, never their collection.
import { certificatesOfList, enrolmentList, learnerList } from './certificate-keys.js';
import type { CertificateDoc } from './certificate.model.js';
import { currentCertificateOf, objectIdOf, statusOf, type CertificateStatus, type Id } from './certificate-rules.js';
import { verificationPath } from './certificate-code.js';

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
  /** Set when a later version changed the law and the course must be taken again. */
  recertification?: RecertificationMark;
  /** The public page, e.g. /weryfikacja/AJST-2026-…, and the learner's own download. */
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
      recertification: markOf(certificate),
      verifyUrl: verificationPath(certificate.code),
      pdfUrl: `/moje-zaswiadczenia/${id}/pdf`,
    });
  }
  return current;
}

/** Every certificate of one person in the organisation, newest first, without their credentials. */
export function certificatesOfPerson(organisationId: Id, userId: Id): Promise<CertificateDoc[]> {
  return certificatesOfList(learnerList(objectIdOf(userId)), objectIdOf(organisationId));
}

/** A later version changed the law: the holder must take the course again (the certificate itself stays valid). */
export interface RecertificationMark {
  requiredSince: Date;
  /** The version to take. */
  byVersion: string;
  /** The author's note on what changed. */
  note?: string;
}

/** The mark of a certificate as plain facts, undefined without one. */
function markOf(certificate: Pick<CertificateDoc, 'recertification'>): RecertificationMark | undefined {
  const mark = certificate.recertification;
  if (!mark) return undefined;
  return { requiredSince: mark.requiredSince, byVersion: mark.byVersion, ...(mark.note ? { note: mark.note } : {}) };
}

/** What a status judgement needs from an enrolment's certificates: the latest one that was not replaced. */
export interface EnrolmentCertificateStanding {
  completedAt: Date;
  validUntil?: Date;
  /** That latest certificate was revoked (the completion no longer counts). */
  revoked: boolean;
  /** That latest certificate must be renewed after a change of law (certificate-recertification.ts). */
  recertification?: RecertificationMark;
}

/**
 * For each enrolment with certificates, its latest certificate that was not replaced by a re-issue (revoked ones
 * included, unlike currentCertificatesOfEnrolments): whether the last completion still stands. Keyed by enrolment id.
 */
export async function certificateStandingsOfEnrolments(organisationId: Id, enrolmentIds: Id[]): Promise<Map<string, EnrolmentCertificateStanding>> {
  const all = await certificatesOfEnrolments(organisationId, enrolmentIds);
  const standings = new Map<string, EnrolmentCertificateStanding>();
  for (const [enrolmentId, certificates] of all) {
    const latest = certificates
      .filter((c) => c.state !== 'superseded')
      .sort((a, b) => b.completedAt.getTime() - a.completedAt.getTime() || b.issuedAt.getTime() - a.issuedAt.getTime())[0];
    if (latest) {
      standings.set(enrolmentId, {
        completedAt: latest.completedAt,
        validUntil: latest.validUntil ?? undefined,
        revoked: latest.state === 'revoked',
        recertification: markOf(latest),
      });
    }
  }
  return standings;
}

/** One certificate of a person as their dashboard lists it. */
export interface PersonCertificateSummary extends EnrolmentCertificate {
  enrolmentId: string;
}

/**
 * The person's latest `limit` certificates, newest first, replaced ones (re-issued under a corrected name) left
 * out: revoked and expired ones stay, with their status at `now`.
 */
export async function recentCertificatesOfPerson(organisationId: Id, userId: Id, now: Date, limit = 5): Promise<PersonCertificateSummary[]> {
  const certificates = (await certificatesOfPerson(organisationId, userId)).filter((c) => c.state !== 'superseded');
  return certificates
    .sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime())
    .slice(0, limit)
    .map((certificate) => {
      const id = certificate._id.toHexString();
      return {
        id,
        enrolmentId: String(certificate.enrolmentId),
        code: certificate.code,
        courseId: certificate.courseId,
        status: statusOf(certificate, now),
        completedAt: certificate.completedAt,
        issuedAt: certificate.issuedAt,
        validUntil: certificate.validUntil ?? undefined,
        verifyUrl: verificationPath(certificate.code),
        pdfUrl: `/moje-zaswiadczenia/${id}/pdf`,
      };
    });
}

/** One completion as a person's history shows it: its certificate (the one not replaced by a re-issue). */
export interface CompletionRecord {
  completedAt: Date;
  certificateCode: string;
  validUntil?: Date;
  revokedAt?: Date;
}

/** An enrolment's completions, newest first: the latest (what its status is judged from) and the earlier ones. */
export interface EnrolmentCompletions {
  latest?: EnrolmentCertificateStanding & { code: string; revokedAt?: Date };
  earlier: CompletionRecord[];
}

/**
 * Each enrolment's completions as certified (re-issued certificates count as their successor only), keyed by the
 * enrolment id; an enrolment without certificates maps to `{ earlier: [] }`. `_id` reads only, like the rest here.
 */
export async function completionsOfEnrolments(organisationId: Id, enrolmentIds: Id[]): Promise<Map<string, EnrolmentCompletions>> {
  const all = await certificatesOfEnrolments(organisationId, enrolmentIds);
  const result = new Map<string, EnrolmentCompletions>();
  for (const [enrolmentId, certificates] of all) {
    const records = certificates
      .filter((c) => c.state !== 'superseded')
      .sort((a, b) => b.completedAt.getTime() - a.completedAt.getTime() || b.issuedAt.getTime() - a.issuedAt.getTime());
    const [latest, ...earlier] = records;
    result.set(enrolmentId, {
      latest: latest && {
        code: latest.code,
        completedAt: latest.completedAt,
        validUntil: latest.validUntil ?? undefined,
        revoked: latest.state === 'revoked',
        revokedAt: latest.revokedAt ?? undefined,
        recertification: markOf(latest),
      },
      earlier: earlier.map((c) => ({ completedAt: c.completedAt, certificateCode: c.code, validUntil: c.validUntil ?? undefined, revokedAt: c.revokedAt ?? undefined })),
    });
  }
  return result;
}
