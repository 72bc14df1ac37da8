// Enrolments: enrolling a learner, opening a course for the first time, and the learner's own list.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { Course } from '../courses/course.types.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { ForbiddenError } from '../http/errors.js';
import { derivedStatementId, initialized, launched, registered } from '../xapi/learning-statements.js';
import { statementsOf } from '../xapi/statement.model.js';
import { VERBS } from '../xapi/xapi-vocabulary.js';
import { Enrolment, type EnrolmentDoc } from './enrolment.model.js';
import type { Learner, LearningDeps } from './learner.js';
import { assertCanSeeCourse } from './learning.policy.js';
import { LearningProgress, type LearningProgressDoc } from './learning-progress.model.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

export interface EnrolLearnerParams {
  learner: Learner;
  course: Course;
  /** Set when HR assigns the course. */
  dueDate?: Date;
  assignedBy?: string;
}

/**
 * Enrols the learner in the course and records `registered`. Enrolling twice returns the existing
 * enrolment (created: false).
 *
 * The steps (enrolment, `registered` statement, its progress document) cannot be one transaction on FerretDB, so
 * they roll forward instead of back: undoing the enrolment when the statement failed is a write against the same
 * database that just failed, and left enrolments without their statement (issue 10, finding 9). The statement's id
 * is derived from the enrolment, so finishing later — the learner's next click, their next visit, or the start-up
 * repair — never records it twice. Until then the enrolment has no `recordedAt`.
 */
export async function enrolLearner(deps: LearningDeps, params: EnrolLearnerParams): Promise<{ enrolment: EnrolmentDoc; created: boolean }> {
  const { learner, course } = params;
  assertCanSeeCourse(learner, course);
  const existing = await findEnrolment(learner, course.id);
  if (existing) {
    await completeEnrolmentRecord(deps, { learner, course, enrolment: existing });
    return { enrolment: existing, created: false };
  }

  let created;
  try {
    created = await Enrolment.create({
      organisationId: learner.organisationId,
      userId: learner.id,
      courseId: course.id,
      courseVersion: course.version,
      registration: randomUUID(),
      enrolledAt: new Date(),
      dueDate: params.dueDate,
      assignedBy: params.assignedBy,
    });
  } catch (error) {
    // Two clicks at once: the unique index lets one through, the other returns it.
    if (isDuplicateKeyError(error)) {
      const winner = await findEnrolment(learner, course.id);
      if (winner) return { enrolment: winner, created: false };
    }
    throw error;
  }
  const enrolment = created.toObject() as unknown as EnrolmentDoc;
  await completeEnrolmentRecord(deps, { learner, course, enrolment, fresh: true });
  return { enrolment, created: true };
}

/** The id of an enrolment's `registered` statement: derived from the enrolment, so it is recorded at most once. */
export function registeredStatementId(enrolmentId: mongoose.Types.ObjectId): string {
  return derivedStatementId(`registered:${enrolmentId.toHexString()}`);
}

/**
 * Finishes an enrolment whose record is incomplete: stores its `registered` statement unless stored, projects it
 * unless projected, then sets `recordedAt`. Nothing to do (no query) once `recordedAt` is set. `fresh` is for an
 * enrolment created this instant (nothing of it can be stored yet). Resolves true once the record is complete.
 *
 * An enrolment without `recordedAt` but with its progress document was projected, so its statement is stored (all
 * enrolments made before the field existed): it is only marked. Without progress, a `registered` statement stored
 * under another id (before ids were derived) is looked for by registration — on FerretDB that decodes the whole
 * statement collection, so only for these rare cut-short enrolments — and projected instead of recorded again.
 */
export async function completeEnrolmentRecord(
  deps: LearningDeps,
  params: { learner: Pick<Learner, 'learnerId' | 'fullName'>; course: Course; enrolment: EnrolmentDoc; fresh?: boolean },
): Promise<boolean> {
  const { learner, course, enrolment } = params;
  if (enrolment.recordedAt) return true;
  const organisationId = enrolment.organisationId.toHexString();
  const scope = { learner: { organisationId, learnerId: learner.learnerId, fullName: learner.fullName }, course, registration: enrolment.registration };
  if (params.fresh || !(await progressOf(enrolment))) {
    const id = registeredStatementId(enrolment._id);
    const earlier = params.fresh ? [] : await earlierRegisteredIds(organisationId, enrolment.registration, id);
    if (earlier.length) await deps.recorder.reproject(organisationId, earlier);
    else await deps.recorder.recordOnce(scope, (ctx) => [registered(ctx, { id, at: enrolment.enrolledAt })]);
    // A projector that failed is logged by the store, not thrown: without progress the enrolment stays unfinished.
    if (!(await progressOf(enrolment))) return false;
  }
  await Enrolment.updateOne({ _id: enrolment._id, organisationId: enrolment.organisationId }, { $set: { recordedAt: new Date() } });
  return true;
}

/** Ids of `registered` statements of the registration stored under another id than the derived one (a scan, see above). */
async function earlierRegisteredIds(organisationId: string, registration: string, derivedId: string): Promise<string[]> {
  const docs = await (await statementsOf(organisationId)).find({ organisationId, registration, verbId: VERBS.registered }).select({ statementId: 1 }).lean();
  return docs.map((doc) => doc.statementId).filter((id) => id !== derivedId);
}

/**
 * HR assigns a course to a person (with a due date): enrols them if they are not enrolled yet,
 * otherwise records the assignment on the existing enrolment. The caller checks that HR may assign.
 */
export async function assignCourse(deps: LearningDeps, params: { learner: Learner; course: Course; dueDate?: Date; assignedBy: string }): Promise<EnrolmentDoc> {
  const { enrolment, created } = await enrolLearner(deps, params);
  if (created) return enrolment;
  const updated = await Enrolment.findOneAndUpdate(
    { _id: enrolment._id, organisationId: enrolment.organisationId },
    params.dueDate ? { $set: { dueDate: params.dueDate, assignedBy: params.assignedBy } } : { $set: { assignedBy: params.assignedBy }, $unset: { dueDate: 1 } },
    { new: true },
  ).lean<EnrolmentDoc>();
  return updated ?? enrolment;
}

/** The learner's enrolment in a course, or null. */
export async function findEnrolment(learner: Learner, courseId: string): Promise<EnrolmentDoc | null> {
  return Enrolment.findOne({ organisationId: learner.organisationId, userId: learner.id, courseId }).lean<EnrolmentDoc>();
}

/** The learner's enrolment in a course; ForbiddenError with a hint when there is none. */
export async function requireEnrolment(learner: Learner, course: Course): Promise<EnrolmentDoc> {
  assertCanSeeCourse(learner, course);
  const enrolment = await findEnrolment(learner, course.id);
  if (!enrolment) throw new ForbiddenError('Najpierw zapisz się na to szkolenie.');
  return enrolment;
}

/**
 * Records `launched` and `initialized` the first time the learner opens the course. The first opening is
 * claimed with a unique key (`launch:<enrolmentId>`), so ten tabs opening at once record the pair once.
 */
export async function recordFirstOpening(deps: LearningDeps, learner: Learner, course: Course, enrolment: EnrolmentDoc): Promise<void> {
  // An enrolment cut short by an outage is finished on the learner's next visit (no query once it is finished).
  await completeEnrolmentRecord(deps, { learner, course, enrolment });
  if (enrolment.launchedAt) return;
  const scope = { _id: enrolment._id, organisationId: enrolment.organisationId };
  const claimKey = `launch:${enrolment._id.toHexString()}`;
  if (!(await claimOnce(claimKey, enrolment.organisationId))) return;
  try {
    await Enrolment.updateOne(scope, { $set: { launchedAt: new Date() } });
    await deps.recorder.record({ learner, course, registration: enrolment.registration }, (ctx) => [launched(ctx), initialized(ctx)]);
  } catch (error) {
    // Release the claim so that the next opening records the pair.
    await Enrolment.updateOne(scope, { $unset: { launchedAt: 1 } });
    await releaseClaim(claimKey, enrolment.organisationId);
    throw error;
  }
}

/** Ids of the courses the learner is enrolled on. */
export async function enrolledCourseIds(learner: Learner): Promise<Set<string>> {
  const enrolments = await Enrolment.find({ organisationId: learner.organisationId, userId: learner.id }).select({ courseId: 1 }).lean<{ courseId: string }[]>();
  return new Set(enrolments.map((e) => e.courseId));
}

/** The progress document of an enrolment (read by _id), or null before any statement was projected. */
export async function progressOf(enrolment: { _id: mongoose.Types.ObjectId }): Promise<LearningProgressDoc | null> {
  return LearningProgress.findById(enrolment._id).lean<LearningProgressDoc>();
}

/** The learner's enrolments, newest first, each with its progress document (read by _id, never from statements). */
export async function learnerEnrolments(learner: Learner): Promise<{ enrolment: EnrolmentDoc; progress: LearningProgressDoc | null }[]> {
  const enrolments = await Enrolment.find({ organisationId: learner.organisationId, userId: learner.id }).sort({ enrolledAt: -1 }).lean<EnrolmentDoc[]>();
  if (!enrolments.length) return [];
  const progress = await LearningProgress.find({ _id: { $in: enrolments.map((e) => e._id) } }).lean<LearningProgressDoc[]>();
  const byId = new Map(progress.map((p) => [String(p._id), p]));
  return enrolments.map((enrolment) => ({ enrolment, progress: byId.get(String(enrolment._id)) ?? null }));
}
