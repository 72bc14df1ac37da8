// Turns certificate records into plain objects shaped for the views (never a mongoose document).
import { formatIsoDay } from '../calendar/calendar.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { CertificateDoc } from './certificate.model.js';
import { currentCertificateOf, statusOf, type CertificateStatus } from './certificate-rules.js';
import type { PublicCertificateRecord } from './verification.service.js';
import { verificationPath } from './certificate-code.js';

function statusView(status: CertificateStatus) {
  return { status, statusKey: `certificates:status.${status}`, isValid: status === 'valid', isExpired: status === 'expired' };
}

/** Where a certificate's course language is looked up (the platform's catalogue). */
type CourseLanguages = Pick<CourseCatalogue, 'languageOf'>;

/** One row of "Moje zaświadczenia". */
export function presentOwnCertificate(certificate: CertificateDoc, courses: CourseLanguages, now: Date = new Date()) {
  const id = certificate._id.toHexString();
  const status = statusOf(certificate, now);
  return {
    id,
    code: certificate.code,
    ...statusView(status),
    courseTitle: certificate.courseTitle,
    courseLanguage: courses.languageOf(certificate.courseId),
    courseVersion: certificate.courseVersion,
    legalStateDate: formatIsoDay(certificate.legalStateDate),
    // ISO day, shown by the page's date helper in its own language's format.
    legalStateDay: certificate.legalStateDate,
    durationMinutes: certificate.durationMinutes,
    completedAt: certificate.completedAt,
    issuedAt: certificate.issuedAt,
    validUntil: certificate.validUntil ?? undefined,
    learnerName: certificate.learnerName,
    verifyUrl: verificationPath(certificate.code),
    pdfUrl: `/moje-zaswiadczenia/${id}/pdf`,
    badgeUrl: `/moje-zaswiadczenia/${id}/odznaka.json`,
    jwtUrl: `/moje-zaswiadczenia/${id}/odznaka.jwt`,
    retakeUrl: `/szkolenia/${encodeURIComponent(certificate.courseId)}`,
  };
}

export type OwnCertificateView = ReturnType<typeof presentOwnCertificate>;

/**
 * The learner's list split into what counts now and the history. Per course the current certificate is a
 * valid one, or else the latest expired one (the learner is due to retake); everything else is history.
 */
export function presentOwnCertificates(certificates: CertificateDoc[], catalogue: CourseLanguages, now: Date = new Date()) {
  const byCompletion = [...certificates].sort((a, b) => b.completedAt.getTime() - a.completedAt.getTime() || b.issuedAt.getTime() - a.issuedAt.getTime());
  const currentIds = new Set<string>();
  const courses = new Set(byCompletion.map((certificate) => certificate.courseId));
  for (const courseId of courses) {
    const current = currentCertificateOf(
      byCompletion.filter((certificate) => certificate.courseId === courseId),
      now,
    );
    if (current) currentIds.add(current._id.toHexString());
  }
  const views = byCompletion.map((certificate) => presentOwnCertificate(certificate, catalogue, now));
  return { current: views.filter((view) => currentIds.has(view.id)), history: views.filter((view) => !currentIds.has(view.id)) };
}

/** One row of the HR list. */
export function presentOrganisationCertificate(certificate: CertificateDoc, catalogue: CourseLanguages, now: Date = new Date()) {
  const own = presentOwnCertificate(certificate, catalogue, now);
  return {
    ...own,
    pdfUrl: `/zaswiadczenia/${own.id}/pdf`,
    revokeUrl: `/zaswiadczenia/${own.id}/uniewaznij`,
    correctUrl: `/zaswiadczenia/${own.id}/popraw-dane`,
    canRevoke: own.status !== 'revoked',
    canCorrect: certificate.state === 'issued',
    revocationReason: certificate.revocationReason ?? undefined,
    scorePercent: certificate.scorePercent,
  };
}

/** The public verification record. */
export function presentPublicRecord(record: PublicCertificateRecord) {
  return {
    ...record,
    ...statusView(record.status),
    // The public record names no course id; the platform's courses are Polish.
    // The public record names no course id; the platform's courses are Polish.
    courseLanguage: 'pl',
    statusTextKey: `certificates:verify.statusText.${record.status}`,
    legalStateDate: formatIsoDay(record.legalStateDate),
    legalStateDay: record.legalStateDate,
    durationMinutes: record.durationMinutes,
    hasScore: record.scorePercent !== undefined,
    // Whole percent, as printed on the PDF.
    scorePercent: record.scorePercent === undefined ? undefined : Math.round(record.scorePercent),
    supersededByUrl: record.supersededBy ? verificationPath(record.supersededBy) : undefined,
    pdfAction: `${verificationPath(record.code)}/plik`,
    badgeAction: `${verificationPath(record.code)}/odznaka`,
  };
}
