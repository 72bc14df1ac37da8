// Start-up repair: enrolments cut short by a database outage get their `registered` statement and progress.
import { User } from '../auth/user.model.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { isDatabaseUnavailableError } from '../db/database-errors.js';
import type { Logger } from '../logger.js';
import { Enrolment, type EnrolmentDoc } from './enrolment.model.js';
import { completeEnrolmentRecord } from './enrolment.service.js';
import type { LearningDeps } from './learner.js';

/** Enrolments finished at the same time (each is a few `_id` look-ups and writes). */
const REPAIR_CONCURRENCY = 8;

export interface EnrolmentRepairDeps extends LearningDeps {
  catalogue: Pick<CourseCatalogue, 'get'>;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Finishes every enrolment without `recordedAt` (see completeEnrolmentRecord): its `registered` statement is
 * stored and projected if it is not, or it is only marked if it was. Cost: finding them is one pass over the
 * enrolments (FerretDB decodes the whole collection for a filter other than `_id`), once per start; the first start
 * after the upgrade also marks every older enrolment (a progress look-up and a write each), later starts find only
 * the few an outage cut short. An enrolment whose course or learner is gone is left and logged.
 */
export async function repairUnfinishedEnrolments(deps: EnrolmentRepairDeps): Promise<{ unfinished: number; finished: number }> {
  // Every organisation's: a start-up task, not a request (no tenant to scope to).
  const unfinished = await Enrolment.find({ recordedAt: { $exists: false } })
    .setOptions({ acrossOrganisations: true })
    .lean<EnrolmentDoc[]>();
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
  const course = deps.catalogue.get(enrolment.courseId);
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
