// Checks an e-mail and password: the one place that decides whether someone may sign in.
import { hashPassword, verifyPassword } from './password.js';
import { toSessionUser, type SessionUser } from './session-user.js';
import { User, type UserDoc } from './user.model.js';
import { isObjectId } from '../http/validate.js';

export type LoginOutcome = { user: SessionUser } | { failure: 'invalid' | 'unconfirmed' };

// Compared against when the address is unknown, so that a wrong address takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;

/**
 * The SessionUser for a correct e-mail and password of a confirmed account; otherwise why not.
 * "unconfirmed" is only said after the password matched, so it reveals nothing to a guesser.
 */
export async function checkCredentials(email: string, password: string): Promise<LoginOutcome> {
  // Cross-tenant by design: at login we do not yet know the organisation, and e-mails are unique platform-wide.
  const user = await User.findOne({ email: email.trim().toLowerCase() }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();
  if (!user) {
    decoyHash ??= hashPassword('decoy password that never matches');
    await verifyPassword(password, await decoyHash);
    return { failure: 'invalid' };
  }
  if (!(await verifyPassword(password, user.passwordHash))) return { failure: 'invalid' };
  if (!user.emailConfirmedAt) return { failure: 'unconfirmed' };
  return { user: toSessionUser(user) };
}

/** The SessionUser for a stored session's user id, or undefined when the account is gone. */
export async function sessionUserById(id: string): Promise<SessionUser | undefined> {
  if (!isObjectId(id)) return undefined;
  const user = await User.findById(id).lean<UserDoc>();
  return user ? toSessionUser(user) : undefined;
}
