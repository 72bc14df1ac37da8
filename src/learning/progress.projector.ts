// Projects the statement log onto LearningProgress (one document per enrolment); rebuildable from scratch.
import { registerProjector, type StoredStatement } from '../xapi/projectors.js';
import { XapiStatement } from '../xapi/statement.model.js';
import { Enrolment, type EnrolmentDoc } from './enrolment.model.js';
import { LearningProgress, statusRank, type ProgressStatus } from './learning-progress.model.js';

const VERB = 'http://adlnet.gov/expapi/verbs/';
const VOIDED = `${VERB}voided`;

/** The status a verb moves an enrolment to (statuses only move forward). */
const STATUS_OF_VERB: Record<string, ProgressStatus> = {
  [`${VERB}registered`]: 'enrolled',
  [`${VERB}launched`]: 'in_progress',
  [`${VERB}initialized`]: 'in_progress',
  [`${VERB}experienced`]: 'in_progress',
  [`${VERB}answered`]: 'in_progress',
  [`${VERB}failed`]: 'failed',
  [`${VERB}passed`]: 'passed',
  [`${VERB}completed`]: 'completed',
};

type EnrolmentKey = Pick<EnrolmentDoc, '_id' | 'organisationId' | 'userId' | 'courseId' | 'registration'>;

// Registrations never change owner, so the lookup is cached for the life of the process.
const enrolmentByRegistration = new Map<string, EnrolmentKey>();

async function enrolmentsFor(registrations: string[]): Promise<Map<string, EnrolmentKey>> {
  const missing = registrations.filter((r) => !enrolmentByRegistration.has(r));
  if (missing.length) {
    const found = await Enrolment.find({ registration: { $in: missing } })
      .setOptions({ acrossOrganisations: true })
      .select({ _id: 1, organisationId: 1, userId: 1, courseId: 1, registration: 1 })
      .lean<EnrolmentKey[]>();
    for (const enrolment of found) enrolmentByRegistration.set(enrolment.registration, enrolment);
  }
  return new Map(registrations.flatMap((r) => (enrolmentByRegistration.has(r) ? [[r, enrolmentByRegistration.get(r)!] as const] : [])));
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
  const lessonId = statement.verb.id === `${VERB}experienced` && object.id ? lessonIdOf(object.id) : undefined;

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
async function rebuildRegistration(enrolment: EnrolmentKey, exceptIds: string[]): Promise<void> {
  await LearningProgress.deleteOne({ _id: enrolment._id });
  const records = await XapiStatement.find({ organisationId: enrolment.organisationId, registration: enrolment.registration, voided: { $ne: true } })
    .sort({ stored: 1 })
    .lean();
  for (const record of records) {
    if (exceptIds.includes(record._id)) continue;
    const statement = { ...(JSON.parse(record.json) as StoredStatement), organisationId: String(enrolment.organisationId) };
    if (statement.verb.id !== VOIDED) await applyStatement(statement, enrolment);
  }
}

async function voidedTargets(statements: StoredStatement[]): Promise<{ registration: string; targetId: string }[]> {
  const targets = statements
    .filter((s) => s.verb.id === VOIDED && (s.object as { objectType?: string }).objectType === 'StatementRef')
    .map((s) => String((s.object as { id: string }).id).toLowerCase());
  if (!targets.length) return [];
  const records = await XapiStatement.find({ _id: { $in: targets } }).setOptions({ acrossOrganisations: true }).select({ _id: 1, registration: 1 }).lean();
  return records.filter((r) => r.registration).map((r) => ({ registration: r.registration!, targetId: r._id }));
}

/** Applies stored statements (in stored order) to the progress of the enrolments they belong to. */
export async function projectLearningProgress(statements: StoredStatement[]): Promise<void> {
  const voids = await voidedTargets(statements);
  const registrations = [...new Set([...statements.map(registrationOf), ...voids.map((v) => v.registration)].filter((r): r is string => Boolean(r)))];
  if (!registrations.length) return;
  const enrolments = await enrolmentsFor(registrations);
  for (const statement of statements) {
    const registration = registrationOf(statement);
    const enrolment = registration ? enrolments.get(registration) : undefined;
    if (enrolment && statement.verb.id !== VOIDED) await applyStatement(statement, enrolment);
  }
  for (const registration of new Set(voids.map((v) => v.registration))) {
    const enrolment = enrolments.get(registration);
    if (enrolment) await rebuildRegistration(enrolment, voids.filter((v) => v.registration === registration).map((v) => v.targetId));
  }
}

/** Empties the projection before a full replay (npm run xapi:rebuild). */
export async function resetLearningProgress(): Promise<void> {
  enrolmentByRegistration.clear();
  await LearningProgress.deleteMany({}).setOptions({ acrossOrganisations: true });
}

registerProjector({ name: 'learning-progress', reset: resetLearningProgress, apply: projectLearningProgress });
