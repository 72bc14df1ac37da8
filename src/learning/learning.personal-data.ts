// What learning holds about one person: exported on their request (art. 15, 20 RODO), deleted on erasure (art. 17).
import { Types } from 'mongoose';
import type { PlatformEvents } from '../events/platform-events.js';
import { EnrolmentKey } from './enrolment-key.model.js';
import { learnerKey } from './enrolment-keys.js';
import { Enrolment } from './enrolment.model.js';
import { LearningProgress } from './learning-progress.model.js';
import { LessonOpening } from './lesson-opening.model.js';
import { QuizAttemptGrant } from './quiz-attempt-grant.model.js';
import { QuizAttempt } from './quiz-attempt.model.js';
import { UnfinishedEnrolment } from './unfinished-enrolment.model.js';

/**
 * Deletes the person's learning records in their office, then announces each enrolment as changed (the standings
 * drop the person's cells). Idempotent: a second run finds nothing and announces nothing. The filters other than
 * `_id` scan their collections on FerretDB; an erasure is rare and happens outside a page.
 */
export async function eraseLearningOf(deps: { events: PlatformEvents }, params: { organisationId: string; userId: string }): Promise<number> {
  const organisationId = new Types.ObjectId(params.organisationId);
  const userId = new Types.ObjectId(params.userId);
  const enrolments = await Enrolment.find({ organisationId, userId }).select({ _id: 1, courseId: 1 }).lean<Array<{ _id: Types.ObjectId; courseId: string }>>();
  const enrolmentIds = enrolments.map((enrolment) => enrolment._id);
  await QuizAttempt.deleteMany({ organisationId, userId });
  await QuizAttemptGrant.deleteMany({ organisationId, userId });
  await LearningProgress.deleteMany({ organisationId, userId });
  if (enrolmentIds.length) {
    await LessonOpening.deleteMany({ organisationId, enrolmentId: { $in: enrolmentIds } });
    await EnrolmentKey.deleteMany({ organisationId, enrolmentId: { $in: enrolmentIds } });
    await UnfinishedEnrolment.deleteMany({ organisationId, _id: { $in: enrolmentIds } });
  }
  await EnrolmentKey.deleteMany({ organisationId, _id: learnerKey(userId) });
  // The enrolments last: until they go, a retry finds them and finishes what is above.
  await Enrolment.deleteMany({ organisationId, userId });
  for (const enrolment of enrolments) {
    await deps.events.emit('enrolment.changed', {
      organisationId: params.organisationId,
      enrolmentId: enrolment._id.toHexString(),
      userId: params.userId,
      courseId: enrolment.courseId,
    });
  }
  return enrolments.length;
}

/**
 * The retention rule for quiz answers: attempts submitted before `before` lose what was answered (the response of
 * each question and any saved draft), while the score, the pass and each question's points stay for the record.
 * Across organisations on purpose (the retention job's one pass); already cleared attempts are skipped.
 */
export async function clearAnswersSubmittedBefore(before: Date, now: Date): Promise<number> {
  const attempts = await QuizAttempt.find({ submittedAt: { $lt: before }, answersClearedAt: { $exists: false } })
    .setOptions({ acrossOrganisations: true })
    .select({ _id: 1, organisationId: 1, results: 1 })
    .lean<Array<{ _id: Types.ObjectId; organisationId: Types.ObjectId; results?: Array<Record<string, unknown>> }>>();
  for (const attempt of attempts) {
    const results = (attempt.results ?? []).map((result) => ({ ...result, response: '' }));
    await QuizAttempt.updateOne({ _id: attempt._id, organisationId: attempt.organisationId }, { $set: { results, answersClearedAt: now }, $unset: { savedAnswers: 1 } });
  }
  return attempts.length;
}

/** The person's learning as their data export shows it: enrolments with progress, attempts with answers, exceptions. */
export async function learningDataOf(params: { organisationId: string; userId: string }) {
  const organisationId = new Types.ObjectId(params.organisationId);
  const userId = new Types.ObjectId(params.userId);
  const hidden = { organisationId: 0, __v: 0 } as const;
  const [enrolments, progress, attempts, grants] = await Promise.all([
    Enrolment.find({ organisationId, userId }).select(hidden).lean(),
    LearningProgress.find({ organisationId, userId })
      .select({ ...hidden, countedStatementIds: 0 })
      .lean(),
    QuizAttempt.find({ organisationId, userId }).select(hidden).sort({ startedAt: 1 }).lean(),
    QuizAttemptGrant.find({ organisationId, userId }).select(hidden).lean(),
  ]);
  return { enrolments, progress, quizAttempts: attempts, quizExceptions: grants };
}
