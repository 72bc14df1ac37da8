// Learning's read API for other features (reports): enrolments, progress, quiz attempts and grants, without their collections.
import type { Types } from 'mongoose';
import { Enrolment, type EnrolmentDoc } from './enrolment.model.js';
import { LearningProgress, type LearningProgressDoc } from './learning-progress.model.js';
import { QuizAttempt } from './quiz-attempt.model.js';
import { QuizAttemptGrant } from './quiz-attempt-grant.model.js';
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
}

/** The organisation's enrolments matching the query, each with its progress (read by _id, never from the log). */
export async function enrolmentsOfOrganisation(organisationId: Types.ObjectId, query: EnrolmentQuery = {}): Promise<EnrolmentWithProgress[]> {
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

/** Every quiz attempt of one person in the organisation, by course and number. */
export async function quizAttemptsOfPerson(organisationId: Types.ObjectId, userId: Types.ObjectId): Promise<QuizAttemptSummary[]> {
  const attempts = await QuizAttempt.find({ organisationId, userId })
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

/** Every quiz grant of one person in the organisation, newest first. */
export async function quizGrantsOfPerson(organisationId: Types.ObjectId, userId: Types.ObjectId): Promise<QuizGrantSummary[]> {
  const grants = await QuizAttemptGrant.find({ organisationId, userId }).sort({ grantedAt: -1, _id: -1 }).lean();
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
