// What the certificate pages read: a learner's and an organisation's certificates, downloads, and score consent.
import type { SessionUser } from '../auth/session-user.js';
import { NotFoundError } from '../http/errors.js';
import { CertificateFile } from './certificate-file.model.js';
import { objectIdOf } from './certificate-rules.js';
import { Certificate, type CertificateDoc } from './certificate.model.js';
import { authorise } from './certificate.policy.js';
import { holderOf, updateHolder } from './certificate-holder.js';
import { certificatesOfList, learnerList } from './certificate-keys.js';

/**
 * A learner's certificates, newest first (the history of expired and replaced ones included), without their
 * credentials: the person's list of keys, then each certificate by `_id` (certificate-keys.ts).
 */
export async function certificatesOfLearner(user: Pick<SessionUser, 'id' | 'organisationId'>): Promise<CertificateDoc[]> {
  return certificatesOfList(learnerList(objectIdOf(user.id)), objectIdOf(user.organisationId));
}

/** Whether the learner lets the public verification page show their score (false by default). */
export async function scoreConsentOf(user: Pick<SessionUser, 'id' | 'organisationId'>): Promise<boolean> {
  const holder = await holderOf(objectIdOf(user.id), objectIdOf(user.organisationId));
  return Boolean(holder?.showScoreOnCertificates);
}

/** Records the learner's consent (or its withdrawal) to show the score on their certificates' public page. */
export async function setScoreConsent(user: Pick<SessionUser, 'id' | 'organisationId'>, showScore: boolean): Promise<void> {
  await updateHolder(objectIdOf(user.id), objectIdOf(user.organisationId), { showScoreOnCertificates: showScore });
}

/**
 * Every certificate of the HR person's organisation, newest first. Still a scan of the certificates on FerretDB
 * (docs/database.md, "What each certificate read costs"): HR's whole-office list, not a page of one person.
 */
export async function certificatesOfOrganisation(actor: SessionUser, organisationId: string = actor.organisationId): Promise<CertificateDoc[]> {
  authorise(actor, 'list-organisation', { userId: '', organisationId });
  return Certificate.find({ organisationId: objectIdOf(organisationId) })
    .select('-credentialJwt')
    .sort({ issuedAt: -1 })
    .lean<CertificateDoc[]>();
}

/** A certificate (without its credential) the actor may `action`, or NotFoundError / ForbiddenError. */
export async function certificateForActor(actor: SessionUser, certificateId: string, action: 'download' | 'revoke' | 'reissue'): Promise<CertificateDoc> {
  // By _id alone (allowed by tenantScoped: ids are unguessable); the policy below decides.
  const certificate = await Certificate.findById(objectIdOf(certificateId)).select('-credentialJwt').lean<CertificateDoc>();
  if (!certificate) throw new NotFoundError('Nie znaleziono zaświadczenia.');
  authorise(actor, action, certificate);
  return certificate;
}

/** The PDF of a certificate the actor may download. */
export async function certificatePdf(actor: SessionUser, certificateId: string): Promise<{ code: string; pdf: Buffer; holderId: string }> {
  const certificate = await certificateForActor(actor, certificateId, 'download');
  // By `_id` alone: `{ _id, organisationId }` would make FerretDB on SQLite decode every office's PDFs.
  const file = await CertificateFile.findById(certificate._id);
  if (!file || String(file.get('organisationId')) !== certificate.organisationId.toHexString()) throw new NotFoundError('Plik zaświadczenia jest niedostępny.');
  return { code: certificate.code, pdf: Buffer.from(file.pdf), holderId: certificate.userId.toHexString() };
}

/** The signed Open Badge (VC-JWT) of a certificate the actor may download. */
export async function certificateCredential(actor: SessionUser, certificateId: string): Promise<{ code: string; jwt: string }> {
  const certificate = await certificateForActor(actor, certificateId, 'download');
  const withJwt = await Certificate.findById(certificate._id).select('credentialJwt').lean<{ credentialJwt: string }>();
  return { code: certificate.code, jwt: withJwt!.credentialJwt };
}
