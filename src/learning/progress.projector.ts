// Projects the statement log onto LearningProgress (one document per enrolment); rebuildable from scratch.
import { mapConcurrently } from '../db/lookups.js';
import type { PlatformEvents } from '../events/platform-events.js';
import { trustedCourseIdsOf } from '../xapi/lrs-client.service.js';
import type { Projector, StoredStatement } from '../xapi/projectors.js';
import { agentKey } from '../xapi/statement-keys.js';
import { statementKey, statementsOf } from '../xapi/statement.model.js';
import { VERBS, type XapiVocabulary } from '../xapi/xapi-vocabulary.js';
import type { EnrolmentDoc } from './enrolment.model.js';
import { readKey, registrationKey } from './enrolment-keys.js';
import { LearningProgress, statusRank, type LearningProgressDoc, type ProgressStatus } from './learning-progress.model.js';

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

type ProjectedEnrolment = Pick<EnrolmentDoc, '_id' | 'organisationId' | 'userId' | 'courseId' | 'registration'> & {
  /** The learner's xAPI account name (User.learnerId): the only actor whose statements move this enrolment. */
  learnerId?: string;
};

/** A registration as seen from one organisation: statements only ever move their own organisation's enrolments. */
function scopedKey(organisationId: string, registration: string): string {
  return `${organisationId}:${registration}`;
}

/** Registrations never change owner, so found ones are kept for the life of the projector (a cache, not a setting). */
type EnrolmentCache = Map<string, ProjectedEnrolment>;

/** Past this many cached registrations the cache starts again (24,000 enrolments fit; years of them need not). */
const CACHE_LIMIT = 100_000;

/**
 * The enrolments behind `(organisation, registration)` pairs, each read by its key
 * `registration:<organisationId>:<registration>` (one `_id` look-up; a registration of another office is another key,
 * so an LRS client of one office that sends or voids statements carrying another office's registration never moves
 * that office's progress). Unknown registrations are not cached: asking again is the same one look-up.
 */
async function enrolmentsFor(cache: EnrolmentCache, pairs: Array<{ organisationId: string; registration: string }>): Promise<Map<string, ProjectedEnrolment>> {
  const missing = new Map<string, { organisationId: string; registration: string }>();
  for (const p of pairs) {
    const key = scopedKey(p.organisationId, p.registration);
    if (!cache.has(key)) missing.set(key, p);
  }
  if (cache.size + missing.size > CACHE_LIMIT) cache.clear();
  await mapConcurrently([...missing.values()], async ({ organisationId, registration }) => {
    const key = await readKey(registrationKey(organisationId, registration), organisationId);
    if (!key?.userId || !key.courseId || !key.registration) return;
    cache.set(scopedKey(organisationId, registration), {
      _id: key.enrolmentId,
      organisationId: key.organisationId,
      userId: key.userId,
      courseId: key.courseId,
      registration: key.registration,
      learnerId: key.learnerId ?? undefined,
    });
  });
  const result = new Map<string, ProjectedEnrolment>();
  for (const p of pairs) {
    const key = scopedKey(p.organisationId, p.registration);
    const enrolment = cache.get(key);
    if (enrolment) result.set(key, enrolment);
  }
  return result;
}

/** The lesson id of a lesson activity IRI (…/courses/<course>/lessons/<lesson>), or undefined. */
export function lessonIdOf(activityId: string): string | undefined {
  const match = /\/lessons?\/([^/?#]+)\/?$/.exec(activityId);
  return match ? decodeURIComponent(match[1]) : undefined;
}

/** The check id of an in-lesson knowledge check IRI (…/lessons/<lesson>/checks/<check>), or undefined. */
export function checkIdOf(activityId: string): string | undefined {
  const match = /\/lessons?\/[^/?#]+\/checks\/([^/?#]+)\/?$/.exec(activityId);
  return match ? decodeURIComponent(match[1]) : undefined;
}

function registrationOf(statement: StoredStatement): string | undefined {
  return statement.context?.registration?.toLowerCase();
}

/**
 * Applies one statement to its enrolment's progress. Every write names the document by `_id` alone (any other filter
 * is a scan of the whole collection on FerretDB's SQLite backend). What commutes is one upsert of operators
 * ($max, $addToSet, $setOnInsert), which returns the document; what must not go backwards or count twice — the
 * forward-only status and the graded attempts counted once per statement id — is decided from that document and
 * written with a second update (read, then write).
 *
 * Safe enough without a condition in the filter: an enrolment is one learner, whose statements come from their own
 * requests, one batch at a time in stored order; two batches of the same enrolment projected at the same instant
 * could let a lower status land last, or count one attempt twice. FerretDB loses one of two simultaneous updates of a
 * document anyway (it reads, modifies and writes back), so a condition would not make it exact there either.
 * `npm run xapi:rebuild` recomputes every progress document from the log.
 */
async function applyStatement(statement: StoredStatement, enrolment: ProjectedEnrolment): Promise<void> {
  const object = statement.object as { objectType?: string; id?: string };
  // A lesson completed is a step of the course, not the course: it moves the status to "in progress" only.
  const completedLessonId = statement.verb.id === VERBS.completed && object.id ? lessonIdOf(object.id) : undefined;
  const status = completedLessonId ? 'in_progress' : STATUS_OF_VERB[statement.verb.id];
  if (!status) return;
  const at = new Date(statement.timestamp);
  const _id = enrolment._id;
  const lessonId = statement.verb.id === VERBS.experienced && object.id ? lessonIdOf(object.id) : undefined;
  const checkId = statement.verb.id === VERBS.answered && object.id ? checkIdOf(object.id) : undefined;
  const addToSet: Record<string, string> = {
    ...(lessonId ? { lessonsViewed: lessonId } : {}),
    ...(completedLessonId ? { lessonsCompleted: completedLessonId } : {}),
    ...(checkId ? { checksAnswered: checkId } : {}),
  };
  const graded = status === 'passed' || status === 'failed';
  const scaled = statement.result?.score?.scaled;

  const insertOnly: Record<string, unknown> = {
    organisationId: enrolment.organisationId,
    userId: enrolment.userId,
    courseId: enrolment.courseId,
    registration: enrolment.registration,
    status: 'enrolled',
    statusRank: 0,
    attempts: 0,
    countedStatementIds: [],
    // A field $addToSet fills must not also be set on insert (a conflict); the others start empty.
    ...Object.fromEntries(['lessonsViewed', 'lessonsCompleted', 'checksAnswered'].filter((field) => !(field in addToSet)).map((field) => [field, []])),
  };
  const max: Record<string, unknown> = { lastActivityAt: at };
  // The latest pass and completion: a renewed course (validityMonths) counts from its renewal.
  if (status === 'passed') max.passedAt = at;
  if (status === 'completed') max.completedAt = at;
  if (graded && typeof scaled === 'number') max.bestScore = scaled;
  const progress = await LearningProgress.findOneAndUpdate(
    { _id },
    {
      $setOnInsert: insertOnly,
      $max: max,
      ...(lessonId ? { $set: { lastLessonId: lessonId } } : {}),
      ...(Object.keys(addToSet).length ? { $addToSet: addToSet } : {}),
    },
    { upsert: true, new: true, setDefaultsOnInsert: false },
  ).lean<LearningProgressDoc>();

  const rank = statusRank(status);
  const set: Record<string, unknown> = {};
  if (!progress || progress.statusRank < rank) Object.assign(set, { status, statusRank: rank });
  // Counted once per statement id, so replaying a batch does not count an attempt twice.
  const count = graded && !(progress?.countedStatementIds ?? []).includes(statement.id);
  if (!Object.keys(set).length && !count) return;
  await LearningProgress.updateOne(
    { _id },
    { ...(Object.keys(set).length ? { $set: set } : {}), ...(count ? { $inc: { attempts: 1 }, $push: { countedStatementIds: statement.id } } : {}) },
  );
}

/**
 * A voided statement can take back a pass or a lesson view, which forward-only updates cannot undo:
 * the enrolment's progress is rebuilt from its remaining statements (rare: an administrator's correction).
 */
async function rebuildRegistration(counts: Counting, enrolment: ProjectedEnrolment, exceptIds: string[]): Promise<void> {
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
type Counting = (statement: StoredStatement, enrolment: ProjectedEnrolment) => Promise<boolean>;

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
async function projectLearningProgress(vocabulary: XapiVocabulary, cache: EnrolmentCache, statements: StoredStatement[], events: Pick<PlatformEvents, 'emit'>): Promise<void> {
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
  const enrolments = await enrolmentsFor(cache, pairs);
  const moved = new Map<string, ProjectedEnrolment>();
  for (const statement of statements) {
    const registration = registrationOf(statement);
    const enrolment = registration ? enrolments.get(scopedKey(statement.organisationId, registration)) : undefined;
    if (enrolment && statement.verb.id !== VOIDED && (await counts(statement, enrolment))) {
      await applyStatement(statement, enrolment);
      moved.set(String(enrolment._id), enrolment);
    }
  }
  for (const key of new Set(voids.map((v) => scopedKey(v.organisationId, v.registration)))) {
    const enrolment = enrolments.get(key);
    if (enrolment) {
      const targetIds = voids.filter((v) => scopedKey(v.organisationId, v.registration) === key).map((v) => v.targetId);
      await rebuildRegistration(counts, enrolment, targetIds);
      moved.set(String(enrolment._id), enrolment);
    }
  }
  // After the progress documents are written, so listeners (HR's standings) read what the statements did.
  for (const enrolment of moved.values()) {
    await events.emit('progress.changed', {
      organisationId: String(enrolment.organisationId),
      enrolmentId: String(enrolment._id),
      userId: String(enrolment.userId),
      courseId: enrolment.courseId,
    });
  }
}

/** Empties the projection before a full replay (npm run xapi:rebuild). */
async function resetLearningProgress(cache: EnrolmentCache): Promise<void> {
  cache.clear();
  // Every organisation's: the rebuild that follows replays every organisation's statements (a CLI, never a request).
  await LearningProgress.deleteMany({}).setOptions({ acrossOrganisations: true });
}

/** The LearningProgress projector of a platform (its vocabulary tells the platform's statements and learners apart), listed by createPlatform. */
export function learningProgressProjector(vocabulary: XapiVocabulary, events: Pick<PlatformEvents, 'emit'>): Projector {
  const cache: EnrolmentCache = new Map();
  return { name: 'learning-progress', reset: () => resetLearningProgress(cache), apply: (statements) => projectLearningProgress(vocabulary, cache, statements, events) };
}
