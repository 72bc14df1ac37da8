// The scheduled assignment run (REMINDER_CRON, Warsaw time): reopen expired cycles, send reminders, send HR's digest.
import { Cron } from 'croner';
import { Types } from 'mongoose';
import { PLATFORM_TIME_ZONE } from '../calendar/calendar.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { Organisation } from '../organisations/organisation.model.js';
import type { AssignmentsDeps } from './assignments.deps.js';
import { sendWeeklyDigest } from './digest.service.js';
import { officesWithAssignments, reopenExpiredAssignments } from './recurrence.service.js';
import { sendReminders } from './reminders.service.js';

export interface AssignmentRunResult {
  reopened: number;
  sent: number;
  escalated: number;
  skipped: number;
  digests: number;
}

/**
 * One run for every office, in order: reopen the cycles that ended (so their new due dates are reminded of in the same
 * run), the reminders, the weekly digest. Each step is run-once across instances by its claims and works from what
 * is stored (no state in the process), so a restart or a second instance changes nothing. One office's failure does
 * not stop the others; the failures are thrown together at the end (the scheduler logs them).
 */
export async function runAssignmentJobs(deps: AssignmentsDeps): Promise<AssignmentRunResult> {
  const total: AssignmentRunResult = { reopened: 0, sent: 0, escalated: 0, skipped: 0, digests: 0 };
  const failures: unknown[] = [];
  for (const hex of await officesWithAssignments()) {
    try {
      total.reopened += await reopenExpiredAssignments(deps, new Types.ObjectId(hex));
    } catch (error) {
      failures.push(error);
    }
  }
  // Every organisation on purpose: the scheduled run serves them all (due dates set before assignments were stored
  // included); each call below stays within one office.
  const organisations = await Organisation.find({}).select('_id').lean<Array<{ _id: Types.ObjectId }>>();
  for (const organisation of organisations) {
    try {
      const result = await sendReminders(deps, { organisationId: organisation._id });
      total.sent += result.sent;
      total.escalated += result.escalated;
      total.skipped += result.skipped;
      total.digests += await sendWeeklyDigest(deps, organisation._id);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) {
    throw new AggregateError(
      failures,
      `assignment jobs failed for ${failures.length} offices (${total.sent} reminders sent): ${failures.map((f) => (f as Error).message).join('; ')}`,
    );
  }
  return total;
}

/**
 * Schedules the run; none when REMINDER_CRON is `off`. The job does not keep the process alive and never overlaps
 * itself. Returns it (to stop it), or undefined when off.
 */
export function scheduleAssignmentJobs(platform: AssignmentsDeps & { config: Pick<Config, 'REMINDER_CRON' | 'BASE_URL'>; logger: Logger }): Cron | undefined {
  const { config, logger } = platform;
  if (config.REMINDER_CRON === 'off') {
    logger.info('scheduled course reminders are off (REMINDER_CRON=off)');
    return undefined;
  }
  return new Cron(config.REMINDER_CRON, { timezone: PLATFORM_TIME_ZONE, unref: true, protect: true }, async () => {
    try {
      const result = await runAssignmentJobs(platform);
      logger.info(result, 'course reminders sent');
    } catch (error) {
      logger.error({ err: error }, 'course reminders failed; the next scheduled run tries again');
    }
  });
}
