// Certificate facts every part of the feature shares: a certificate's status at a moment, the PDF fingerprint, ids.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { hasExpired } from '../calendar/calendar.js';
import { NotFoundError } from '../http/errors.js';
import type { CertificateDoc } from './certificate.model.js';

export type CertificateStatus = 'valid' | 'expired' | 'revoked' | 'superseded';

/** An id as services receive it: a route's string or a stored ObjectId. */
export type Id = string | Types.ObjectId;

/** The ObjectId of `id`; a malformed one is NotFoundError (it can name no record). */
export function objectIdOf(id: Id): Types.ObjectId {
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

/**
 * The certificate that counts now among one course's or one enrolment's certificates: the latest valid one, or
 * else the latest expired one (the learner is due to retake). Revoked and superseded ones never count.
 */
export function currentCertificateOf<T extends Pick<CertificateDoc, 'state' | 'validUntil' | 'completedAt' | 'issuedAt'>>(
  certificates: T[],
  now: Date = new Date(),
): T | undefined {
  const latestFirst = [...certificates].sort((a, b) => b.completedAt.getTime() - a.completedAt.getTime() || b.issuedAt.getTime() - a.issuedAt.getTime());
  return latestFirst.find((c) => statusOf(c, now) === 'valid') ?? latestFirst.find((c) => statusOf(c, now) === 'expired');
}

/** The SHA-256 of a certificate's PDF, hex: stored at issue so an uploaded file can be recognised later. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
