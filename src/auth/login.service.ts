// Checks an e-mail and password: the one place that decides whether someone may sign in.
import { claimOnce } from '../db/claims.js';
import type { WindowCounters } from '../db/window-counter.js';
import type { Mailer } from '../mail/mail.service.js';
import { isSignInPaused, recordFailedSignIn } from './account-lockout.js';
import { accountLockedMail } from './auth.mails.js';
import { hashPassword, verifyPassword } from './password.js';
import { toSessionUser, type SessionUser } from './session-user.js';
import { User, type UserDoc } from './user.model.js';
import { isObjectId } from '../http/validate.js';

export type LoginOutcome = { user: SessionUser } | { failure: LoginFailureReason };

/** Why a sign-in failed; everything but `invalid` and `paused` is said only after the password matched. */
export type LoginFailureReason = 'invalid' | 'unconfirmed' | 'paused' | 'pending' | 'inactive';

/** What signing in needs from the platform (a Platform fits): the lock-out counters and the lock-out mail. */
export interface SignInDeps {
  counters: WindowCounters;
  mailer: Mailer;
  config: { BASE_URL: string };
}

// Compared against when the address is unknown, so that a wrong address takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;

/**
 * The SessionUser for a correct e-mail and password of a confirmed account; otherwise why not.
 * "unconfirmed" is only said after the password matched, so it reveals nothing to a guesser; "paused" is said
 * for any address with too many wrong passwords (known or not, see account-lockout.ts), before any password
 * is checked. The owner of a known account is mailed once per lock-out (queued, never sent in the request).
 */
export async function checkCredentials(deps: SignInDeps, email: string, password: string): Promise<LoginOutcome> {
  const address = email.trim().toLowerCase();
  if (await isSignInPaused(deps.counters, address)) return { failure: 'paused' };
  // Cross-tenant by design: at login we do not yet know the organisation, and e-mails are unique platform-wide.
  const user = await User.findOne({ email: address }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();
  if (!user) {
    decoyHash ??= hashPassword('decoy password that never matches');
    await verifyPassword(password, await decoyHash);
    await recordFailedSignIn(deps.counters, address);
    return { failure: 'invalid' };
  }
  // An invited person has no password yet: compared against the decoy, so the answer is an ordinary "invalid".
  decoyHash ??= hashPassword('decoy password that never matches');
  if (!(await verifyPassword(password, user.passwordHash ?? (await decoyHash)))) {
    const failed = await recordFailedSignIn(deps.counters, address);
    // One mail per lock-out, whichever instance or request reached it: the claim is a unique-key insert.
    if (failed.paused && (await claimOnce(`lockout-mail:${failed.lockout}`, user.organisationId))) {
      await deps.mailer.enqueue(accountLockedMail(user, `${deps.config.BASE_URL}/haslo/reset`));
    }
    return { failure: 'invalid' };
  }
  if (user.status === 'deactivated') return { failure: 'inactive' };
  if (user.status === 'pending') return { failure: 'pending' };
  if (!user.emailConfirmedAt) return { failure: 'unconfirmed' };
  return { user: toSessionUser(user) };
}

/**
 * The SessionUser for a stored session's user id, or undefined when the account is gone or no longer active:
 * deactivating a leaver ends their open sessions at their next request.
 */
export async function sessionUserById(id: string): Promise<SessionUser | undefined> {
  if (!isObjectId(id)) return undefined;
  const user = await User.findById(id).lean<UserDoc>();
  return user && isActiveAccount(user) ? toSessionUser(user) : undefined;
}

/** Accounts stored before statuses existed have none: they are active. */
export function isActiveAccount(user: Pick<UserDoc, 'status'>): boolean {
  return (user.status ?? 'active') === 'active';
}
