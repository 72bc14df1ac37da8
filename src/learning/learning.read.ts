// Learning's read API for other features (reports, the studio): enrolments, progress, quiz attempts and grants, without their collections.
import type { Types } from 'mongoose';
import { mapConcurrently } from '../db/lookups.js';
import { Enrolment, type EnrolmentDoc } from './enrolment.model.js';
import { LearningProgress, statusRank, type LearningProgressDoc } from './learning-progress.model.js';
import { LessonOpening, lessonOpeningId, type LessonOpeningDoc } from './lesson-opening.model.js';
import { lessonCompletedStatementId } from './lesson.service.js';
import { statementKey, statementsOf } from '../xapi/statement.model.js';
import { attemptKey, grantKey, keyedItems } from './enrolment-keys.js';
import { findEnrolment, progressOf } from './enrolment.service.js';
import { QuizAttempt, type QuizAttemptDoc } from './quiz-attempt.model.js';
import { QuizAttemptGrant, type QuizAttemptGrantDoc } from './quiz-attempt-grant.model.js';
import type { QuizGrantKind } from './quiz-attempt-grant.model.js';

/** One enrolment with its projected progress (undefined before the first statement was projected). */
export interface EnrolmentWithProgress {
  enrolment: EnrolmentDoc;
  progress: LearningProgressDoc | undefined;
}

export interface EnrolmentQuery {
  /** Only enrolments with a due date up to this instant (assigned courses due soon or overdue). */
  dueBy?: Date;
  /** Only enrolments on this course. */
  courseId?: string;
  /** Only enrolments of these people. */
  userIds?: Types.ObjectId[];
  /**
   * Only enrolments on these courses. Given together with `userIds`, the read is key look-ups (person × course, each
   * a few `_id` reads) instead of a scan: the form for pages. Without both it scans the enrolments (on FerretDB, the
   * whole collection of every office): for background jobs (reminders by `dueBy`) and scripts only.
   */
  courseIds?: string[];
}

/**
 * The organisation's enrolments matching the query, each with its progress (read by _id, never from the log).
 *
 * - `{ userIds, courseIds }` (plus optionally `courseId`, `dueBy` as filters): `_id` look-ups only — the course key
 *   of each pair, the enrolment, its progress; cost grows with people × courses asked, not with the store.
 * - any other form (`{}`, `{ dueBy }`, `{ courseId }`, `{ userIds }`): a scan of the enrolments and of the progress
 *   documents; not for pages.
 */
export async function enrolmentsOfOrganisation(organisationId: Types.ObjectId, query: EnrolmentQuery = {}): Promise<EnrolmentWithProgress[]> {
  if (query.userIds && query.courseIds) return keyedEnrolments(organisationId, { ...query, userIds: query.userIds, courseIds: query.courseIds });
  const enrolments = await Enrolment.find({
    organisationId,
    ...(query.dueBy ? { dueDate: { $lte: query.dueBy } } : {}),
    ...(query.courseId ? { courseId: query.courseId } : {}),
    ...(query.userIds ? { userId: { $in: query.userIds } } : {}),
  }).lean<EnrolmentDoc[]>();
  if (!enrolments.length) return [];
  const progress = await LearningProgress.find({ _id: { $in: enrolments.map((e) => e._id) }, organisationId }).lean<LearningProgressDoc[]>();
  const byId = new Map(progress.map((p) => [String(p._id), p]));
  return enrolments.map((enrolment) => ({ enrolment, progress: byId.get(String(enrolment._id)) }));
}

/** One enrolment of the organisation with its progress, by the enrolment's `_id` (another office's reads as none). */
export async function enrolmentById(organisationId: Types.ObjectId | string, enrolmentId: Types.ObjectId): Promise<EnrolmentWithProgress | undefined> {
  const enrolment = await Enrolment.findById(enrolmentId).lean<EnrolmentDoc>();
  if (!enrolment || String(enrolment.organisationId) !== String(organisationId)) return undefined;
  return { enrolment, progress: (await progressOf(enrolment)) ?? undefined };
}

async function keyedEnrolments(organisationId: Types.ObjectId, query: EnrolmentQuery & { userIds: Types.ObjectId[]; courseIds: string[] }): Promise<EnrolmentWithProgress[]> {
  const courseIds = query.courseId ? query.courseIds.filter((id) => id === query.courseId) : query.courseIds;
  const pairs = query.userIds.flatMap((userId) => courseIds.map((courseId) => ({ userId, courseId })));
  const rows = await mapConcurrently(pairs, async ({ userId, courseId }) => {
    const learner = { id: String(userId), organisationId: String(organisationId) };
    const enrolment = await findEnrolment(learner, courseId);
    if (!enrolment || (query.dueBy && !(enrolment.dueDate && enrolment.dueDate <= query.dueBy))) return undefined;
    return { enrolment, progress: (await progressOf(enrolment)) ?? undefined };
  });
  return rows.filter((row) => row !== undefined);
}

/** One quiz attempt as HR sees it: when, how it went (no questions, no answers). */
export interface QuizAttemptSummary {
  id: string;
  enrolmentId: string;
  courseId: string;
  number: number;
  startedAt: Date;
  submittedAt?: Date;
  scoreRaw?: number;
  scoreMax?: number;
  scoreScaled?: number;
  passed?: boolean;
}

/** Which enrolments' attempts or grants to read by key (the person's, from enrolmentsOfOrganisation). */
export interface OfEnrolments {
  enrolments: Array<Pick<EnrolmentDoc, '_id' | 'organisationId'>>;
}

/**
 * Every quiz attempt of one person in the organisation, by course and number. With `{ enrolments }` (the person's):
 * the attempt keys of each, `_id` look-ups only; without, a scan of the attempts (not for pages).
 */
export async function quizAttemptsOfPerson(organisationId: Types.ObjectId, userId: Types.ObjectId, of?: OfEnrolments): Promise<QuizAttemptSummary[]> {
  const attempts = of
    ? (await Promise.all(of.enrolments.map((e) => keyedItems(e, attemptKey, (id) => QuizAttempt.findById(id).lean<QuizAttemptDoc>()))))
        .flatMap((keyed) => keyed.items)
        .filter((a) => String(a.userId) === String(userId) && String(a.organisationId) === String(organisationId))
        .sort((a, b) => a.courseId.localeCompare(b.courseId) || a.number - b.number)
    : await QuizAttempt.find({ organisationId, userId })
        .select('enrolmentId courseId number startedAt submittedAt scoreRaw scoreMax scoreScaled passed')
        .sort({ courseId: 1, number: 1 })
        .lean();
  return attempts.map((a) => ({
    id: a._id.toHexString(),
    enrolmentId: String(a.enrolmentId),
    courseId: a.courseId,
    number: a.number,
    startedAt: a.startedAt,
    submittedAt: a.submittedAt ?? undefined,
    scoreRaw: a.scoreRaw ?? undefined,
    scoreMax: a.scoreMax ?? undefined,
    scoreScaled: a.scoreScaled ?? undefined,
    passed: a.passed ?? undefined,
  }));
}

/** One extra attempt or lifted cool-down HR granted. */
export interface QuizGrantSummary {
  id: string;
  courseId: string;
  kind: QuizGrantKind;
  reason: string;
  grantedByName: string;
  grantedAt: Date;
  usedAt?: Date;
  usedForAttempt?: number;
}

/** Every quiz grant of one person in the organisation, newest first; with `{ enrolments }` by key, as quizAttemptsOfPerson. */
export async function quizGrantsOfPerson(organisationId: Types.ObjectId, userId: Types.ObjectId, of?: OfEnrolments): Promise<QuizGrantSummary[]> {
  const grants = of
    ? (await Promise.all(of.enrolments.map((e) => keyedItems(e, grantKey, (id) => QuizAttemptGrant.findById(id).lean<QuizAttemptGrantDoc>()))))
        .flatMap((keyed) => keyed.items)
        .filter((g) => String(g.userId) === String(userId) && String(g.organisationId) === String(organisationId))
        .sort((a, b) => b.grantedAt.getTime() - a.grantedAt.getTime() || String(b._id).localeCompare(String(a._id)))
    : await QuizAttemptGrant.find({ organisationId, userId }).sort({ grantedAt: -1, _id: -1 }).lean();
  return grants.map((g) => ({
    id: g._id.toHexString(),
    courseId: g.courseId,
    kind: g.kind,
    reason: g.reason,
    grantedByName: g.grantedByName,
    grantedAt: g.grantedAt,
    usedAt: g.usedAt ?? undefined,
    usedForAttempt: g.usedForAttempt ?? undefined,
  }));
}

/**
 * One person's enrolment on one course with its progress, or undefined: the course key, the enrolment and its
 * progress by `_id` (what HR's standings read model recomputes a cell from).
 */
export async function enrolmentOfPerson(organisationId: Types.ObjectId | string, userId: Types.ObjectId | string, courseId: string): Promise<EnrolmentWithProgress | undefined> {
  const enrolment = await findEnrolment({ id: String(userId), organisationId: String(organisationId) }, courseId);
  if (!enrolment) return undefined;
  return { enrolment, progress: (await progressOf(enrolment)) ?? undefined };
}

// The facts of a person's standing on a course, decided once for the dashboard and HR's read model alike.
export { trainingFactsOf } from './dashboard.service.js';

/** One graded answer to a final-quiz question: which question, what was answered and whether it was right. */
export interface QuizAnswerOnRecord {
  questionId: string;
  /** xAPI result.response form (quiz-grading.ts): choice "a[,]b", true-false "true"; '' when left blank. */
  response: string;
  answered: boolean;
  success: boolean;
}

/** One graded quiz attempt, by the course version it was taken under. */
export interface GradedAttemptOnRecord {
  courseVersion: string;
  passed: boolean;
  answers: QuizAnswerOnRecord[];
}

/** One lesson finished ("Zakończ lekcję"), and how long after its first opening. */
export interface FinishedLessonOnRecord {
  lessonId: string;
  /** Minutes from the first opening to finishing, both on the platform clock (breaks included). */
  minutes: number;
  /** The course version the lesson was finished under (the statement's context.revision). */
  courseVersion?: string;
}

/** One enrolment on a course as its authors may see it: what happened, never who or in which office. */
export interface CourseLearningRecord {
  /** The course version when the learner enrolled. */
  courseVersion: string;
  /** The final test was passed at least once. */
  passed: boolean;
  /** The course was completed (the pass that completes it; a later renewal keeps it). */
  completed: boolean;
  attempts: GradedAttemptOnRecord[];
  lessons: FinishedLessonOnRecord[];
}

/**
 * What every learner of every office did on one course, with no person or office named: for the authoring studio's
 * insights (an author's occasional page, never a learner's).
 *
 * Cost (docs/database.md, "What each read costs"): one scan of `enrolments` — FerretDB decodes every office's
 * enrolments, as no key lists a course's enrolments across offices — then `_id` look-ups only, 20 at a time: per
 * enrolment its progress; with graded attempts, its attempt keys and attempts (2 per attempt + 1); per finished lesson,
 * its first opening and its `completed` statement in the office's log. About E × (1 + 2a + 2L) look-ups: for 1,000
 * enrolments with 2 attempts and 5 lessons each, ~15,000 of ~3 ms, a few seconds on the embedded database.
 */
export async function learningOnCourse(courseId: string): Promise<CourseLearningRecord[]> {
  // Across offices on purpose: a course is one for every office, and its authors learn from all of its learners. Only
  // counts leave the studio, never a person.
  const enrolments = await Enrolment.find({ courseId }).setOptions({ acrossOrganisations: true }).lean<EnrolmentDoc[]>();
  return mapConcurrently(enrolments, async (enrolment) => {
    const progress = await progressOf(enrolment);
    const attempts = progress?.attempts ? (await keyedItems(enrolment, attemptKey, (id) => QuizAttempt.findById(id).lean<QuizAttemptDoc>())).items : [];
    const lessons: FinishedLessonOnRecord[] = [];
    // One after the other: the enrolments already run 20 at a time (src/db/lookups.ts).
    for (const lessonId of progress?.lessonsCompleted ?? []) {
      const finished = await finishedLesson(enrolment, lessonId);
      if (finished) lessons.push(finished);
    }
    return {
      courseVersion: enrolment.courseVersion,
      passed: Boolean(progress?.passedAt) || (progress?.statusRank ?? 0) >= statusRank('passed'),
      completed: progress?.status === 'completed',
      attempts: attempts
        .filter((attempt) => attempt.submittedAt && attempt.results)
        .map((attempt) => ({
          courseVersion: attempt.courseVersion,
          passed: attempt.passed === true,
          answers: (attempt.results ?? []).map((r) => ({ questionId: r.questionId, response: r.response ?? '', answered: r.answered, success: r.success })),
        })),
      lessons,
    };
  });
}

/** A finished lesson's time: its first opening and its `completed` statement, both by `_id`. */
async function finishedLesson(enrolment: EnrolmentDoc, lessonId: string): Promise<FinishedLessonOnRecord | undefined> {
  const opening = await LessonOpening.findById(lessonOpeningId(enrolment._id, lessonId)).lean<LessonOpeningDoc>();
  if (!opening || String(opening.organisationId) !== String(enrolment.organisationId)) return undefined;
  const organisationId = String(enrolment.organisationId);
  const record = await (await statementsOf(organisationId)).findById(statementKey(organisationId, lessonCompletedStatementId(enrolment._id, lessonId))).lean();
  if (!record || record.voided) return undefined;
  const statement = JSON.parse(record.json) as { timestamp?: string; context?: { revision?: string } };
  const finishedAt = new Date(statement.timestamp ?? record.stored);
  return {
    lessonId,
    minutes: Math.max(0, (finishedAt.getTime() - opening.openedAt.getTime()) / 60_000),
    ...(statement.context?.revision ? { courseVersion: statement.context.revision } : {}),
  };
}
