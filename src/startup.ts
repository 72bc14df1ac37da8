// One-off work at start-up, after the database is connected and before the server listens.
import type { AppContext } from './app.js';
import { loadCourseCatalogue, setCourseCatalogue } from './courses/course-catalogue.js';
import { scheduleTokenCleanup } from './auth/token-cleanup.js';
import { isFreshInstallation, seedDemo } from './organisations/demo-seed.js';
import { ensureEnvironmentLrsClientTask } from './xapi/xapi-startup.js';
import { scheduleReminders } from './reports/reminder-schedule.js';

export interface StartupOptions extends AppContext {
  /** True when the embedded FerretDB is in use (first start of a fresh install loads demo data). */
  embedded: boolean;
}

/** Runs every start-up task in order; a failure stops the start. */
export async function runStartupTasks(options: StartupOptions): Promise<void> {
  // Courses first: later tasks (demo seed) may refer to them. An invalid course is refused, not fatal.
  const catalogue = await loadCourseCatalogue({ dir: options.config.COURSES_DIR, logger: options.logger });
  setCourseCatalogue(catalogue);
  // Demo organisation and users on a fresh install: SEED_DEMO=true, or unset on the embedded database.
  if ((options.config.SEED_DEMO ?? options.embedded) && (await isFreshInstallation())) {
    await seedDemo({ logger: options.logger, courses: catalogue.list() });
  }
  scheduleTokenCleanup(options.logger);
  // HR reminders of due courses on REMINDER_CRON (weekdays 08:00 Warsaw by default; off = none).
  scheduleReminders(options);
  // After the demo seed, so the environment's LRS client joins the demo organisation on a fresh install.
  await ensureEnvironmentLrsClientTask(options);
}
