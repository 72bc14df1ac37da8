// Hit counters over a time window, kept in the database so that every instance counts into the same one.
import type { Cron } from 'croner';
import { Schema, model } from 'mongoose';
import type { Logger } from '../logger.js';
import { scheduleCleanup } from './cleanup-job.js';
import { isDuplicateKeyError } from './database-errors.js';

// One document per counter, addressed by `_id` (the only fast look-up on FerretDB); the window starts at the
// first hit, as in express-rate-limit's memory store, so a burst cannot straddle two aligned windows.
// Not tenant-scoped: counters are about addresses and typed e-mails, not about an organisation's data.
const windowCountSchema = new Schema(
  {
    _id: { type: String, required: true },
    hits: { type: Number, required: true, default: 0 },
    /** When this window ends; a counter past it counts as zero and is replaced by the next hit. */
    resetAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** The collection of the counters (rate limits, sign-in lock-out). */
export const WINDOW_COUNT_COLLECTION = 'window_counts';
export const WindowCount = model('WindowCount', windowCountSchema, WINDOW_COUNT_COLLECTION);

export interface WindowHits {
  hits: number;
  resetAt: Date;
}

/**
 * The platform's counters (one per platform, built by createPlatform). Updates of one key are run one after
 * another within the process: FerretDB 1.24 applies `$inc` as read-modify-write, so concurrent increments of
 * one document lose hits (30 at once counted as 8); queued, none is lost. Across instances `$inc` is atomic on
 * MongoDB, the database several instances share (the embedded FerretDB belongs to one instance).
 */
export class WindowCounters {
  private readonly queues = new Map<string, Promise<void>>();

  /** Runs `work` after every earlier update of `key` in this process has settled. */
  private inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  /**
   * Counts one hit for `key` and returns the window's hits so far (this one included). An `$inc` upsert by
   * `_id`, acknowledged; a window found ended is deleted (only if still that window) and counting starts again.
   */
  countHit(key: string, windowMs: number, now: Date = new Date()): Promise<WindowHits> {
    return this.inTurn(key, async () => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        let counter: WindowHits | null;
        try {
          counter = await WindowCount.findOneAndUpdate(
            { _id: key },
            { $inc: { hits: 1 }, $setOnInsert: { resetAt: new Date(now.getTime() + windowMs) } },
            // No projection: FerretDB 1.24 does not implement findAndModify's `fields`.
            { upsert: true, returnDocument: 'after' },
          ).lean<WindowHits>();
        } catch (error) {
          // Two first hits at once (two instances): the unique _id keeps one insert; the other counts again.
          if (isDuplicateKeyError(error)) continue;
          throw error;
        }
        if (!counter) continue;
        if (counter.resetAt.getTime() > now.getTime()) return { hits: counter.hits, resetAt: counter.resetAt };
        // The window is over. The resetAt condition keeps a window that another instance has just started.
        await WindowCount.deleteOne({ _id: key, resetAt: counter.resetAt });
      }
      throw new Error(`Could not count a hit for ${key}: the counter kept changing`);
    });
  }

  /** Takes one hit back (express-rate-limit's skipSuccessfulRequests/skipFailedRequests); never below zero. */
  uncountHit(key: string, now: Date = new Date()): Promise<void> {
    return this.inTurn(key, async () => {
      await WindowCount.updateOne({ _id: key, hits: { $gt: 0 }, resetAt: { $gt: now } }, { $inc: { hits: -1 } });
    });
  }

  /** The hits of the running window of `key`, or undefined when none runs. */
  async peekHits(key: string, now: Date = new Date()): Promise<WindowHits | undefined> {
    const counter = await WindowCount.findById(key).lean<WindowHits>();
    return counter && counter.resetAt.getTime() > now.getTime() ? { hits: counter.hits, resetAt: counter.resetAt } : undefined;
  }

  /** Starts (or extends) a window of `key` that runs until `until`, whatever was counted before (a lock-out). */
  holdUntil(key: string, until: Date): Promise<void> {
    return this.inTurn(key, async () => {
      await WindowCount.updateOne({ _id: key }, { $set: { resetAt: until }, $max: { hits: 1 } }, { upsert: true });
    });
  }

  /** Forgets the counter of `key` (its window ends now). */
  resetCount(key: string): Promise<void> {
    return this.inTurn(key, async () => {
      await WindowCount.deleteOne({ _id: key });
    });
  }
}

/**
 * Deletes the counters whose window has ended; returns how many. An acknowledged delete on a schedule: FerretDB
 * has no TTL indexes, and an ended counter is never read again (countHit replaces it).
 */
export async function removeEndedCounts(now: Date = new Date()): Promise<number> {
  const result = await WindowCount.deleteMany({ resetAt: { $lt: now } });
  return result.deletedCount;
}

/** Runs removeEndedCounts every 15 minutes. Returns the job (to stop). */
export function scheduleCounterCleanup(logger: Logger): Cron {
  return scheduleCleanup({ pattern: '*/15 * * * *', what: 'ended rate-limit and lock-out counters', remove: () => removeEndedCounts() }, logger);
}
