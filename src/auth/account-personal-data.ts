// What the account holds about one person: exported on request; on erasure sign-in ends at once and the account goes last.
import { Types } from 'mongoose';
import { endOtherSessions } from '../account/account-sessions.js';
import { AuthToken } from './auth-token.model.js';
import { User, type UserDoc } from './user.model.js';

/** What the erasure needs to find the person elsewhere, read before the account goes. */
export type ErasedAccount = Pick<UserDoc, 'email' | 'fullName' | 'learnerId' | 'status' | 'roles'> & { _id: Types.ObjectId };

/** The account of `userId` in the office, or undefined (erased already, or never there). */
export function accountToErase(organisationId: string, userId: string): Promise<ErasedAccount | undefined> {
  return User.findOne({ _id: new Types.ObjectId(userId), organisationId: new Types.ObjectId(organisationId) })
    .select({ email: 1, fullName: 1, learnerId: 1, status: 1, roles: 1 })
    .lean<ErasedAccount>()
    .then((account) => account ?? undefined);
}

/**
 * Stops the person signing in from the moment an erasure is ordered: the account is deactivated (its sessions end
 * at their next request, as for a leaver) and its one-time links stop working.
 */
export async function stopSigningIn(organisationId: string, userId: string, now: Date): Promise<void> {
  const _id = new Types.ObjectId(userId);
  await User.updateOne({ _id, organisationId: new Types.ObjectId(organisationId), status: { $ne: 'deactivated' } }, { $set: { status: 'deactivated', deactivatedAt: now } });
  await AuthToken.deleteMany({ userId: _id });
  await endOtherSessions(userId, '');
}

/** Deletes the account (its copy in the office's member list goes with it, user.model.ts) and what is left of its sign-in. */
export async function deleteAccount(organisationId: string, userId: string): Promise<void> {
  const _id = new Types.ObjectId(userId);
  await AuthToken.deleteMany({ userId: _id });
  await endOtherSessions(userId, '');
  await User.deleteOne({ _id, organisationId: new Types.ObjectId(organisationId) });
}

/** An account the retention job erases: who, in which office. */
export interface AccountPastRetention {
  userId: string;
  organisationId: string;
}

/**
 * Accounts past their retention: leavers deactivated before `deactivatedBefore`, and invitations or registrations
 * never finished (invited, pending) made before `unfinishedBefore`. Across organisations on purpose (the job's pass).
 */
export async function accountsPastRetention(params: { deactivatedBefore: Date; unfinishedBefore: Date }): Promise<AccountPastRetention[]> {
  const accounts = await User.find({
    $or: [
      { status: 'deactivated', deactivatedAt: { $lt: params.deactivatedBefore } },
      { status: { $in: ['invited', 'pending'] }, createdAt: { $lt: params.unfinishedBefore } },
    ],
  })
    .setOptions({ acrossOrganisations: true })
    .select({ _id: 1, organisationId: 1, roles: 1 })
    .lean<Array<{ _id: Types.ObjectId; organisationId: Types.ObjectId; roles?: string[] }>>();
  // The operator's own people are never erased by a period: they run the platform.
  return accounts
    .filter((account) => !(account.roles ?? []).includes('operator'))
    .map((account) => ({ userId: account._id.toHexString(), organisationId: account.organisationId.toHexString() }));
}

/** The person's profile as their data export shows it: everything but the password hash. */
export async function accountDataOf(params: { organisationId: string; userId: string }) {
  return User.findOne({ _id: new Types.ObjectId(params.userId), organisationId: new Types.ObjectId(params.organisationId) })
    .select({ passwordHash: 0, __v: 0 })
    .lean();
}
