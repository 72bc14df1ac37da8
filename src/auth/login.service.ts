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

export type LoginOutcome = { user: SessionUser } | { failure: 'invalid' | 'unconfirmed' | 'paused' };

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
  if (!(await verifyPassword(password, user.passwordHash))) {
    const failed = await recordFailedSignIn(deps.counters, address);
    // One mail per lock-out, whichever instance or request reached it: the claim is a unique-key insert.
    if (failed.paused && (await claimOnce(`lockout-mail:${failed.lockout}`, user.organisationId))) {
      await deps.mailer.enqueue(accountLockedMail(user, `${deps.config.BASE_URL}/haslo/reset`));
    }
    return { failure: 'invalid' };
  }
  if (!user.emailConfirmedAt) return { failure: 'unconfirmed' };
  return { user: toSessionUser(user) };
}

/** The SessionUser for a stored session's user id, or undefined when the account is gone. */
export async function sessionUserById(id: string): Promise<SessionUser | undefined> {
  if (!isObjectId(id)) return undefined;
  const user = await User.findById(id).lean<UserDoc>();
  return user ? toSessionUser(user) : undefined;
}
