// Issuing certificates: render, sign and store once per completion, then queue the PDF mail and record the statement.
import semver from 'semver';
import type { Clock } from '../calendar/clock.js';
import { Types } from 'mongoose';
import { validUntil } from '../calendar/calendar.js';
import { claimOnce } from '../db/claims.js';
import type { Config } from '../config.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Course } from '../courses/course.types.js';
import { NotFoundError } from '../http/errors.js';
import type { Mailer } from '../mail/mail.service.js';
import { Organisation } from '../organisations/organisation.model.js';
import type { LearningRecorder } from '../xapi/learning-recorder.js';
import { certificateIssued } from '../xapi/learning-statements.js';
import { newCertificateCode } from './certificate-code.js';
import { CertificateFile } from './certificate-file.model.js';
import { renderCertificatePdf, type CertificateContent } from './certificate-pdf.js';
import { objectIdOf, sha256Hex, statusOf, type Id } from './certificate-rules.js';
import { resolveTemplate, type CertificateTemplate } from './certificate-template.js';
import { issuedMail } from './certificate.mail.js';
import { Certificate, type CertificateDoc } from './certificate.model.js';
import { holderOf } from './certificate-holder.js';
import { certificatesOfList, enrolmentList, redirectKeys, writeCertificateKeys } from './certificate-keys.js';
import { describeCompletionRule } from '../courses/completion-rule.js';
import { translatorFor } from '../http/i18n.js';
import { buildOpenBadgeCredential, signOpenBadgeCredential, verificationUrl } from './open-badge.js';
import type { BadgeSigningKeys } from './signing-key.service.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import type { CertificateChanged, PlatformEvents } from '../events/platform-events.js';

/** What issuing and withdrawing certificates needs from the platform (a Platform fits). */
export interface CertificateDeps {
  catalogue: CourseCatalogue;
  /** The platform clock: when a certificate is issued (its number carries the year). */
  clock: Pick<Clock, 'now'>;
  recorder: LearningRecorder;
  mailer: Mailer;
  /** BASE_URL: verification links and credential ids. */
  config: Pick<Config, 'BASE_URL'>;
  /** The badge signing key (its private half sealed in the database). */
  badgeKeys: Pick<BadgeSigningKeys, 'current'>;
  /** Announces issued, re-issued and revoked certificates (HR's standings listen). */
  events: Pick<PlatformEvents, 'emit'>;
}

/** Tells listeners that a certificate of an enrolment changed. */
export function announceCertificate(deps: Pick<CertificateDeps, 'events'>, certificate: CertificateDoc, change: CertificateChanged['change']): Promise<void> {
  return deps.events.emit('certificate.changed', {
    organisationId: String(certificate.organisationId),
    enrolmentId: String(certificate.enrolmentId),
    userId: String(certificate.userId),
    courseId: certificate.courseId,
    code: certificate.code,
    change,
  });
}

/** Whether a pass on `courseVersion` answers the certificate's re-certification mark (the version the law change named, or later). */
function recertifiedBy(certificate: CertificateDoc, courseVersion: string | undefined): boolean {
  const mark = certificate.recertification;
  return Boolean(mark?.byVersion && courseVersion && semver.valid(courseVersion) && semver.gte(courseVersion, mark.byVersion));
}

/** The recording scope of a certificate's statements: its holder's enrolment. */
export function recordingScope(certificate: CertificateDoc, learnerId: string, course: Course) {
  return {
    learner: { organisationId: certificate.organisationId.toHexString(), learnerId, fullName: certificate.learnerName },
    course,
    registration: certificate.registration,
  };
}

/**
 * The course of a certificate from the loaded catalogue, in the version passed when it is still served (the title,
 * duration and legal state printed are that version's), otherwise the newest; undefined when it was removed since.
 */
function courseOf(deps: CertificateDeps, courseId: string, version?: string): Course | undefined {
  return deps.catalogue.versionOrNewest(courseId, version);
}

/** How the issuer's certificates look now (herb, accent, English line); the texts come from the certificate record. */
type CertificateLook = Pick<CertificateTemplate, 'logoPng' | 'logoSvg' | 'englishLine' | 'accentColour'>;

function contentOf(baseUrl: string, certificate: CertificateDoc, look: CertificateLook): CertificateContent {
  return {
    code: certificate.code,
    verificationUrl: verificationUrl(baseUrl, certificate.code),
    learnerName: certificate.learnerName,
    courseTitle: certificate.courseTitle,
    courseVersion: certificate.courseVersion,
    completedAt: certificate.completedAt,
    issuedAt: certificate.issuedAt,
    durationMinutes: certificate.durationMinutes,
    scorePercent: certificate.scorePercent,
    completionRule: certificate.completionRule ?? undefined,
    completionRuleEn: certificate.completionRuleEn ?? undefined,
    legalStateDate: certificate.legalStateDate,
    validUntil: certificate.validUntil ?? undefined,
    template: {
      issuerName: certificate.issuerName,
      issuerKind: certificate.issuerKind,
      signatoryName: certificate.signatoryName,
      signatoryRole: certificate.signatoryRole,
      accentColour: look.accentColour,
      logoPng: look.logoPng,
      logoSvg: look.logoSvg,
      englishLine: look.englishLine,
    },
  };
}

interface NewCertificate {
  issueKey: string;
  organisationId: Types.ObjectId;
  userId: Types.ObjectId;
  enrolmentId: Types.ObjectId;
  registration: string;
  courseId: string;
  courseVersion: string;
  courseTitle: string;
  legalStateDate: string;
  durationMinutes: number;
  learnerName: string;
  scorePercent: number;
  /** The completion rule that was met (completion-rule.ts), in Polish and English. */
  completionRule?: string;
  completionRuleEn?: string;
  completedAt: Date;
  validUntil?: Date;
  supersedes?: string;
}

/**
 * Renders, signs and stores one certificate. Without transactions the order matters: the file first, then the
 * look-up keys (code, enrolment, person: certificate-keys.ts), the record (which the verification page and the
 * lists read) last, so a stored record always has its file and its keys. A duplicate issueKey means someone else
 * won the race: our file is removed, our keys are pointed to theirs, and theirs is returned.
 */
async function createCertificate(deps: CertificateDeps, data: NewCertificate): Promise<{ certificate: CertificateDoc; created: boolean }> {
  const organisation = await Organisation.findById(data.organisationId).lean();
  if (!organisation) throw new NotFoundError('Nie znaleziono organizacji.');
  const template = resolveTemplate(organisation);
  const issuedAt = deps.clock.now();
  const _id = new Types.ObjectId();
  const record = {
    _id,
    ...data,
    code: newCertificateCode(issuedAt),
    issuedAt,
    issuerName: template.issuerName,
    issuerKind: template.issuerKind,
    signatoryName: template.signatoryName,
    signatoryRole: template.signatoryRole,
    state: 'issued',
  } as unknown as CertificateDoc;
  const pdf = await renderCertificatePdf(contentOf(deps.config.BASE_URL, record, template));
  const credentialJwt = await signOpenBadgeCredential(
    buildOpenBadgeCredential(
      {
        ...data,
        code: record.code,
        organisationId: data.organisationId.toHexString(),
        issuedAt,
        issuerName: template.issuerName,
      },
      deps.config.BASE_URL,
    ),
    await deps.badgeKeys.current(),
  );
  await CertificateFile.create({ _id, organisationId: data.organisationId, pdf });
  const keys = await writeCertificateKeys(record);
  try {
    const created = await Certificate.create({ ...record, pdfSha256: sha256Hex(pdf), pdfBytes: pdf.length, credentialJwt });
    return { certificate: created.toObject() as unknown as CertificateDoc, created: true };
  } catch (error) {
    await CertificateFile.deleteOne({ _id });
    if (!isDuplicateKeyError(error)) throw error;
    // The winner wrote its keys before its record, so it is in the enrolment's list by now.
    const winner = (await certificatesOfList(enrolmentList(data.enrolmentId), data.organisationId)).find((c) => c.issueKey === data.issueKey);
    if (!winner) throw error;
    await redirectKeys(keys, winner._id);
    return { certificate: winner, created: false };
  }
}

/**
 * The follow-ups of an issue, each recorded on the certificate once done so that calling issueCertificate
 * again (it is idempotent) finishes whatever failed: the e-mail with the PDF, and the xAPI statement.
 */
async function completeIssue(deps: CertificateDeps, certificate: CertificateDoc): Promise<void> {
  // By `_id` alone (the only filter FerretDB on SQLite pushes down): the certificate's organisation is known.
  const scope = { _id: certificate._id };
  const user = await holderOf(certificate.userId, certificate.organisationId);
  if (!user) return; // the account was deleted: nobody to mail, no actor for a statement
  const url = verificationUrl(deps.config.BASE_URL, certificate.code);
  if (!certificate.mailQueuedAt && !certificate.mailedAt) {
    // Hydrated, not lean: lean() would hand back the driver's Binary instead of a Buffer.
    const file = await CertificateFile.findById(certificate._id);
    const mail = issuedMail({
      learnerName: certificate.learnerName,
      courseTitle: certificate.courseTitle,
      code: certificate.code,
      completedAt: certificate.completedAt,
      verificationUrl: url,
      listUrl: `${deps.config.BASE_URL}/moje-zaswiadczenia`,
      language: user.language ?? 'pl',
      reissued: Boolean(certificate.supersedes),
    });
    const mailId = await deps.mailer.enqueue({
      to: user.email,
      ...mail,
      attachments: file ? [{ filename: `${certificate.code}.pdf`, content: Buffer.from(file.pdf), contentType: 'application/pdf' }] : [],
    });
    // Queued, not delivered: the mail sender records delivery (or giving up) on the outbox entry.
    await Certificate.updateOne(scope, { $set: { mailQueuedAt: new Date(), mailId } });
  }
  const course = courseOf(deps, certificate.courseId, certificate.courseVersion);
  if (!certificate.issuedStatementId && course) {
    const [statementId] = await deps.recorder.record(recordingScope(certificate, user.learnerId, course), (ctx) => [certificateIssued(ctx, { code: certificate.code, url })]);
    await Certificate.updateOne(scope, { $set: { issuedStatementId: statementId } });
  }
}

export interface IssueCertificateInput {
  userId: Id;
  organisationId: Id;
  courseId: string;
  enrolmentId: Id;
  /** The xAPI registration (uuid) of the enrolment. */
  registration: string;
  /** The course version the learner took (the catalogue may hold a newer one by now). */
  courseVersion?: string;
  /** 0–100 */
  scorePercent: number;
  completedAt: Date;
}

/**
 * Issues the certificate for a passed course: renders the PDF, signs the Open Badge, stores both, mails the PDF
 * and records a certificateIssued statement. Idempotent: a second call for the same completion (or while the
 * enrolment still has a valid certificate) returns the existing one and only finishes its pending follow-ups.
 */
export async function issueCertificate(deps: CertificateDeps, input: IssueCertificateInput): Promise<{ code: string; id: string }> {
  const organisationId = objectIdOf(input.organisationId);
  const userId = objectIdOf(input.userId);
  const enrolmentId = objectIdOf(input.enrolmentId);
  const issueKey = `completion:${enrolmentId.toHexString()}:${input.completedAt.toISOString()}`;

  // The enrolment's list (newest first): a few `_id` reads, whatever the store holds (certificate-keys.ts).
  const earlier = await certificatesOfList(enrolmentList(enrolmentId), organisationId);
  const existing =
    earlier.find((certificate) => certificate.issueKey === issueKey) ??
    // A retake is a new completion only once the earlier certificate has expired (or was revoked).
    // A certificate marked for re-certification (a change of law) is no answer to a pass on the newer version.
    earlier.find((certificate) => statusOf(certificate, input.completedAt) === 'valid' && !recertifiedBy(certificate, input.courseVersion));
  if (existing) {
    await completeIssue(deps, existing);
    return { code: existing.code, id: existing._id.toHexString() };
  }

  const user = await holderOf(userId, organisationId);
  if (!user) throw new NotFoundError('Nie znaleziono uczestnika szkolenia.');
  const course = courseOf(deps, input.courseId, input.courseVersion);
  if (!course) throw new NotFoundError(`Nie znaleziono szkolenia ${input.courseId}.`);
  const { certificate } = await createCertificate(deps, {
    issueKey,
    organisationId,
    userId,
    enrolmentId,
    registration: input.registration,
    courseId: course.id,
    courseVersion: input.courseVersion ?? course.version,
    courseTitle: course.title,
    legalStateDate: course.legalStateDate,
    durationMinutes: course.durationMinutes,
    learnerName: user.fullName,
    scorePercent: Math.round(input.scorePercent * 10) / 10,
    // The rule of the course as it stands at the pass (the course page showed the same sentence).
    completionRule: describeCompletionRule(course, translatorFor('common', 'pl')),
    completionRuleEn: describeCompletionRule(course, translatorFor('common', 'en')),
    completedAt: input.completedAt,
    validUntil: validUntil(input.completedAt, course.validityMonths),
  });
  await completeIssue(deps, certificate);
  await announceCertificate(deps, certificate, 'issued');
  return { code: certificate.code, id: certificate._id.toHexString() };
}

/**
 * Replaces a certificate with one carrying the learner's current name: the new one gets a new number, the old one
 * is marked superseded and points to it. Idempotent per old certificate (issueKey "reissue:<old code>").
 */
export async function reissueCertificate(deps: CertificateDeps, old: CertificateDoc, learnerName: string): Promise<CertificateDoc> {
  const { certificate } = await createCertificate(deps, {
    issueKey: `reissue:${old.code}`,
    organisationId: old.organisationId,
    userId: old.userId,
    enrolmentId: old.enrolmentId,
    registration: old.registration,
    courseId: old.courseId,
    courseVersion: old.courseVersion,
    courseTitle: old.courseTitle,
    legalStateDate: old.legalStateDate,
    durationMinutes: old.durationMinutes,
    learnerName,
    scorePercent: old.scorePercent,
    completionRule: old.completionRule ?? undefined,
    completionRuleEn: old.completionRuleEn ?? undefined,
    completedAt: old.completedAt,
    validUntil: old.validUntil ?? undefined,
    supersedes: old.code,
  });
  // The successor exists before the old record points to it, so a verifier never follows a dangling link.
  // Two re-issues at once get the same successor (issueKey); the claim lets one of them mark the old one.
  if (await claimOnce(`supersede:${old._id.toHexString()}`, old.organisationId)) {
    await Certificate.updateOne(
      { _id: old._id, organisationId: old.organisationId, state: 'issued' },
      { $set: { state: 'superseded', supersededAt: new Date(), supersededBy: certificate.code } },
    );
  }
  await completeIssue(deps, certificate);
  await announceCertificate(deps, certificate, 'reissued');
  return certificate;
}
