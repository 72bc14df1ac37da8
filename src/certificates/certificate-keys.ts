// The look-up keys of certificates (certificate-key.model.ts): writing them at issue, and reading certificates by them.
import type { Types } from 'mongoose';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { CertificateKey, type CertificateKeyDoc } from './certificate-key.model.js';
import { Certificate, type CertificateDoc } from './certificate.model.js';

/** Slots read at once while walking a list: most enrolments hold one certificate, most people a few. */
const SLOT_WINDOW = 4;

/** What the keys of a certificate are made from. */
export type KeyedCertificate = Pick<CertificateDoc, '_id' | 'organisationId' | 'code' | 'enrolmentId' | 'userId'>;

export function codeKey(code: string): string {
  return `code:${code}`;
}
export function enrolmentList(enrolmentId: Types.ObjectId): string {
  return `enrolment:${enrolmentId.toHexString()}`;
}
export function learnerList(userId: Types.ObjectId): string {
  return `learner:${userId.toHexString()}`;
}
export function slotKey(list: string, n: number): string {
  return `${list}:${n}`;
}

/**
 * The slots of a list in order, up to the first empty one: ⌈(k + 1) / SLOT_WINDOW⌉ rounds of `_id` reads for
 * k certificates. Slots are never deleted, so there are no gaps to stop at early.
 */
export async function readList(list: string): Promise<CertificateKeyDoc[]> {
  const slots: CertificateKeyDoc[] = [];
  for (;;) {
    const first = slots.length;
    const window = await Promise.all(Array.from({ length: SLOT_WINDOW }, (_, i) => CertificateKey.findById(slotKey(list, first + i)).lean<CertificateKeyDoc>()));
    for (const slot of window) {
      if (!slot) return slots;
      slots.push(slot);
    }
  }
}

/**
 * Puts `certificateId` into the next free slot of `list` (nothing when it is there already, so a retry after a
 * crash adds no second entry). Winning a slot is a unique `_id` insert: two certificates added at once (a
 * person passing two courses in the same second) take slots n and n + 1, neither update is lost.
 * Returns the slot's key.
 */
async function appendToList(list: string, certificateId: Types.ObjectId, organisationId: Types.ObjectId): Promise<string> {
  const slots = await readList(list);
  const already = slots.findIndex((slot) => slot.certificateId.equals(certificateId));
  if (already >= 0) return slotKey(list, already);
  for (let n = slots.length; ; n += 1) {
    const key = slotKey(list, n);
    try {
      await CertificateKey.create({ _id: key, certificateId, organisationId });
      return key;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const taken = await CertificateKey.findById(key).lean<CertificateKeyDoc>();
      if (taken?.certificateId.equals(certificateId)) return key;
    }
  }
}

/**
 * Writes every key of a certificate, idempotently. Called before the certificate record is stored (and again by
 * the start-up backfill for older ones), so that no stored certificate is ever missing from a page.
 * Returns the keys it wrote or found, for redirectKeys when the certificate then loses its issue race.
 */
export async function writeCertificateKeys(certificate: KeyedCertificate): Promise<{ code: string; slots: string[] }> {
  const code = codeKey(certificate.code);
  try {
    await CertificateKey.create({ _id: code, certificateId: certificate._id, organisationId: certificate.organisationId });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const existing = await CertificateKey.findById(code).lean<CertificateKeyDoc>();
    // 80 random bits make a clash of two certificates' codes practically impossible; refuse it rather than repoint.
    if (!existing?.certificateId.equals(certificate._id)) throw new Error(`certificate code ${certificate.code} is taken`, { cause: error });
  }
  const slots = await Promise.all([
    appendToList(enrolmentList(certificate.enrolmentId), certificate._id, certificate.organisationId),
    appendToList(learnerList(certificate.userId), certificate._id, certificate.organisationId),
  ]);
  return { code, slots };
}

/**
 * After a certificate lost its issue race (the winner has the same issueKey): its code key goes (nobody knows that
 * number), its list slots point to the winner instead (a slot is never deleted: a gap would end the list early).
 * Only this caller writes these slots, so the update cannot race another.
 */
export async function redirectKeys(keys: { code: string; slots: string[] }, winner: Types.ObjectId): Promise<void> {
  await CertificateKey.deleteOne({ _id: keys.code });
  for (const slot of keys.slots) await CertificateKey.updateOne({ _id: slot }, { $set: { certificateId: winner } });
}

function newestFirst(a: CertificateDoc, b: CertificateDoc): number {
  return b.issuedAt.getTime() - a.issuedAt.getTime();
}

/**
 * The organisation's certificates among `ids`, newest first, each read by `_id` (without the credential): ids
 * listed twice count once, ids of certificates never stored are skipped, and a certificate of another
 * organisation is never returned, whatever key pointed to it.
 */
async function certificatesByIds(ids: Types.ObjectId[], organisationId: Types.ObjectId): Promise<CertificateDoc[]> {
  const unique = [...new Map(ids.map((id) => [id.toHexString(), id])).values()];
  const found = await Promise.all(unique.map((id) => Certificate.findById(id).select('-credentialJwt').lean<CertificateDoc>()));
  return found.filter((certificate): certificate is CertificateDoc => Boolean(certificate?.organisationId.equals(organisationId))).sort(newestFirst);
}

/** The certificates of one list (an enrolment's or a person's) in the organisation, newest first. */
export async function certificatesOfList(list: string, organisationId: Types.ObjectId): Promise<CertificateDoc[]> {
  const slots = await readList(list);
  return certificatesByIds(
    slots.map((slot) => slot.certificateId),
    organisationId,
  );
}

/**
 * The certificate with this (normalised) code, credential included, in any organisation: two `_id` reads.
 * Intentionally across organisations: a verifier (an employer, an auditor) knows only the number, not whose
 * tenant issued it. Safe because codes carry 80 random bits and the page shows only the public record.
 */
export async function certificateByCode(code: string): Promise<CertificateDoc | undefined> {
  const key = await CertificateKey.findById(codeKey(code)).lean<CertificateKeyDoc>();
  if (!key) return undefined;
  const certificate = await Certificate.findById(key.certificateId).lean<CertificateDoc>();
  // The code is checked again: the key is only a pointer, the record is the truth.
  return certificate?.code === code ? certificate : undefined;
}
