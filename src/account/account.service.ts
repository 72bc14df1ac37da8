// One's own account: the name on future certificates, a confirmed change of address, a new password, the sessions.
import { Types } from 'mongoose';
import { emailChangeMail, emailChangedNoticeMail, passwordChangedMail } from '../auth/auth.mails.js';
import { issueToken, peekToken, redeemToken } from '../auth/auth-token.service.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { MailContext } from '../auth/registration.service.js';
import { User, type UserDoc } from '../auth/user.model.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { endOtherSessions } from './account-sessions.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

/** What /konto shows of the person. */
export interface AccountView {
  fullName: string;
  email: string;
  pendingEmail?: string;
}

async function userOf(userId: string): Promise<UserDoc> {
  const user = await User.findById(new Types.ObjectId(userId)).lean<UserDoc>();
  if (!user) throw new NotFoundError();
  return user;
}

// E-mail addresses are unique across all organisations: whether one is taken is a cross-tenant question by design.
async function addressTaken(email: string, exceptUserId: Types.ObjectId): Promise<boolean> {
  return Boolean(await User.exists({ email, _id: { $ne: exceptUserId } }).setOptions({ acrossOrganisations: true }));
}

export async function accountOf(userId: string): Promise<AccountView> {
  const user = await userOf(userId);
  return { fullName: user.fullName, email: user.email, pendingEmail: user.pendingEmail ?? undefined };
}

/**
 * Changes the person's own name. Certificates already issued keep the name they were issued with (a correction of
 * those is an HR act, certificates/correct-name); the next one carries the new name.
 */
export async function renamePerson(userId: string, fullName: string): Promise<void> {
  await User.updateOne({ _id: new Types.ObjectId(userId) }, { $set: { fullName } });
}

/**
 * Asks for a new address: mails a confirmation link to it; the account keeps its address until the link is opened.
 * The address must not belong to another account (field message: a signed-in clerk may learn that a colleague's
 * address has an account, which the staff list shows them anyway). Asking again replaces the earlier request.
 */
export async function requestEmailChange(userId: string, newEmail: string, context: MailContext): Promise<void> {
  const user = await userOf(userId);
  if (newEmail === user.email) throw new ValidationError({ newEmail: ['account:errors.emailSame'] });
  if (await addressTaken(newEmail, user._id)) throw new ValidationError({ newEmail: ['account:errors.emailTaken'] });
  await User.updateOne({ _id: user._id }, { $set: { pendingEmail: newEmail } });
  const token = await issueToken(user._id, 'change-email');
  await context.mailer.enqueue(emailChangeMail({ ...user, email: newEmail }, `${context.baseUrl}/konto/email/${token}`));
}

export type EmailChangeOutcome = 'changed' | 'invalid' | 'taken';

/**
 * Confirms a new address with the link sent to it, for the signed-in `userId` only (a link opened in someone
 * else's session does nothing). The old address is told. 'taken' when another account got the address meanwhile.
 */
export async function confirmEmailChange(userId: string, token: unknown, context: MailContext): Promise<EmailChangeOutcome> {
  const user = await userOf(userId);
  // Peeked first: a link opened in someone else's session must not use the token up.
  const owner = await peekToken(token, 'change-email');
  if (!owner || !owner.equals(user._id) || !user.pendingEmail) return 'invalid';
  if (!(await redeemToken(token, 'change-email'))) return 'invalid';
  const newEmail = user.pendingEmail;
  if (await addressTaken(newEmail, user._id)) return 'taken';
  try {
    await User.updateOne({ _id: user._id }, { $set: { email: newEmail, emailConfirmedAt: new Date() }, $unset: { pendingEmail: 1 } });
  } catch (error) {
    // Another account took the address between the check and the write: the unique index decides.
    if (isDuplicateKeyError(error)) return 'taken';
    throw error;
  }
  await context.mailer.enqueue(emailChangedNoticeMail(user, newEmail, `${context.baseUrl}/haslo/reset`));
  return 'changed';
}

/**
 * Sets a new password after checking the current one (field message when wrong, nothing changed), ends every
 * other session of the account (this one stays) and mails the owner.
 */
export async function changePassword(userId: string, sessionId: string, input: { currentPassword: string; password: string }, context: MailContext): Promise<void> {
  const user = await userOf(userId);
  if (!user.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new ValidationError({ currentPassword: ['account:errors.currentPasswordWrong'] });
  }
  const passwordHash = await hashPassword(input.password);
  await User.updateOne({ _id: user._id }, { $set: { passwordHash } });
  await endOtherSessions(userId, sessionId);
  await context.mailer.enqueue(passwordChangedMail(user, `${context.baseUrl}/haslo/reset`));
}
