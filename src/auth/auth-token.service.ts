// Issues and redeems single-use e-mail tokens: 32 random bytes, SHA-256 at rest, with an expiry.
import { createHash, randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import { claimOnce } from '../db/claims.js';
import { AuthToken, type TokenPurpose } from './auth-token.model.js';
import { User, type UserDoc } from './user.model.js';

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  'confirm-email': 24 * 60 * 60 * 1000,
  'reset-password': 60 * 60 * 1000,
  // An invitation waits for someone who may be on leave: a week, and HR can send a new one.
  invitation: 7 * 24 * 60 * 60 * 1000,
  // A new address (/konto) waits for its confirmation as long as a registration does.
  'change-email': 24 * 60 * 60 * 1000,
};

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Shape of the tokens we hand out (base64url of 32 bytes); anything else is rejected before a lookup. */
export function looksLikeToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * Creates a token for `userId` and returns the raw value for the e-mail link.
 * Earlier tokens of the same purpose are withdrawn: only the newest link works.
 */
export async function issueToken(userId: Types.ObjectId, purpose: TokenPurpose, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await AuthToken.deleteMany({ userId, purpose });
  await AuthToken.create({ _id: hashOf(token), purpose, userId, expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]) });
  return token;
}

/** The user id a live token belongs to, without using it up (to show the reset form), or undefined. */
export async function peekToken(token: unknown, purpose: TokenPurpose, now = new Date()): Promise<Types.ObjectId | undefined> {
  if (!looksLikeToken(token)) return undefined;
  const found = await AuthToken.findOne({ _id: hashOf(token), purpose }).lean();
  return found && found.expiresAt > now ? found.userId : undefined;
}

/**
 * Uses up a token and returns its user id, or undefined when the token is unknown, already used, of another
 * purpose, or expired. Using it up is a unique-key claim (`token:<hash>`): findOneAndDelete handed the same
 * token to two simultaneous requests on FerretDB. The token is deleted after the claim is won.
 */
export async function redeemToken(token: unknown, purpose: TokenPurpose, now = new Date()): Promise<Types.ObjectId | undefined> {
  if (!looksLikeToken(token)) return undefined;
  const hash = hashOf(token);
  const found = await AuthToken.findOne({ _id: hash, purpose }).lean();
  if (!found || found.expiresAt <= now) return undefined;
  // Tokens are not tenant-scoped, claims are: the claim belongs to the token holder's organisation.
  const user = await User.findById(found.userId).select({ organisationId: 1 }).lean<Pick<UserDoc, 'organisationId'>>();
  if (!user) return undefined;
  if (!(await claimOnce(`token:${hash}`, user.organisationId))) return undefined;
  await AuthToken.deleteOne({ _id: hash });
  return found.userId;
}

/** Deletes every expired token (run on a schedule; FerretDB has no TTL indexes). Returns how many. */
export async function removeExpiredTokens(now = new Date()): Promise<number> {
  const result = await AuthToken.deleteMany({ expiresAt: { $lt: now } });
  return result.deletedCount;
}
