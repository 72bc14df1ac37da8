// The retention job: each kind of personal data is kept for its configured period (README, "Retention"), then goes.
import { Cron } from 'croner';
import { accountsPastRetention } from '../auth/account-personal-data.js';
import { addDays, PLATFORM_TIME_ZONE, warsawIsoDay } from '../calendar/calendar.js';
import { withdrawCertificatesPastRetention } from '../certificates/certificate-personal-data.js';
import type { Config } from '../config.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { clearAnswersSubmittedBefore } from '../learning/learning.personal-data.js';
import type { Logger } from '../logger.js';
import { removeOldMail } from '../mail/outbox-retention.js';
import { pseudonymiseStatementsStoredBefore } from '../xapi/agent-personal-data.js';
import { organisationsWithStatements } from '../xapi/statement.model.js';
import { removeAccessEntriesBefore } from './access-trail.js';
import { runPendingDataExports, type DataExportDeps } from './data-export.service.js';
import { orderErasure, RETENTION_JOB_ACTOR, runPendingErasures, type ErasureDeps } from './person-erasure.service.js';
import { RetentionRun, type RetentionRunDoc } from './retention-run.model.js';

export type RetentionConfig = Pick<
  Config,
  | 'RETENTION_CRON'
  | 'RETENTION_DEACTIVATED_ACCOUNT_DAYS'
  | 'RETENTION_UNFINISHED_ACCOUNT_DAYS'
  | 'RETENTION_ATTEMPT_ANSWERS_DAYS'
  | 'RETENTION_IDENTIFIABLE_STATEMENTS_DAYS'
  | 'RETENTION_MAIL_DAYS'
  | 'RETENTION_AUDIT_DAYS'
  | 'RETENTION_ACCESS_TRAIL_DAYS'
>;

export type RetentionDeps = ErasureDeps & { config: RetentionConfig };

/** The rules in the order they run; each selects by age, so running one again removes nothing twice. */
const RULES: Array<{ name: string; apply: (deps: RetentionDeps, now: Date) => Promise<number> }> = [
  {
    // Leavers and never-finished accounts are erased as an admin would erase them (pseudonymised statements,
    // certificates kept for the office's period), with the period as the reason in the office's trail.
    name: 'accounts',
    apply: async (deps, now) => {
      const { config } = deps;
      const due = await accountsPastRetention({
        deactivatedBefore: addDays(now, -config.RETENTION_DEACTIVATED_ACCOUNT_DAYS),
        unfinishedBefore: addDays(now, -config.RETENTION_UNFINISHED_ACCOUNT_DAYS),
      });
      for (const account of due) {
        const actor = { ...RETENTION_JOB_ACTOR, organisationId: account.organisationId, roles: ['admin'] };
        await orderErasure(deps, actor, account.userId, `Koniec okresu przechowywania konta (RETENTION_*_ACCOUNT_DAYS)`);
      }
      await runPendingErasures(deps);
      return due.length;
    },
  },
  { name: 'attemptAnswers', apply: (deps, now) => clearAnswersSubmittedBefore(addDays(now, -deps.config.RETENTION_ATTEMPT_ANSWERS_DAYS), now) },
  {
    name: 'statements',
    apply: async (deps, now) => {
      let rewritten = 0;
      for (const organisationId of await organisationsWithStatements()) {
        rewritten += (await pseudonymiseStatementsStoredBefore(deps.vocabulary, organisationId, addDays(now, -deps.config.RETENTION_IDENTIFIABLE_STATEMENTS_DAYS))).statements;
      }
      return rewritten;
    },
  },
  { name: 'certificates', apply: (_deps, now) => withdrawCertificatesPastRetention(now) },
  { name: 'mail', apply: (deps, now) => removeOldMail(addDays(now, -deps.config.RETENTION_MAIL_DAYS)) },
  { name: 'audit', apply: (deps, now) => deps.audit.removeWrittenBefore(addDays(now, -deps.config.RETENTION_AUDIT_DAYS)) },
  { name: 'accessTrail', apply: (deps, now) => removeAccessEntriesBefore(addDays(now, -deps.config.RETENTION_ACCESS_TRAIL_DAYS)) },
];

/**
 * Applies every rule once for the Warsaw day of `now` (the clock's, so a test moves it). The day's record is inserted
 * first: it is the claim, so of several instances one runs it, and the day's second call does nothing (undefined).
 * A run that dies half-way keeps its record without `finishedAt`; the next day's run applies every rule again by age,
 * so nothing is left behind, only later. Returns the day's record.
 */
export async function runRetention(deps: RetentionDeps): Promise<RetentionRunDoc | undefined> {
  const now = deps.clock.now();
  const day = warsawIsoDay(now);
  try {
    await RetentionRun.create({ _id: day, startedAt: now, counts: {} });
  } catch (error) {
    if (isDuplicateKeyError(error)) return undefined;
    throw error;
  }
  const counts: Record<string, number> = {};
  for (const rule of RULES) {
    try {
      counts[rule.name] = await rule.apply(deps, now);
      await RetentionRun.updateOne({ _id: day }, { $set: { [`counts.${rule.name}`]: counts[rule.name] } });
    } catch (error) {
      await RetentionRun.updateOne({ _id: day }, { $set: { lastError: `${rule.name}: ${String((error as Error).message ?? error).slice(0, 500)}` } }).catch(() => undefined);
      throw error;
    }
  }
  await RetentionRun.updateOne({ _id: day }, { $set: { finishedAt: deps.clock.now() } });
  deps.logger.info({ day, counts }, 'retention applied');
  return (await RetentionRun.findById(day).lean<RetentionRunDoc>()) ?? undefined;
}

/** Schedules the retention job on RETENTION_CRON (Warsaw time), none when `off`; it never keeps the process alive. */
export function scheduleRetention(deps: RetentionDeps & { logger: Logger }): Cron | undefined {
  if (deps.config.RETENTION_CRON === 'off') {
    deps.logger.info('the retention job is off (RETENTION_CRON=off)');
    return undefined;
  }
  return new Cron(deps.config.RETENTION_CRON, { timezone: PLATFORM_TIME_ZONE, unref: true, protect: true }, async () => {
    try {
      await runRetention(deps);
    } catch (error) {
      deps.logger.warn({ err: error }, 'the retention job stopped; the next run applies every rule again');
    }
  });
}

/** Builds the data exports people asked for every 15 seconds (and deletes expired ones); never keeps the process alive. */
export function scheduleDataExports(deps: DataExportDeps & { logger: Logger }): Cron {
  return new Cron('*/15 * * * * *', { unref: true, protect: true }, async () => {
    try {
      await runPendingDataExports(deps);
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not build the data exports; will retry');
    }
  });
}

/** Carries out ordered erasures every 15 seconds (an admin's order is done within the minute); never keeps the process alive. */
export function scheduleErasures(deps: ErasureDeps & { logger: Logger }): Cron {
  return new Cron('*/15 * * * * *', { unref: true, protect: true }, async () => {
    try {
      await runPendingErasures(deps);
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not carry out the ordered erasures; will retry');
    }
  });
}
