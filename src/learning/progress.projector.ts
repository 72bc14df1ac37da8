// Projects the statement log onto LearningProgress (one document per enrolment); rebuildable from scratch.
import { User } from '../auth/user.model.js';
import { trustedCourseIdsOf } from '../xapi/lrs-client.service.js';
import type { Projector, StoredStatement } from '../xapi/projectors.js';
import { agentKey } from '../xapi/statement-keys.js';
import { statementKey, statementsOf } from '../xapi/statement.model.js';
import { VERBS, type XapiVocabulary } from '../xapi/xapi-vocabulary.js';
import { Enrolment, type EnrolmentDoc } from './enrolment.model.js';
import { LearningProgress, statusRank, type ProgressStatus } from './learning-progress.model.js';

const VOIDED = VERBS.voided;

/** The status a verb moves an enrolment to (statuses only move forward). */
const STATUS_OF_VERB: Record<string, ProgressStatus> = {
  [VERBS.registered]: 'enrolled',
  [VERBS.launched]: 'in_progress',
  [VERBS.initialized]: 'in_progress',
  [VERBS.experienced]: 'in_progress',
  [VERBS.answered]: 'in_progress',
  [VERBS.failed]: 'failed',
  [VERBS.passed]: 'passed',
  [VERBS.completed]: 'completed',
};

type EnrolmentKey = Pick<EnrolmentDoc, '_id' | 'organisationId' | 'userId' | 'courseId' | 'registration'> & {
  /** The learner's xAPI account name (User.learnerId): the only actor whose statements move this enrolment. */
  learnerId?: string;
};

/** A registration as seen from one organisation: statements only ever move their own organisation's enrolments. */
function scopedKey(organisationId: string, registration: string): string {
  return `${organisationId}:${registration}`;
}

// Registrations never change owner, so the lookup is cached for the life of the process (a cache, not a setting).
const enrolmentByRegistration = new Map<string, EnrolmentKey>();

/**
 * The enrolments behind `(organisation, registration)` pairs. Scoped to each statement's organisation: an LRS
 * client of one office that sends (or voids) statements carrying another office's registration must not move
 * that office's progress.
 */
async function enrolmentsFor(pairs: Array<{ organisationId: string; registration: string }>): Promise<Map<string, EnrolmentKey>> {
  const missing = pairs.filter((p) => !enrolmentByRegistration.has(scopedKey(p.organisationId, p.registration)));
  if (missing.length) {
    const found = await Enrolment.find({
      organisationId: { $in: [...new Set(missing.map((p) => p.organisationId))] },
      registration: { $in: [...new Set(missing.map((p) => p.registration))] },
    })
      .select({ _id: 1, organisationId: 1, userId: 1, courseId: 1, registration: 1 })
      .lean<EnrolmentKey[]>();
    const learners = found.length
      ? await User.find({ _id: { $in: [...new Set(found.map((enrolment) => String(enrolment.userId)))] } })
          .select({ learnerId: 1 })
          .lean<Array<{ _id: unknown; learnerId: string }>>()
      : [];
    const learnerIdOf = new Map(learners.map((user) => [String(user._id), user.learnerId]));
    for (const enrolment of found) {
      enrolmentByRegistration.set(scopedKey(String(enrolment.organisationId), enrolment.registration), { ...enrolment, learnerId: learnerIdOf.get(String(enrolment.userId)) });
    }
  }
  const result = new Map<string, EnrolmentKey>();
  for (const p of pairs) {
    const key = scopedKey(p.organisationId, p.registration);
    const enrolment = enrolmentByRegistration.get(key);
    if (enrolment) result.set(key, enrolment);
  }
  return result;
}

/** The lesson id of a lesson activity IRI (…/courses/<course>/lessons/<lesson>), or undefined. */
export function lessonIdOf(activityId: string): string | undefined {
  const match = /\/lessons?\/([^/?#]+)\/?$/.exec(activityId);
  return match ? decodeURIComponent(match[1]) : undefined;
}

function registrationOf(statement: StoredStatement): string | undefined {
  return statement.context?.registration?.toLowerCase();
}

/** Applies one statement to its enrolment's progress with atomic updates (safe under concurrent requests). */
async function applyStatement(statement: StoredStatement, enrolment: EnrolmentKey): Promise<void> {
  const status = STATUS_OF_VERB[statement.verb.id];
  if (!status) return;
  const at = new Date(statement.timestamp);
  const _id = enrolment._id;
  const object = statement.object as { objectType?: string; id?: string };
  const lessonId = statement.verb.id === VERBS.experienced && object.id ? lessonIdOf(object.id) : undefined;

  const set: Record<string, unknown> = {};
  const addToSet: Record<string, unknown> = {};
  if (lessonId) {
    addToSet.lessonsViewed = lessonId;
    set.lastLessonId = lessonId;
  }
  const insertOnly: Record<string, unknown> = {
    organisationId: enrolment.organisationId,
    userId: enrolment.userId,
    courseId: enrolment.courseId,
    registration: enrolment.registration,
    status: 'enrolled',
    statusRank: 0,
    attempts: 0,
    countedStatementIds: [],
    ...(lessonId ? {} : { lessonsViewed: [] }),
  };
  await LearningProgress.updateOne(
    { _id },
    { $setOnInsert: insertOnly, $max: { lastActivityAt: at }, ...(Object.keys(set).length ? { $set: set } : {}), ...(lessonId ? { $addToSet: addToSet } : {}) },
    { upsert: true, setDefaultsOnInsert: false },
  );

  if (status === 'passed' || status === 'failed') {
    const scaled = statement.result?.score?.scaled;
    // Counted once per statement id, so replaying a batch does not count an attempt twice.
    await LearningProgress.updateOne(
      { _id, countedStatementIds: { $ne: statement.id } },
      { $inc: { attempts: 1 }, $push: { countedStatementIds: statement.id }, ...(typeof scaled === 'number' ? { $max: { bestScore: scaled } } : {}) },
    );
  }
  // The latest pass and completion: a renewed course (validityMonths) counts from its renewal.
  if (status === 'passed') await LearningProgress.updateOne({ _id }, { $max: { passedAt: at } });
  if (status === 'completed') await LearningProgress.updateOne({ _id }, { $max: { completedAt: at } });
  const rank = statusRank(status);
  await LearningProgress.updateOne({ _id, statusRank: { $lt: rank } }, { $set: { status, statusRank: rank } });
}

/**
 * A voided statement can take back a pass or a lesson view, which forward-only updates cannot undo:
 * the enrolment's progress is rebuilt from its remaining statements (rare: an administrator's correction).
 */
async function rebuildRegistration(counts: Counting, enrolment: EnrolmentKey, exceptIds: string[]): Promise<void> {
  await LearningProgress.deleteOne({ _id: enrolment._id });
  const records = await (
    await statementsOf(enrolment.organisationId)
  )
    .find({ organisationId: enrolment.organisationId, registration: enrolment.registration, voided: { $ne: true } })
    .sort({ stored: 1 })
    .lean();
  for (const record of records) {
    if (exceptIds.includes(record.statementId)) continue;
    const statement = { ...(JSON.parse(record.json) as StoredStatement), organisationId: String(enrolment.organisationId) };
    if (statement.verb.id !== VOIDED && (await counts(statement, enrolment))) await applyStatement(statement, enrolment);
  }
}

/** Statements of the voiding statements' own organisation that they target, with their registrations. */
async function voidedTargets(statements: StoredStatement[]): Promise<{ organisationId: string; registration: string; targetId: string }[]> {
  const voiding = statements.filter((s) => s.verb.id === VOIDED && (s.object as { objectType?: string }).objectType === 'StatementRef');
  const found: { organisationId: string; registration: string; targetId: string }[] = [];
  for (const organisationId of new Set(voiding.map((s) => s.organisationId))) {
    const targets = voiding.filter((s) => s.organisationId === organisationId).map((s) => String((s.object as { id: string }).id).toLowerCase());
    const records = await (
      await statementsOf(organisationId)
    )
      .find({ organisationId, _id: { $in: targets.map((target) => statementKey(organisationId, target)) } })
      .select({ statementId: 1, registration: 1 })
      .lean();
    for (const record of records) if (record.registration) found.push({ organisationId, registration: record.registration, targetId: record.statementId });
  }
  return found;
}

/** Whether a statement may move this enrolment's progress (see statementCounts). */
type Counting = (statement: StoredStatement, enrolment: EnrolmentKey) => Promise<boolean>;

/**
 * Progress counts only what the platform recorded, or what an LRS client trusted for the enrolment's course
 * sent, and only about the enrolment's own learner (issue 10, finding 6): any write client of an office
 * could otherwise post `passed` with a learner's registration and HR's export would say "ukończono".
 * The recorder is read from the authority, which the LRS sets and no client can choose. A client's trust
 * is read when the statement is projected (a rebuild applies the trust lists of that moment); one look-up
 * per client and batch.
 */
function statementCounting(vocabulary: XapiVocabulary): Counting {
  const trusted = new Map<string, Promise<string[]>>();
  return async (statement, enrolment) => {
    if (!enrolment.learnerId || agentKey(statement.actor) !== agentKey(vocabulary.learnerActor(enrolment.learnerId))) return false;
    const recorder = vocabulary.recorderOf(statement.authority);
    if (recorder?.kind === 'platform') return true;
    if (recorder?.kind !== 'client') return false;
    const key = `${statement.organisationId}|${recorder.clientKey}`;
    if (!trusted.has(key)) trusted.set(key, trustedCourseIdsOf(statement.organisationId, recorder.clientKey));
    return (await trusted.get(key)!).includes(enrolment.courseId);
  };
}

/** Applies stored statements (in stored order) to the progress of the enrolments they belong to. */
async function projectLearningProgress(vocabulary: XapiVocabulary, statements: StoredStatement[]): Promise<void> {
  const counts = statementCounting(vocabulary);
  const voids = await voidedTargets(statements);
  const pairs = [
    ...statements.flatMap((s) => {
      const registration = registrationOf(s);
      return registration ? [{ organisationId: s.organisationId, registration }] : [];
    }),
    ...voids,
  ];
  if (!pairs.length) return;
  const enrolments = await enrolmentsFor(pairs);
  for (const statement of statements) {
    const registration = registrationOf(statement);
    const enrolment = registration ? enrolments.get(scopedKey(statement.organisationId, registration)) : undefined;
    if (enrolment && statement.verb.id !== VOIDED && (await counts(statement, enrolment))) await applyStatement(statement, enrolment);
  }
  for (const key of new Set(voids.map((v) => scopedKey(v.organisationId, v.registration)))) {
    const enrolment = enrolments.get(key);
    if (enrolment) {
      const targetIds = voids.filter((v) => scopedKey(v.organisationId, v.registration) === key).map((v) => v.targetId);
      await rebuildRegistration(counts, enrolment, targetIds);
    }
  }
}

/** Empties the projection before a full replay (npm run xapi:rebuild). */
async function resetLearningProgress(): Promise<void> {
  enrolmentByRegistration.clear();
  // Every organisation's: the rebuild that follows replays every organisation's statements (a CLI, never a request).
  await LearningProgress.deleteMany({}).setOptions({ acrossOrganisations: true });
}

/** The LearningProgress projector of a platform (its vocabulary tells the platform's statements and learners apart), listed by createPlatform. */
export function learningProgressProjector(vocabulary: XapiVocabulary): Projector {
  return { name: 'learning-progress', reset: resetLearningProgress, apply: (statements) => projectLearningProgress(vocabulary, statements) };
}
