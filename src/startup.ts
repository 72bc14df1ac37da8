// One-off work at start-up, after the database is connected and the platform built, before the server listens.
import { scheduleSessionCleanup } from './auth/session-cleanup.js';
import { scheduleTokenCleanup } from './auth/token-cleanup.js';
import { isFreshInstallation, seedDemo } from './demo/demo-seed.js';
import type { Config } from './config.js';
import { repairUnfinishedEnrolments } from './learning/enrolment-repair.js';
import { scheduleMailSender } from './mail/mail-sender.js';
import type { Platform } from './platform.js';
import { scheduleReminders } from './reports/reminder-schedule.js';
import { ensureEnvironmentLrsClientTask } from './xapi/xapi-startup.js';

export interface StartupOptions {
  /** True when the embedded FerretDB is in use (first start of a fresh install loads demo data, outside production). */
  embedded: boolean;
}

/** Whether a fresh installation gets the demo organisation and users. */
export function wantsDemoData(config: Pick<Config, 'SEED_DEMO' | 'isProduction'>, options: StartupOptions): boolean {
  if (config.isProduction) return false;
  return config.SEED_DEMO ?? options.embedded;
}

/** The scheduled jobs start-up began (none keeps the process alive); stopping them ends every one. */
export interface StartedJobs {
  stop(): void;
}

/** Runs every start-up task in order; a failure stops the start. Returns the scheduled jobs. */
export async function runStartupTasks(platform: Platform, options: StartupOptions): Promise<StartedJobs> {
  // Demo organisation and users on a fresh install: SEED_DEMO=true, or unset on the embedded database outside
  // production (config refuses SEED_DEMO=true in production; the demo passwords are public).
  // It records statements, so it runs on the built platform: their IRIs come from BASE_URL like every other.
  if (wantsDemoData(platform.config, options) && (await isFreshInstallation())) {
    await seedDemo(platform);
  }
  // Enrolments an outage cut short (the database died between the enrolment and its statement) are finished
  // before anyone can look at them: one pass over the enrolments (see enrolment-repair.ts for the cost).
  await repairUnfinishedEnrolments(platform);
  // The server alone delivers mail: requests, scripts and tests only queue it (tests call deliverDueMail).
  const jobs = [
    scheduleMailSender(platform),
    scheduleTokenCleanup(platform.logger),
    scheduleSessionCleanup(platform.config.SESSION_CLEANUP_CRON, platform.logger),
    // HR reminders of due courses on REMINDER_CRON (weekdays 08:00 Warsaw by default; off = none).
    scheduleReminders(platform),
  ];
  // After the demo seed, so the environment's LRS client joins the demo organisation on a fresh install.
  await ensureEnvironmentLrsClientTask(platform);
  return { stop: () => jobs.forEach((job) => job?.stop()) };
}
