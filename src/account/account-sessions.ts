// A person's signed-in sessions as connect-mongo stores them (`sessions`, unstringified): list them, end the others.
import mongoose from 'mongoose';
import { SESSION_COLLECTION } from '../auth/session-cleanup.js';

declare module 'express-session' {
  interface SessionData {
    /** When this browser signed in (ISO), set at login for the /konto list of sessions. */
    signedInAt?: string;
    /** The browser's User-Agent at login, cut to 300 characters, to name the session on /konto. */
    userAgent?: string;
  }
}

/** The session cookie's lifetime (app.ts): connect-mongo stores `expires` = last request + this. */
export const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

interface StoredSession {
  _id: string;
  expires?: Date;
  session?: { passport?: { user?: string }; signedInAt?: string; userAgent?: string };
}

export interface SessionView {
  current: boolean;
  signedInAt?: Date;
  /** Derived from `expires`: express-session touches the stored session on every request. */
  lastSeenAt?: Date;
  browser?: string;
}

function collection() {
  const db = mongoose.connection.db;
  if (!db) throw new Error('The database is not connected');
  return db.collection<StoredSession>(SESSION_COLLECTION);
}

/** "Firefox, Windows"-like label of a User-Agent, or undefined when it names nothing we know. */
export function browserLabel(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari".
  const browser = [
    ['Edg/', 'Edge'],
    ['OPR/', 'Opera'],
    ['Firefox/', 'Firefox'],
    ['Chrome/', 'Chrome'],
    ['Safari/', 'Safari'],
  ].find(([mark]) => userAgent.includes(mark))?.[1];
  const system = [
    ['Android', 'Android'],
    ['iPhone', 'iOS'],
    ['iPad', 'iPadOS'],
    ['Windows', 'Windows'],
    ['Mac OS X', 'macOS'],
    ['Linux', 'Linux'],
  ].find(([mark]) => userAgent.includes(mark))?.[1];
  const parts = [browser, system].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

/**
 * The live sessions signed in as `userId`, this one first, then the most recently used.
 * On FerretDB the filter reads the whole sessions collection (one row per open browser): fine for a page one opens rarely.
 */
export async function sessionsOf(userId: string, currentSessionId: string, now = new Date()): Promise<SessionView[]> {
  const stored = await collection()
    .find({ 'session.passport.user': userId, expires: { $gt: now } })
    .toArray();
  const views = stored.map((s) => ({
    current: s._id === currentSessionId,
    signedInAt: s.session?.signedInAt ? new Date(s.session.signedInAt) : undefined,
    lastSeenAt: s.expires ? new Date(new Date(s.expires).getTime() - SESSION_MAX_AGE_MS) : undefined,
    browser: browserLabel(s.session?.userAgent),
  }));
  return views.sort((a, b) => Number(b.current) - Number(a.current) || (b.lastSeenAt?.getTime() ?? 0) - (a.lastSeenAt?.getTime() ?? 0));
}

/** Ends every session of `userId` but `keepSessionId` (acknowledged delete). Returns how many ended. */
export async function endOtherSessions(userId: string, keepSessionId: string): Promise<number> {
  const result = await collection().deleteMany({ 'session.passport.user': userId, _id: { $ne: keepSessionId } }, { writeConcern: { w: 1 } });
  return result.deletedCount;
}
