// Certificate rules: issue once per completion, download, revoke, re-issue on a corrected name, expire.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { SessionUser } from '../auth/session-user.js';
import { User } from '../auth/user.model.js';
import { hasExpired, validUntil } from '../calendar/calendar.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Course } from '../courses/course.types.js';
import { ConflictError, NotFoundError } from '../http/errors.js';
import type { Config } from '../config.js';
import type { Mailer } from '../mail/mail.service.js';
import { Organisation } from '../organisations/organisation.model.js';
import { certificateIssued, certificateRevoked } from '../xapi/learning-statements.js';
import type { LearningRecorder } from '../xapi/learning-recorder.js';
import { newCertificateCode } from './certificate-code.js';
import { CertificateFile } from './certificate-file.model.js';
import { renderCertificatePdf, type CertificateContent } from './certificate-pdf.js';
import { resolveTemplate } from './certificate-template.js';
import { issuedMail } from './certificate.mail.js';
import { Certificate, type CertificateDoc } from './certificate.model.js';
import { authorise } from './certificate.policy.js';
import { buildOpenBadgeCredential, signOpenBadgeCredential, verificationUrl } from './open-badge.js';

/** What issuing and withdrawing certificates needs from the platform (a Platform fits). */
export interface CertificateDeps {
  catalogue: CourseCatalogue;
  recorder: LearningRecorder;
  mailer: Mailer;
  /** BASE_URL: verification links and credential ids. */
  config: Pick<Config, 'BASE_URL'>;
}

export type CertificateStatus = 'valid' | 'expired' | 'revoked' | 'superseded';

type Id = string | Types.ObjectId;

function objectId(id: Id): Types.ObjectId {
  if (id instanceof Types.ObjectId) return id;
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
  return new Types.ObjectId(id);
}

/** What a certificate shows now: revoked and superseded win over expiry, which is judged at `now`. */
export function statusOf(certificate: Pick<CertificateDoc, 'state' | 'validUntil'>, now: Date = new Date()): CertificateStatus {
  if (certificate.state === 'revoked') return 'revoked';
  if (certificate.state === 'superseded') return 'superseded';
  if (hasExpired(certificate.validUntil, now)) return 'expired';
  return 'valid';
}

/** The recording scope of a certificate's statements: its holder's enrolment. */
function recordingScope(certificate: CertificateDoc, learnerId: string, course: Course) {
  return {
    learner: { organisationId: certificate.organisationId.toHexString(), learnerId, fullName: certificate.learnerName },
    course,
    registration: certificate.registration,
  };
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The course of a certificate from the loaded catalogue (undefined when it was removed since). */
function courseOf(deps: CertificateDeps, courseId: string): Course | undefined {
  return deps.catalogue.get(courseId);
}

function contentOf(baseUrl: string, certificate: CertificateDoc, logoPng: Buffer | undefined, englishLine: boolean, accentColour: string): CertificateContent {
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
    legalStateDate: certificate.legalStateDate,
    validUntil: certificate.validUntil ?? undefined,
    template: {
      issuerName: certificate.issuerName,
      issuerKind: certificate.issuerKind as 'association' | 'office',
      signatoryName: certificate.signatoryName,
      signatoryRole: certificate.signatoryRole,
      accentColour,
      logoPng,
      englishLine,
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
  completedAt: Date;
  validUntil?: Date;
  supersedes?: string;
}

/**
 * Renders, signs and stores one certificate. Without transactions the order matters: the file first, the record
 * (which the verification page and the lists read) last; a duplicate issueKey means someone else won the race,
 * so our file is removed and theirs returned.
 */
async function createCertificate(deps: CertificateDeps, data: NewCertificate): Promise<{ certificate: CertificateDoc; created: boolean }> {
  const organisation = await Organisation.findById(data.organisationId).lean();
  if (!organisation) throw new NotFoundError('Nie znaleziono organizacji.');
  const template = resolveTemplate(organisation);
  const issuedAt = new Date();
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
  const pdf = await renderCertificatePdf(contentOf(deps.config.BASE_URL, record, template.logoPng, template.englishLine, template.accentColour));
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
  );
  await CertificateFile.create({ _id, organisationId: data.organisationId, pdf });
  try {
    const created = await Certificate.create({ ...record, pdfSha256: sha256Hex(pdf), pdfBytes: pdf.length, credentialJwt });
    return { certificate: created.toObject() as unknown as CertificateDoc, created: true };
  } catch (error) {
    await CertificateFile.deleteOne({ _id, organisationId: data.organisationId });
    if ((error as { code?: number }).code !== 11000) throw error;
    const winner = await Certificate.findOne({ organisationId: data.organisationId, issueKey: data.issueKey }).lean<CertificateDoc>();
    if (!winner) throw error;
    return { certificate: winner, created: false };
  }
}

/**
 * The follow-ups of an issue, each recorded on the certificate once done so that calling issueCertificate
 * again (it is idempotent) finishes whatever failed: the e-mail with the PDF, and the xAPI statement.
 */
async function completeIssue(deps: CertificateDeps, certificate: CertificateDoc): Promise<void> {
  const scope = { _id: certificate._id, organisationId: certificate.organisationId };
  const user = await User.findOne({ _id: certificate.userId, organisationId: certificate.organisationId }).lean();
  if (!user) return; // the account was deleted: nobody to mail, no actor for a statement
  const url = verificationUrl(deps.config.BASE_URL, certificate.code);
  if (!certificate.mailedAt) {
    // Hydrated, not lean: lean() would hand back the driver's Binary instead of a Buffer.
    const file = await CertificateFile.findOne(scope);
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
    await deps.mailer.send({
      to: user.email,
      ...mail,
      attachments: file ? [{ filename: `${certificate.code}.pdf`, content: Buffer.from(file.pdf), contentType: 'application/pdf' }] : [],
    });
    await Certificate.updateOne(scope, { $set: { mailedAt: new Date() } });
  }
  const course = courseOf(deps, certificate.courseId);
  if (!certificate.issuedStatementId && course) {
    const [statementId] = await deps.recorder.record(recordingScope(certificate, user.learnerId, course), (ctx) => [
      certificateIssued(ctx, { code: certificate.code, url }),
    ]);
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
  const organisationId = objectId(input.organisationId);
  const userId = objectId(input.userId);
  const enrolmentId = objectId(input.enrolmentId);
  const issueKey = `completion:${enrolmentId.toHexString()}:${input.completedAt.toISOString()}`;

  const earlier = await Certificate.find({ organisationId, enrolmentId }).sort({ issuedAt: -1 }).lean<CertificateDoc[]>();
  const existing =
    earlier.find((certificate) => certificate.issueKey === issueKey) ??
    // A retake is a new completion only once the earlier certificate has expired (or was revoked).
    earlier.find((certificate) => statusOf(certificate, input.completedAt) === 'valid');
  if (existing) {
    await completeIssue(deps, existing);
    return { code: existing.code, id: existing._id.toHexString() };
  }

  const user = await User.findOne({ _id: userId, organisationId }).lean();
  if (!user) throw new NotFoundError('Nie znaleziono uczestnika szkolenia.');
  const course = courseOf(deps, input.courseId);
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
    completedAt: input.completedAt,
    validUntil: validUntil(input.completedAt, course.validityMonths),
  });
  await completeIssue(deps, certificate);
  return { code: certificate.code, id: certificate._id.toHexString() };
}

/** A learner's certificates, newest first (the history of expired and replaced ones included). */
export async function certificatesOfLearner(user: Pick<SessionUser, 'id' | 'organisationId'>): Promise<CertificateDoc[]> {
  return Certificate.find({ organisationId: objectId(user.organisationId), userId: objectId(user.id) })
    .select('-credentialJwt')
    .sort({ issuedAt: -1 })
    .lean<CertificateDoc[]>();
}

/** Whether the learner lets the public verification page show their score (false by default). */
export async function scoreConsentOf(user: Pick<SessionUser, 'id' | 'organisationId'>): Promise<boolean> {
  const holder = await User.findOne({ _id: objectId(user.id), organisationId: objectId(user.organisationId) }).select('showScoreOnCertificates').lean();
  return Boolean(holder?.showScoreOnCertificates);
}

/** Records the learner's consent (or its withdrawal) to show the score on their certificates' public page. */
export async function setScoreConsent(user: Pick<SessionUser, 'id' | 'organisationId'>, showScore: boolean): Promise<void> {
  await User.updateOne({ _id: objectId(user.id), organisationId: objectId(user.organisationId) }, { $set: { showScoreOnCertificates: showScore } });
}

/** Every certificate of the HR person's organisation, newest first. */
export async function certificatesOfOrganisation(actor: SessionUser, organisationId: string = actor.organisationId): Promise<CertificateDoc[]> {
  authorise(actor, 'list-organisation', { userId: '', organisationId });
  return Certificate.find({ organisationId: objectId(organisationId) })
    .select('-credentialJwt')
    .sort({ issuedAt: -1 })
    .lean<CertificateDoc[]>();
}

/** A certificate (without its credential) the actor may `action`, or NotFoundError / ForbiddenError. */
export async function certificateForActor(actor: SessionUser, certificateId: string, action: 'download' | 'revoke' | 'reissue'): Promise<CertificateDoc> {
  // By _id alone (allowed by tenantScoped: ids are unguessable); the policy below decides.
  const certificate = await Certificate.findById(objectId(certificateId)).select('-credentialJwt').lean<CertificateDoc>();
  if (!certificate) throw new NotFoundError('Nie znaleziono zaświadczenia.');
  authorise(actor, action, certificate);
  return certificate;
}

/** The PDF of a certificate the actor may download. */
export async function certificatePdf(actor: SessionUser, certificateId: string): Promise<{ code: string; pdf: Buffer }> {
  const certificate = await certificateForActor(actor, certificateId, 'download');
  const file = await CertificateFile.findOne({ _id: certificate._id, organisationId: certificate.organisationId });
  if (!file) throw new NotFoundError('Plik zaświadczenia jest niedostępny.');
  return { code: certificate.code, pdf: Buffer.from(file.pdf) };
}

/** The signed Open Badge (VC-JWT) of a certificate the actor may download. */
export async function certificateCredential(actor: SessionUser, certificateId: string): Promise<{ code: string; jwt: string }> {
  const certificate = await certificateForActor(actor, certificateId, 'download');
  const withJwt = await Certificate.findById(certificate._id).select('credentialJwt').lean<{ credentialJwt: string }>();
  return { code: certificate.code, jwt: withJwt!.credentialJwt };
}

/** Withdraws a certificate (HR of its organisation, or an admin), with the reason shown on the verification page. */
export async function revokeCertificate(deps: CertificateDeps, params: { actor: SessionUser; certificateId: string; reason: string }): Promise<CertificateDoc> {
  const certificate = await certificateForActor(params.actor, params.certificateId, 'revoke');
  if (certificate.state === 'revoked') throw new ConflictError('To zaświadczenie zostało już unieważnione.');
  const scope = { _id: certificate._id, organisationId: certificate.organisationId };
  const revokedAt = new Date();
  // Conditional update: of two HR people revoking at once, only one succeeds.
  const result = await Certificate.updateOne(
    { ...scope, state: certificate.state },
    { $set: { state: 'revoked', revokedAt, revokedBy: objectId(params.actor.id), revocationReason: params.reason } },
  );
  if (result.modifiedCount !== 1) throw new ConflictError('Zaświadczenie zmieniło się w międzyczasie. Odśwież stronę.');
  const user = await User.findOne({ _id: certificate.userId, organisationId: certificate.organisationId }).lean();
  const course = courseOf(deps, certificate.courseId);
  if (user && course) {
    const [statementId] = await deps.recorder.record(recordingScope(certificate, user.learnerId, course), (ctx) => [
      certificateRevoked(ctx, { code: certificate.code, reason: params.reason }),
    ]);
    await Certificate.updateOne(scope, { $set: { revokedStatementId: statementId } });
  }
  return { ...certificate, state: 'revoked', revokedAt, revocationReason: params.reason } as CertificateDoc;
}

/**
 * Replaces a certificate with one carrying the learner's current name: the new one gets a new number, the old one
 * is marked superseded and points to it. Idempotent per old certificate (issueKey "reissue:<old code>").
 */
async function reissue(deps: CertificateDeps, old: CertificateDoc, learnerName: string): Promise<CertificateDoc> {
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
    completedAt: old.completedAt,
    validUntil: old.validUntil ?? undefined,
    supersedes: old.code,
  });
  // The successor exists before the old record points to it, so a verifier never follows a dangling link.
  await Certificate.updateOne(
    { _id: old._id, organisationId: old.organisationId, state: 'issued' },
    { $set: { state: 'superseded', supersededAt: new Date(), supersededBy: certificate.code } },
  );
  await completeIssue(deps, certificate);
  return certificate;
}

/**
 * After a learner's name was corrected: re-issues every still-current certificate whose printed name differs
 * from the account's name. Returns the new certificates.
 */
async function reissueCertificatesForNameChange(deps: CertificateDeps, params: { userId: Id; organisationId: Id }): Promise<CertificateDoc[]> {
  const organisationId = objectId(params.organisationId);
  const user = await User.findOne({ _id: objectId(params.userId), organisationId }).lean();
  if (!user) throw new NotFoundError('Nie znaleziono uczestnika szkolenia.');
  const current = await Certificate.find({ organisationId, userId: user._id, state: 'issued' }).lean<CertificateDoc[]>();
  const replaced: CertificateDoc[] = [];
  for (const certificate of current) {
    if (certificate.learnerName !== user.fullName) replaced.push(await reissue(deps, certificate, user.fullName));
  }
  return replaced;
}

/**
 * HR corrects the name of a certificate's holder: the account's name is updated and the learner's current
 * certificates are re-issued with it.
 */
export async function correctLearnerName(deps: CertificateDeps, params: { actor: SessionUser; certificateId: string; fullName: string }): Promise<CertificateDoc[]> {
  const certificate = await certificateForActor(params.actor, params.certificateId, 'reissue');
  if (certificate.state !== 'issued') throw new ConflictError('Ponownie wystawić można tylko aktualne zaświadczenie.');
  await User.updateOne({ _id: certificate.userId, organisationId: certificate.organisationId }, { $set: { fullName: params.fullName } });
  return reissueCertificatesForNameChange(deps, { userId: certificate.userId, organisationId: certificate.organisationId });
}
