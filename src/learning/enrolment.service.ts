// Enrolments: enrolling a learner, opening a course for the first time, and the learner's own list.
import { mapConcurrently } from '../db/lookups.js';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import semver from 'semver';
import type { Course } from '../courses/course.types.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { ConflictError, ForbiddenError } from '../http/errors.js';
import { derivedStatementId, initialized, launched, registered } from '../xapi/learning-statements.js';
import { statementsOf } from '../xapi/statement.model.js';
import { VERBS } from '../xapi/xapi-vocabulary.js';
import { Enrolment, type EnrolmentDoc } from './enrolment.model.js';
import type { Learner, LearningDeps } from './learner.js';
import { LearningProgress, type LearningProgressDoc } from './learning-progress.model.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { EnrolmentKey } from './enrolment-key.model.js';
import { courseKey, insertKey, learnerKey, readKey, writeEnrolmentKeys, writeFollowingKeys } from './enrolment-keys.js';
import { UnfinishedEnrolment } from './unfinished-enrolment.model.js';

export interface EnrolLearnerParams {
  learner: Learner;
  course: Course;
  /** Set when HR assigns the course. */
  dueDate?: Date;
  assignedBy?: string;
}

/**
 * Enrols the learner in the course and records `registered`. Enrolling twice returns the existing
 * enrolment (created: false). The caller has checked that the course is open to the learner's office (the learner's
 * enrol route: courseOpenTo; HR's assignment: assignableCourse): that needs the office, which this does not read.
 *
 * The steps (keys, enrolment, `registered` statement, its progress document) cannot be one transaction on FerretDB, so
 * they roll forward instead of back: undoing the enrolment when the statement failed is a write against the same
 * database that just failed, and left enrolments without their statement (issue 10, finding 9). The statement's id
 * is derived from the enrolment, so finishing later — the learner's next click, their next visit, or the start-up
 * repair — never records it twice. Until then the enrolment has no `recordedAt`.
 *
 * The course key `course:<userId>:<courseId>` is inserted first, naming the enrolment to be (its `_id` and
 * registration): its unique `_id` decides between two clicks at once, and a process that dies after it leaves a key
 * that the next enrolment finishes with the same id and registration (enrolment-keys.ts).
 */
export async function enrolLearner(deps: LearningDeps, params: EnrolLearnerParams): Promise<{ enrolment: EnrolmentDoc; created: boolean }> {
  const { learner, course } = params;
  const existing = await findEnrolment(learner, course.id);
  if (existing) {
    await completeEnrolmentRecord(deps, { learner, course, enrolment: existing });
    return { enrolment: existing, created: false };
  }

  const organisationId = new mongoose.Types.ObjectId(learner.organisationId);
  const userId = new mongoose.Types.ObjectId(learner.id);
  const planned = { _id: new mongoose.Types.ObjectId(), registration: randomUUID() };
  const id = courseKey(userId, course.id);
  await insertKey({ _id: id, organisationId, enrolmentId: planned._id, userId, courseId: course.id, registration: planned.registration });
  // Ours, or the one a click at the same moment (or a process that died after its key) planned: finish that one.
  const key = await readKey(id, organisationId);
  // A key of another office (the person's account moved) reads as none: that enrolment stays where it was made.
  if (!key?.registration) throw new ConflictError('Ta osoba jest już zapisana na to szkolenie w innym urzędzie.');
  const fields = { _id: key.enrolmentId, organisationId, userId, courseId: course.id, registration: key.registration };
  await UnfinishedEnrolment.create({ _id: key.enrolmentId, organisationId }).catch(ignoreDuplicate);
  await writeFollowingKeys(fields, learner.learnerId);

  let created;
  try {
    created = await Enrolment.create({
      ...fields,
      courseVersion: course.version,
      enrolledAt: deps.clock.now(),
      dueDate: params.dueDate,
      dueSetAt: params.dueDate ? deps.clock.now() : undefined,
      assignedBy: params.assignedBy,
    });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // Two clicks at once: the other one created it; return it.
    const winner = await findEnrolment(learner, course.id);
    if (winner) {
      await completeEnrolmentRecord(deps, { learner, course, enrolment: winner });
      return { enrolment: winner, created: false };
    }
    // An enrolment from before the keys whose key the start-up backfill has not written yet: point the keys at it.
    const legacy = await adoptUnkeyedEnrolment(learner, course.id);
    if (!legacy) throw error;
    await completeEnrolmentRecord(deps, { learner, course, enrolment: legacy });
    return { enrolment: legacy, created: false };
  }
  const enrolment = created.toObject() as unknown as EnrolmentDoc;
  await completeEnrolmentRecord(deps, { learner, course, enrolment, fresh: true });
  return { enrolment, created: true };
}

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicateKeyError(error)) throw error;
}

/**
 * The learner's enrolment on the course found by its fields (a scan on FerretDB), with its keys repointed to it.
 * Only after an insert met the unique (userId, courseId) index without a course key naming it: an enrolment stored
 * before keys existed (the start-up backfill writes them) whose planned key was just written in its place.
 */
async function adoptUnkeyedEnrolment(learner: Learner, courseId: string): Promise<EnrolmentDoc | null> {
  const legacy = await Enrolment.findOne({ organisationId: learner.organisationId, userId: learner.id, courseId }).lean<EnrolmentDoc>();
  if (!legacy) return null;
  const { organisationId, userId, registration } = legacy;
  await EnrolmentKey.replaceOne({ _id: courseKey(userId, courseId) }, { organisationId, enrolmentId: legacy._id, userId, courseId, registration });
  await UnfinishedEnrolment.deleteOne({ _id: legacy._id }).setOptions({ acrossOrganisations: true });
  await writeFollowingKeys(legacy, learner.learnerId);
  return legacy;
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
  // Its keys first: the projector finds the enrolment by its registration key (an enrolment from before keys has none).
  if (!params.fresh) await writeEnrolmentKeys(enrolment, learner.learnerId);
  if (params.fresh || !(await progressOf(enrolment))) {
    const id = registeredStatementId(enrolment._id);
    const earlier = params.fresh ? [] : await earlierRegisteredIds(organisationId, enrolment.registration, id);
    if (earlier.length) await deps.recorder.reproject(organisationId, earlier);
    else await deps.recorder.recordOnce(scope, (ctx) => [registered(ctx, { id, at: enrolment.enrolledAt })]);
    // A projector that failed is logged by the store, not thrown: without progress the enrolment stays unfinished.
    if (!(await progressOf(enrolment))) return false;
  }
  // By `_id` alone (with the organisation it would be a scan on FerretDB); the enrolment is the caller's own.
  await Enrolment.updateOne({ _id: enrolment._id }, { $set: { recordedAt: new Date() } });
  await UnfinishedEnrolment.deleteOne({ _id: enrolment._id });
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
  const changed = { organisationId: enrolment.organisationId.toHexString(), enrolmentId: enrolment._id.toHexString(), userId: params.learner.id, courseId: params.course.id };
  if (created) {
    await deps.events.emit('enrolment.changed', changed);
    return enrolment;
  }
  const updated = await Enrolment.findOneAndUpdate(
    { _id: enrolment._id },
    params.dueDate
      ? { $set: { dueDate: params.dueDate, dueSetAt: deps.clock.now(), assignedBy: params.assignedBy } }
      : { $set: { assignedBy: params.assignedBy }, $unset: { dueDate: 1, dueSetAt: 1 } },
    { new: true },
  ).lean<EnrolmentDoc>();
  await deps.events.emit('enrolment.changed', changed);
  return updated ?? enrolment;
}

/**
 * Moves the learner's enrolment onto the newest version of its course (a re-take after the law changed, or a newer
 * edition the learner chose): from then on its lessons and test are that version's, and a pass on an older version
 * no longer counts as the current one (quiz.service.ts), so the test opens again and a new pass certifies the new
 * version. Lessons finished before keep counting where the new version has a lesson of the same id. Returns
 * whether it moved (false when it was on the newest already).
 */
export async function moveEnrolmentToVersion(deps: LearningDeps, params: { learner: Learner; course: Course }): Promise<boolean> {
  // The caller checks that the newest version is open to the learner (courseOpenTo), as for an enrolment.
  const { learner, course } = params;
  const enrolment = await findEnrolment(learner, course.id);
  if (!enrolment) throw new ForbiddenError('Najpierw zapisz się na to szkolenie.');
  if (enrolment.courseVersion === course.version || !semver.gt(course.version, enrolment.courseVersion)) return false;
  await Enrolment.updateOne({ _id: enrolment._id, organisationId: enrolment.organisationId }, { $set: { courseVersion: course.version } });
  await deps.events.emit('enrolment.changed', {
    organisationId: enrolment.organisationId.toHexString(),
    enrolmentId: enrolment._id.toHexString(),
    userId: learner.id,
    courseId: course.id,
  });
  return true;
}

/**
 * The learner's enrolment in a course, or null: two `_id` look-ups (the course key, then the enrolment), each checked
 * against the learner's organisation in code. A key whose enrolment is missing (a process died between them) reads
 * as no enrolment; enrolling finishes it.
 */
export async function findEnrolment(learner: Pick<Learner, 'id' | 'organisationId'>, courseId: string): Promise<EnrolmentDoc | null> {
  const key = await readKey(courseKey(learner.id, courseId), learner.organisationId);
  if (!key) return null;
  const enrolment = await Enrolment.findById(key.enrolmentId).lean<EnrolmentDoc>();
  return enrolment && String(enrolment.organisationId) === String(learner.organisationId) && String(enrolment.userId) === String(learner.id) ? enrolment : null;
}

/**
 * The learner's enrolment in a course; ForbiddenError with a hint when there is none. No sharing check: an
 * enrolment keeps its course open to the learner even after it was closed to their office (learning.policy.ts).
 */
export async function requireEnrolment(learner: Learner, course: Course): Promise<EnrolmentDoc> {
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
  // By `_id` alone (a scan on FerretDB with the organisation); the enrolment was found for this learner.
  const scope = { _id: enrolment._id };
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

/** The progress document of an enrolment (read by _id), or null before any statement was projected. */
export async function progressOf(enrolment: { _id: mongoose.Types.ObjectId }): Promise<LearningProgressDoc | null> {
  return LearningProgress.findById(enrolment._id).lean<LearningProgressDoc>();
}

/**
 * The learner's enrolments, newest first, each with its progress document: for each of the given course ids (the
 * catalogue's) and each course on the learner's own list (one key: courses since withdrawn), the course key, the
 * enrolment and its progress by `_id` — never a scan, never the statement log.
 */
export async function learnerEnrolments(learner: Learner, courseIds: readonly string[]): Promise<{ enrolment: EnrolmentDoc; progress: LearningProgressDoc | null }[]> {
  const listed = await readKey(learnerKey(learner.id), learner.organisationId);
  const all = [...new Set([...courseIds, ...(listed?.courseIds ?? [])])];
  const rows = await mapConcurrently(all, async (courseId) => {
    const enrolment = await findEnrolment(learner, courseId);
    return enrolment ? { enrolment, progress: await progressOf(enrolment) } : undefined;
  });
  return rows.filter((row) => row !== undefined).sort((a, b) => b.enrolment.enrolledAt.getTime() - a.enrolment.enrolledAt.getTime());
}

/**
 * Sets (or, with undefined, removes) the due date of an enrolment and when it was set (`now`), by `_id` (the caller, the assignments feature,
 * found it for this organisation): an assignment reopened for a new cycle, or withdrawn. Returns the enrolment after.
 */
export async function changeDueDate(enrolment: Pick<EnrolmentDoc, '_id'>, dueDate: Date | undefined, now: Date): Promise<EnrolmentDoc | null> {
  const update = dueDate ? { $set: { dueDate, dueSetAt: now } } : { $unset: { dueDate: 1, dueSetAt: 1 } };
  return Enrolment.findOneAndUpdate({ _id: enrolment._id }, update, { new: true }).lean<EnrolmentDoc>();
}
