// The person a certificate is about: read by `_id` alone and checked against the organisation in code.
import type { Types } from 'mongoose';
import { User, type UserDoc } from '../auth/user.model.js';

/**
 * The user `userId` if they belong to `organisationId`, else undefined. Not `findOne({ _id, organisationId })`:
 * FerretDB on SQLite pushes down only a filter that is exactly `{ _id }`, and would scan every office's users.
 */
export async function holderOf(userId: Types.ObjectId, organisationId: Types.ObjectId): Promise<UserDoc | undefined> {
  const user = await User.findById(userId).lean<UserDoc>();
  return user?.organisationId.equals(organisationId) ? user : undefined;
}

/** Updates the holder by `_id` (one pushed-down write) once holderOf has found them in the organisation. */
export async function updateHolder(userId: Types.ObjectId, organisationId: Types.ObjectId, set: Partial<Pick<UserDoc, 'fullName' | 'showScoreOnCertificates'>>): Promise<boolean> {
  if (!(await holderOf(userId, organisationId))) return false;
  await User.updateOne({ _id: userId }, { $set: set });
  return true;
}
