// The platform's clock: every rule that depends on "now" (due dates, validity, reminders, renewals) asks it.
//
// One clock on the Platform instead of `new Date()` scattered through the services, so that a test can move time
// (a year later, the assignment reopens) without waiting and without faking the process's own timers.
import { addDays, addMonths } from './calendar.js';

/** Tells the time. */
export interface Clock {
  now(): Date;
}

/** The machine's own time: production and development. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock a test moves: it starts at the machine's time (or a given instant) and runs on with it, shifted by
 * whatever `advance` or `set` added, so timestamps taken a moment apart still differ.
 */
export class MovableClock implements Clock {
  private offsetMs = 0;

  constructor(start?: Date) {
    if (start) this.set(start);
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Jumps to `instant` (and runs on from there). */
  set(instant: Date): void {
    this.offsetMs = instant.getTime() - Date.now();
  }

  /** Moves on by whole Warsaw calendar days and/or months (see calendar.ts addDays, addMonths). */
  advance(by: { days?: number; months?: number }): Date {
    let target = this.now();
    if (by.months) target = addMonths(target, by.months);
    if (by.days) target = addDays(target, by.days);
    this.set(target);
    return target;
  }
}
