// The scheduled clean-ups of expired records (FerretDB has no TTL indexes): one shape for every such job.
import { Cron } from 'croner';
import type { Logger } from '../logger.js';

export interface CleanupJob {
  /** croner pattern, e.g. every 15 minutes: '*\/15 * * * *'. */
  pattern: string;
  /** What is removed, for the log lines ("expired sessions"). */
  what: string;
  /** Removes what has expired with an acknowledged delete; resolves with how many. */
  remove: () => Promise<number>;
}

/**
 * Runs `remove` on the pattern. A failure is logged and retried at the next run (the records stay, only later).
 * The job does not keep the process alive, never overlaps itself, and is unnamed: croner refuses two jobs of one
 * name in a process, and a test runs two instances in one. Returns it (to stop).
 */
export function scheduleCleanup({ pattern, what, remove }: CleanupJob, logger: Logger): Cron {
  return new Cron(pattern, { unref: true, protect: true }, async () => {
    try {
      const removed = await remove();
      if (removed) logger.info({ removed }, `${what} removed`);
    } catch (error) {
      logger.warn({ err: error }, `could not remove ${what}; will retry`);
    }
  });
}
