// One-off work at start-up, after the database is connected and the platform built, before the server listens.
import { scheduleSessionCleanup } from './auth/session-cleanup.js';
import { syncOrganisationMembers } from './auth/users.read.js';
import { scheduleTokenCleanup } from './auth/token-cleanup.js';
import { backfillCertificateKeys } from './certificates/certificate-keys-backfill.js';
import { scheduleRecertifications } from './certificates/certificate-recertification.js';
import { isFreshInstallation, seedDemo } from './demo/demo-seed.js';
import type { Config } from './config.js';
import { scheduleCounterCleanup } from './db/window-counter.js';
import { repairUnfinishedEnrolments } from './learning/enrolment-repair.js';
import { scheduleMailSender } from './mail/mail-sender.js';
import type { Platform } from './platform.js';
import { backfillStandings } from './reports/training-standings.js';
import { loadCourseSharing } from './studio/course-sharing.service.js';
import { recordFolderCourses, serveStoredVersions } from './studio/course-versions.js';
import { serveScormPackages } from './scorm/scorm-catalogue.js';
import { serveCmi5Packages } from './cmi5/cmi5-catalogue.js';
import { scheduleCmi5SessionSweep } from './cmi5/cmi5-sweep.js';
import { scheduleCatalogueRefresh } from './studio/catalogue-revision.js';
import { scheduleAssignmentJobs } from './assignments/assignments.jobs.js';
import { scheduleLdapSync } from './sso/ldap/ldap-sync.service.js';
import { scheduleDataExports, scheduleErasures, scheduleRetention } from './privacy/retention.js';
import { ensureEnvironmentLrsClientTask, migrateStatementKeys, migrateStatementPartitions } from './xapi/xapi-startup.js';

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
  /** Resolves once no job is in the middle of a run (after stop(): when the runs in flight have ended). */
  settled(): Promise<void>;
}

/** Runs every start-up task in order; a failure stops the start. Returns the scheduled jobs. */
export async function runStartupTasks(platform: Platform, options: StartupOptions): Promise<StartedJobs> {
  // First, so that a SECRETS_KEY that does not open the stored badge key stops the start with that reason
  // (instead of the first certificate failing); it also seals a key an earlier version stored in clear.
  await platform.badgeKeys.current();
  // The folders of COURSES_DIR are recorded as published versions, and every stored version the folders no longer
  // hold (an older version, one published in the studio) is served, before anything reads the catalogue.
  await recordFolderCourses(platform);
  await serveStoredVersions(platform);
  // Imported SCORM packages are courses of the catalogue too (src/scorm/).
  await serveScormPackages(platform);
  // And imported cmi5 packages (src/cmi5/).
  await serveCmi5Packages(platform);
  // Who each studio course is open to, before any page asks (a course without its owner's rule would be open to all).
  await loadCourseSharing(platform);
  // Then statements stored by an older version get per-organisation keys before anything reads or writes one.
  await migrateStatementKeys(platform);
  // and move out of the shared collection into their office's own (statementsOf), before the first read of one.
  await migrateStatementPartitions(platform);
  // HR's lists read each office's copies of its people: a process that died between a user write and its copy,
  // or users stored before the copies existed, are brought in step here.
  await syncOrganisationMembers(platform.logger);
  // Certificates stored before their look-up keys (code, enrolment, person) get them before any page reads them:
  // one scan on the first start after the upgrade, one `_id` read of its marker on every later start.
  await backfillCertificateKeys(platform);
  // Demo organisation and users on a fresh install: SEED_DEMO=true, or unset on the embedded database outside
  // production (config refuses SEED_DEMO=true in production; the demo passwords are public).
  // It records statements, so it runs on the built platform: their IRIs come from BASE_URL like every other.
  if (wantsDemoData(platform.config, options) && (await isFreshInstallation())) {
    await seedDemo(platform);
  }
  // Enrolments an outage cut short (the database died between the enrolment and its statement) are finished
  // before anyone can look at them: one pass over the enrolments (see enrolment-repair.ts for the cost).
  await repairUnfinishedEnrolments(platform);
  // HR's pages read the training standings (a read model the listeners keep): an office without them yet (the first
  // start after the upgrade, or one created since the last start) gets them built from its enrolments; one `_id`
  // read of each office's marker on every later start.
  await backfillStandings(platform);
  // The server alone delivers mail: requests, scripts and tests only queue it (tests call deliverDueMail).
  // Every instance runs every job: each one is safe to run on several instances at once (README, "Running
  // several instances"), so there is no leader to elect. The jobs are unnamed on purpose: croner refuses a
  // second job of one name in a process, and a test runs two instances in one process.
  const jobs = [
    scheduleMailSender(platform),
    scheduleTokenCleanup(platform.logger),
    // Ended rate-limit and lock-out counters (FerretDB has no TTL indexes).
    scheduleCounterCleanup(platform.logger),
    scheduleSessionCleanup(platform.config.SESSION_CLEANUP_CRON, platform.logger),
    // cmi5 AU sessions idle past CMI5_SESSION_TIMEOUT_MINUTES get `abandoned`, every 5 minutes.
    scheduleCmi5SessionSweep(platform),
    // Assignments on REMINDER_CRON (weekdays 08:00 Warsaw by default; off = none): reopened cycles, reminders, HR's digest.
    scheduleAssignmentJobs(platform),
    // A course published on another instance is served here within seconds (one `_id` read every 10 s).
    // Sharing rules first (their own stamp), so a course is never served here before its rule is known.
    await scheduleCatalogueRefresh(platform, () => platform.availability.refresh()),
    // Certificates of older versions after a change of law (runs the course.published listener recorded), every minute.
    scheduleRecertifications(platform),
    // Erasures an office admin ordered, carried out within the quarter minute (privacy/person-erasure.service.ts).
    scheduleErasures(platform),
    // "Pobierz moje dane": the files people asked for, built within the quarter minute (privacy/data-export.service.ts).
    scheduleDataExports(platform),
    // The retention periods (RETENTION_*), once a day on RETENTION_CRON; one instance a day runs it.
    scheduleRetention(platform),
    // The offices' LDAP directories, once a day on LDAP_SYNC_CRON; one instance a day runs each (src/sso/ldap).
    scheduleLdapSync(platform),
  ];
  // After the demo seed, so the environment's LRS client joins the demo organisation on a fresh install.
  await ensureEnvironmentLrsClientTask(platform);
  const scheduled = jobs.filter((job) => job !== undefined);
  return {
    stop: () => scheduled.forEach((job) => job.stop()),
    settled: async () => {
      while (scheduled.some((job) => job.isBusy())) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}
