// express-rate-limit's Store over the database's window counters: several instances share one limit.
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { WindowCounters } from '../db/window-counter.js';

/**
 * A rate-limit store whose counters live in the database (db/window-counter.ts), so that a client spreading
 * its attempts over several instances behind a load balancer still meets one limit. One store per limiter,
 * each with its own `prefix` (express-rate-limit refuses a store shared by two limiters); two limiters with
 * the same prefix, in one app or in two, count into the same counters.
 */
export class DatabaseRateLimitStore implements Store {
  /** Keys are shared with other instances, which is the point. */
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly counters: WindowCounters,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const counter = await this.counters.peekHits(this.prefix + key);
    return counter && { totalHits: counter.hits, resetTime: counter.resetAt };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const counter = await this.counters.countHit(this.prefix + key, this.windowMs);
    return { totalHits: counter.hits, resetTime: counter.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.counters.uncountHit(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.counters.resetCount(this.prefix + key);
  }
}

/** A store for one limiter: `name` says what it counts (e.g. `login-ip`), keys become `rl:<name>:<key>`. */
export function databaseRateLimitStore(counters: WindowCounters, name: string): DatabaseRateLimitStore {
  return new DatabaseRateLimitStore(counters, `rl:${name}:`);
}
