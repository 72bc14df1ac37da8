// Start-up repair: enrolments cut short by a database outage get their `registered` statement and progress; older ones get their keys.
import { runOnce } from '../db/migrations.js';
import { User } from '../auth/user.model.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { isDatabaseUnavailableError, isDuplicateKeyError } from '../db/database-errors.js';
import type { Logger } from '../logger.js';
import { Enrolment, type EnrolmentDoc } from './enrolment.model.js';
import { attemptKey, grantKey, insertKey, writeEnrolmentKeys } from './enrolment-keys.js';
import { completeEnrolmentRecord } from './enrolment.service.js';
import type { LearningDeps } from './learner.js';
import { QuizAttempt, type QuizAttemptDoc } from './quiz-attempt.model.js';
import { QuizAttemptGrant, type QuizAttemptGrantDoc } from './quiz-attempt-grant.model.js';
import { UnfinishedEnrolment } from './unfinished-enrolment.model.js';

/** Enrolments finished at the same time (each is a few `_id` look-ups and writes). */
const REPAIR_CONCURRENCY = 8;

/** Marks a finished one-off pass, so later starts check one `_id` instead of scanning the enrolments. */
const MIGRATIONS = 'learning_migrations';
const KEYS_BACKFILL = 'enrolment-keys';

export interface EnrolmentRepairDeps extends LearningDeps {
  catalogue: Pick<CourseCatalogue, 'versionOrNewest'>;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Writes the keys (enrolment-key.model.ts) of every enrolment, quiz attempt and grant stored before keys existed, and
 * lists the enrolments without `recordedAt` as unfinished. One pass over the three collections (FerretDB decodes each
 * whole), once: a marker document says it is done, so later starts cost one `_id` look-up. Idempotent (keys are
 * inserted, an existing one is kept) and safe to interrupt: the marker is written last.
 */
export async function backfillEnrolmentKeys(deps: Pick<EnrolmentRepairDeps, 'logger'>): Promise<{ enrolments: number } | undefined> {
  const done = await runOnce(MIGRATIONS, KEYS_BACKFILL, async () => {
    // Every organisation's: a one-off start-up pass, not a request (no tenant to scope to); each key keeps its organisation.
    const across = { acrossOrganisations: true };
    const enrolments = await Enrolment.find({}).setOptions(across).lean<EnrolmentDoc[]>();
    const users = await User.find({}).setOptions(across).select({ learnerId: 1 }).lean<Array<{ _id: unknown; learnerId: string }>>();
    const learnerIdOf = new Map(users.map((user) => [String(user._id), user.learnerId]));
    for (let start = 0; start < enrolments.length; start += REPAIR_CONCURRENCY) {
      const chunk = enrolments.slice(start, start + REPAIR_CONCURRENCY);
      await Promise.all(
        chunk.map(async (enrolment) => {
          await writeEnrolmentKeys(enrolment, learnerIdOf.get(String(enrolment.userId)));
          if (!enrolment.recordedAt) await UnfinishedEnrolment.create({ _id: enrolment._id, organisationId: enrolment.organisationId }).catch(ignoreDuplicate);
        }),
      );
    }
    // Attempts are numbered 1, 2, … per enrolment already (unique index); grants get numbers in the order they were given.
    const attempts = await QuizAttempt.find({})
      .setOptions(across)
      .select({ enrolmentId: 1, number: 1, organisationId: 1 })
      .lean<Array<Pick<QuizAttemptDoc, '_id' | 'enrolmentId' | 'number' | 'organisationId'>>>();
    for (const attempt of attempts) {
      await insertKey({ _id: attemptKey(attempt.enrolmentId, attempt.number), organisationId: attempt.organisationId, enrolmentId: attempt.enrolmentId, itemId: attempt._id });
    }
    const grants = await QuizAttemptGrant.find({})
      .setOptions(across)
      .select({ enrolmentId: 1, organisationId: 1, grantedAt: 1 })
      .sort({ grantedAt: 1, _id: 1 })
      .lean<Array<Pick<QuizAttemptGrantDoc, '_id' | 'enrolmentId' | 'organisationId'>>>();
    const numberOf = new Map<string, number>();
    for (const grant of grants) {
      const number = (numberOf.get(String(grant.enrolmentId)) ?? 0) + 1;
      numberOf.set(String(grant.enrolmentId), number);
      await insertKey({ _id: grantKey(grant.enrolmentId, number), organisationId: grant.organisationId, enrolmentId: grant.enrolmentId, itemId: grant._id });
    }
    if (enrolments.length) deps.logger.info({ enrolments: enrolments.length, attempts: attempts.length, grants: grants.length }, 'enrolment keys written');
    return { enrolments: enrolments.length };
  });
  return done;
}

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicateKeyError(error)) throw error;
}

/**
 * Finishes every enrolment listed as unfinished (see completeEnrolmentRecord): its `registered` statement is stored
 * and projected if it is not, or it is only marked if it was. Cost: the backfill above once, then one read of the
 * unfinished list — a small collection holding only the enrolments an outage cut short — and a few `_id` look-ups
 * each. An enrolment whose course or learner is gone is left and logged.
 */
export async function repairUnfinishedEnrolments(deps: EnrolmentRepairDeps): Promise<{ unfinished: number; finished: number }> {
  await backfillEnrolmentKeys(deps);
  // Every organisation's: a start-up task, not a request (no tenant to scope to).
  const listed = await UnfinishedEnrolment.find({}).setOptions({ acrossOrganisations: true }).lean();
  const unfinished: EnrolmentDoc[] = [];
  for (const entry of listed) {
    const enrolment = await Enrolment.findById(entry._id).lean<EnrolmentDoc>();
    // Finished already (the process died before taking it off the list), or never stored (it died after the course
    // key; the learner's next enrolment finishes that key): nothing for the repair to do.
    if (enrolment && !enrolment.recordedAt) unfinished.push(enrolment);
    else await UnfinishedEnrolment.deleteOne({ _id: entry._id });
  }
  let finished = 0;
  for (let start = 0; start < unfinished.length; start += REPAIR_CONCURRENCY) {
    const chunk = unfinished.slice(start, start + REPAIR_CONCURRENCY);
    const results = await Promise.all(chunk.map((enrolment) => finish(deps, enrolment)));
    finished += results.filter(Boolean).length;
  }
  if (unfinished.length) deps.logger.info({ unfinished: unfinished.length, finished }, 'start-up repair of unfinished enrolments');
  return { unfinished: unfinished.length, finished };
}

async function finish(deps: EnrolmentRepairDeps, enrolment: EnrolmentDoc): Promise<boolean> {
  const context = { enrolmentId: enrolment._id.toHexString(), courseId: enrolment.courseId };
  const course = deps.catalogue.versionOrNewest(enrolment.courseId, enrolment.courseVersion);
  const learner = await User.findById(enrolment.userId).select({ learnerId: 1, fullName: 1 }).lean<{ learnerId: string; fullName: string }>();
  if (!course || !learner) {
    deps.logger.warn(context, 'unfinished enrolment left: its course or learner no longer exists');
    return false;
  }
  try {
    return await completeEnrolmentRecord(deps, { learner, course, enrolment });
  } catch (error) {
    // The database going away again ends the start (the server exits and is restarted); anything else is one enrolment.
    if (isDatabaseUnavailableError(error)) throw error;
    deps.logger.warn({ ...context, err: error }, 'unfinished enrolment could not be finished; the next start tries again');
    return false;
  }
}
