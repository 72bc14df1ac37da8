// Password reset by e-mail link: request (silent about unknown addresses), check the link, set the new password.
import mongoose from 'mongoose';
import type { WindowCounters } from '../db/window-counter.js';
import { liftSignInPause } from './account-lockout.js';
import { passwordChangedMail, passwordResetMail } from './auth.mails.js';
import { issueToken, peekToken, redeemToken } from './auth-token.service.js';
import { hashPassword } from './password.js';
import type { MailContext } from './registration.service.js';
import { User, type UserDoc } from './user.model.js';

/**
 * Mails a reset link (valid 1 h, single use) when `email` has an account; does nothing otherwise.
 * The caller answers the same either way so the form does not reveal who has an account.
 */
export async function requestPasswordReset(email: string, context: MailContext): Promise<void> {
  // Cross-tenant by design: the person is not signed in, and addresses are unique platform-wide.
  const user = await User.findOne({ email: email.toLowerCase() }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();
  if (!user) return;
  const token = await issueToken(user._id, 'reset-password');
  await context.mailer.enqueue(passwordResetMail(user, `${context.baseUrl}/haslo/reset/${token}`));
}

/** True when a reset link is still usable (so the form is worth showing). */
export async function isResetTokenLive(token: unknown): Promise<boolean> {
  return Boolean(await peekToken(token, 'reset-password'));
}

/**
 * Sets a new password with a reset token, using the token up. The address counts as confirmed (the link
 * proved it), every session of the account is ended, and a sign-in pause of the account (account-lockout.ts) is
 * lifted: the owner just proved they hold the mailbox. Returns false for an unknown, used or expired token.
 */
export async function resetPassword(token: unknown, newPassword: string, context: MailContext, counters: WindowCounters): Promise<boolean> {
  // Hash first: the token is used up only when the new password is ready to be stored.
  const passwordHash = await hashPassword(newPassword);
  const userId = await redeemToken(token, 'reset-password');
  if (!userId) return false;
  const user = await User.findById(userId).lean<UserDoc>();
  if (!user) return false;
  await User.updateOne({ _id: userId }, { $set: { passwordHash, emailConfirmedAt: user.emailConfirmedAt ?? new Date() } });
  await endSessionsOf(userId.toHexString());
  await liftSignInPause(counters, user.email);
  await context.mailer.enqueue(passwordChangedMail(user, `${context.baseUrl}/haslo/reset`));
  return true;
}

/** Deletes the stored sessions signed in as `userId` (connect-mongo keeps them unstringified). */
async function endSessionsOf(userId: string): Promise<void> {
  await mongoose.connection.db?.collection('sessions').deleteMany({ 'session.passport.user': userId });
}
