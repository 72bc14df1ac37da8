// Scheduled removal of expired sessions, with an acknowledged delete (FerretDB has no TTL indexes).
import type { Cron } from 'croner';
import mongoose from 'mongoose';
import { scheduleCleanup } from '../db/cleanup-job.js';
import type { Logger } from '../logger.js';

/** A database handle of mongoose's own driver (the app's connection, or a test's one-connection pool). */
type Db = NonNullable<typeof mongoose.connection.db>;

/** The collection connect-mongo keeps sessions in (app.ts names it). */
export const SESSION_COLLECTION = 'sessions';

/**
 * Deletes the sessions whose `expires` has passed; returns how many. The delete is acknowledged on purpose:
 * connect-mongo's own interval clean-up sends it with `w: 0`, FerretDB 1.24 answers it anyway, and the unread
 * answer then shifts every later reply on that pooled connection (one query receiving another's result).
 */
export async function removeExpiredSessions(db: Db | undefined = mongoose.connection.db, now: Date = new Date()): Promise<number> {
  if (!db) return 0;
  const result = await db.collection(SESSION_COLLECTION).deleteMany({ expires: { $lt: now } }, { writeConcern: { w: 1 } });
  return result.deletedCount;
}

/** Runs removeExpiredSessions on `pattern` (SESSION_CLEANUP_CRON). Returns the job (to stop). */
export function scheduleSessionCleanup(pattern: string, logger: Logger): Cron {
  return scheduleCleanup({ pattern, what: 'expired sessions', remove: () => removeExpiredSessions() }, logger);
}
