// Per-account sign-in lock-out: repeated wrong passwords for one address pause password sign-in, from anywhere.
import type { WindowCounters } from '../db/window-counter.js';

/** Wrong passwords for one address within LOCKOUT_WINDOW_MS that pause its password sign-in. */
export const LOCKOUT_FAILURES = 10;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
/** How long password sign-in stays paused after the last of those failures (a password reset ends it at once). */
export const LOCKOUT_MS = 15 * 60 * 1000;

// Keyed by the address typed, whether an account has it or not: an unknown address is paused exactly like a
// known one, so the answer tells a guesser nothing. Not keyed by IP: the attempts may come from anywhere,
// and colleagues behind one office NAT address are not paused by somebody else's typos.
const failuresKey = (email: string) => `login-failures:${email}`;
const lockKey = (email: string) => `login-lock:${email}`;

/** Normalised as the login form normalises it (trimmed, lower case). */
function normalised(email: string): string {
  return email.trim().toLowerCase();
}

/** True while password sign-in for `email` is paused. */
export async function isSignInPaused(counters: WindowCounters, email: string, now: Date = new Date()): Promise<boolean> {
  return (await counters.peekHits(lockKey(normalised(email)), now)) !== undefined;
}

/** What one more wrong password did. `lockout` names this lock-out (the failures' window), once reached. */
export type FailedSignIn = { paused: false } | { paused: true; lockout: string; until: Date };

/**
 * Counts a wrong password for `email`; from the LOCKOUT_FAILURES-th in the window on, pauses its password sign-in
 * for LOCKOUT_MS. The counter and the pause live in the database, so every instance sees them.
 */
export async function recordFailedSignIn(counters: WindowCounters, email: string, now: Date = new Date()): Promise<FailedSignIn> {
  const address = normalised(email);
  const failures = await counters.countHit(failuresKey(address), LOCKOUT_WINDOW_MS, now);
  if (failures.hits < LOCKOUT_FAILURES) return { paused: false };
  const until = new Date(now.getTime() + LOCKOUT_MS);
  await counters.holdUntil(lockKey(address), until);
  // The failures' window ends before the pause does, so each lock-out has a window of its own: its name.
  return { paused: true, lockout: `${address}@${failures.resetAt.getTime()}`, until };
}

/** Ends a pause and forgets the failures (after a password reset: the owner proved they hold the mailbox). */
export async function liftSignInPause(counters: WindowCounters, email: string): Promise<void> {
  const address = normalised(email);
  await counters.resetCount(lockKey(address));
  await counters.resetCount(failuresKey(address));
}
