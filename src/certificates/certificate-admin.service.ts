// HR's changes to issued certificates: revoking one, and correcting the holder's name (which re-issues that one).
import type { SessionUser } from '../auth/session-user.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { ConflictError, NotFoundError } from '../http/errors.js';
import { certificateRevoked } from '../xapi/learning-statements.js';
import { announceCertificate, recordingScope, reissueCertificate, type CertificateDeps } from './certificate-issue.service.js';
import { certificateForActor } from './certificate-queries.service.js';
import { objectIdOf } from './certificate-rules.js';
import { Certificate, type CertificateDoc } from './certificate.model.js';
import { holderOf, updateHolder } from './certificate-holder.js';

/** Withdraws a certificate (HR of its organisation, or an admin), with the reason shown on the verification page. */
export async function revokeCertificate(deps: CertificateDeps, params: { actor: SessionUser; certificateId: string; reason: string }): Promise<CertificateDoc> {
  const certificate = await certificateForActor(params.actor, params.certificateId, 'revoke');
  if (certificate.state === 'revoked') throw new ConflictError('To zaświadczenie zostało już unieważnione.');
  // By `_id` alone (pushed down on FerretDB/SQLite): certificateForActor has checked the organisation.
  const scope = { _id: certificate._id };
  const revokedAt = deps.clock.now();
  // A unique-key claim, not a conditional update: of two HR people revoking at once only one may win, and
  // FerretDB lets two conditional updates both match (docs/database.md, "Claims").
  const claimKey = `revoke:${certificate._id.toHexString()}`;
  if (!(await claimOnce(claimKey, certificate.organisationId))) throw new ConflictError('Zaświadczenie zmieniło się w międzyczasie. Odśwież stronę.');
  try {
    await Certificate.updateOne(scope, { $set: { state: 'revoked', revokedAt, revokedBy: objectIdOf(params.actor.id), revocationReason: params.reason } });
  } catch (error) {
    await releaseClaim(claimKey, certificate.organisationId);
    throw error;
  }
  const user = await holderOf(certificate.userId, certificate.organisationId);
  const course = deps.catalogue.get(certificate.courseId);
  if (user && course) {
    const [statementId] = await deps.recorder.record(recordingScope(certificate, user.learnerId, course), (ctx) => [
      certificateRevoked(ctx, { code: certificate.code, reason: params.reason }),
    ]);
    await Certificate.updateOne(scope, { $set: { revokedStatementId: statementId } });
  }
  const revoked = { ...certificate, state: 'revoked' as const, revokedAt, revocationReason: params.reason };
  await announceCertificate(deps, revoked, 'revoked');
  return revoked;
}

/**
 * HR corrects the name on one certificate: the account's name is updated (so later certificates carry it) and this
 * certificate alone is re-issued with it, when its printed name differs. The person's other certificates keep
 * theirs: correcting one document must not replace documents HR did not open (each can be corrected on its own).
 * Returns the new certificate (none when the name printed already matched).
 */
export async function correctLearnerName(deps: CertificateDeps, params: { actor: SessionUser; certificateId: string; fullName: string }): Promise<CertificateDoc[]> {
  const certificate = await certificateForActor(params.actor, params.certificateId, 'reissue');
  if (certificate.state !== 'issued') throw new ConflictError('Ponownie wystawić można tylko aktualne zaświadczenie.');
  await updateHolder(certificate.userId, certificate.organisationId, { fullName: params.fullName });
  const user = await holderOf(certificate.userId, certificate.organisationId);
  if (!user) throw new NotFoundError('Nie znaleziono uczestnika szkolenia.');
  if (certificate.learnerName === user.fullName) return [];
  return [await reissueCertificate(deps, certificate, user.fullName)];
}
