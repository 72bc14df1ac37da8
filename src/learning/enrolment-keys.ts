// Writing and reading enrolment keys (enrolment-key.model.ts): every read is one `_id` look-up.
import type { Types } from 'mongoose';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { EnrolmentKey, type EnrolmentKeyDoc } from './enrolment-key.model.js';

type Id = Types.ObjectId | string;

export const courseKey = (userId: Id, courseId: string) => `course:${String(userId)}:${courseId}`;
export const registrationKey = (organisationId: Id, registration: string) => `registration:${String(organisationId)}:${registration.toLowerCase()}`;
export const attemptKey = (enrolmentId: Id, number: number) => `attempt:${String(enrolmentId)}:${number}`;
export const grantKey = (enrolmentId: Id, number: number) => `grant:${String(enrolmentId)}:${number}`;
export const learnerKey = (userId: Id) => `learner:${String(userId)}`;

/** Inserts a key; false when it exists already (the unique `_id` decided: someone else holds it). */
export async function insertKey(key: Omit<EnrolmentKeyDoc, 'createdAt'>): Promise<boolean> {
  try {
    await EnrolmentKey.create(key);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/**
 * The key, read by `_id` alone (`{ _id, organisationId }` would be a scan on FerretDB); a key of another
 * organisation is treated as absent, so one office never reads another's enrolment through a key.
 */
export async function readKey(id: string, organisationId: Id): Promise<EnrolmentKeyDoc | null> {
  const key = await EnrolmentKey.findById(id).lean<EnrolmentKeyDoc>();
  return key && String(key.organisationId) === String(organisationId) ? key : null;
}

/** What an enrolment's keys are made of. */
export interface KeyedEnrolment {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  userId: Types.ObjectId;
  courseId: string;
  registration: string;
}

/**
 * Writes the registration key and the learner's course list of an enrolment (both idempotent). The course key is
 * written by the caller first: it decides which enrolment the pair (learner, course) is.
 */
export async function writeFollowingKeys(enrolment: KeyedEnrolment, learnerId: string | undefined): Promise<void> {
  const { organisationId, userId, courseId, registration } = enrolment;
  await insertKey({ _id: registrationKey(organisationId, registration), organisationId, enrolmentId: enrolment._id, userId, courseId, registration, learnerId });
  // $addToSet on one document: two enrolments of one person at the same instant can lose one entry on FerretDB; the
  // list is read only for courses no longer loaded (withdrawn), so the loss shows nowhere else.
  await EnrolmentKey.updateOne(
    { _id: learnerKey(userId) },
    { $setOnInsert: { organisationId, enrolmentId: enrolment._id }, $addToSet: { courseIds: courseId } },
    { upsert: true },
  ).catch((error: unknown) => {
    // Two first enrolments at once: the other upsert inserted it; add to it.
    if (!isDuplicateKeyError(error)) throw error;
    return EnrolmentKey.updateOne({ _id: learnerKey(userId) }, { $addToSet: { courseIds: courseId } });
  });
}

/** Every key an enrolment has: course key (unless one names another enrolment), registration key, course list. */
export async function writeEnrolmentKeys(enrolment: KeyedEnrolment, learnerId: string | undefined): Promise<void> {
  const { organisationId, userId, courseId, registration } = enrolment;
  await insertKey({ _id: courseKey(userId, courseId), organisationId, enrolmentId: enrolment._id, userId, courseId, registration });
  await writeFollowingKeys(enrolment, learnerId);
}

/** The next number of an enrolment's attempts or grants (see keyedItems). */
export interface NextItem {
  number: number;
  itemId?: Types.ObjectId;
}

/**
 * An enrolment's attempts or grants in their order, by `_id` only: the keys `<kind>:<enrolmentId>:1, 2, …` until the
 * first that is missing, each followed by the document it names. Numbers have no gaps: the n-th key is inserted only
 * after the (n-1)-th document exists. A key whose document is missing (a start that died between them, or one running
 * right now) ends the list and is handed on as the next number with its id, so the next start finishes it.
 */
export async function keyedItems<T extends { organisationId: Types.ObjectId }>(
  enrolment: { _id: Types.ObjectId; organisationId: Types.ObjectId },
  keyOf: (enrolmentId: Types.ObjectId, number: number) => string,
  read: (id: Types.ObjectId) => Promise<T | null>,
): Promise<{ items: T[]; next: NextItem }> {
  const items: T[] = [];
  for (let number = 1; ; number += 1) {
    const key = await readKey(keyOf(enrolment._id, number), enrolment.organisationId);
    if (!key?.itemId) return { items, next: { number } };
    const item = await read(key.itemId);
    if (!item || String(item.organisationId) !== String(enrolment.organisationId)) return { items, next: { number, itemId: key.itemId } };
    items.push(item);
  }
}
