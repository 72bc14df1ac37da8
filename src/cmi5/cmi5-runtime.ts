// The platform as the cmi5 LMS: launching an AU (a session, LMS.LaunchData, `launched`), the one-time fetch of its
// token, what the AU's accepted statements move (moveOn, `satisfied` of blocks and course, the course's pass), and the
// closing of abandoned sessions.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Course, Lesson } from '../courses/course.types.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { ConflictError, NotFoundError } from '../http/errors.js';
import { coursePassedEvent } from '../learning/course-passed.js';
import { courseOfEnrolment } from '../learning/catalogue.service.js';
import { Enrolment, type EnrolmentDoc } from '../learning/enrolment.model.js';
import { progressOf, recordFirstOpening, requireEnrolment } from '../learning/enrolment.service.js';
import type { Learner, LearningDeps } from '../learning/learner.js';
import { putDocument } from '../xapi/document.service.js';
import { courseCompleted, derivedStatementId, lessonExperienced, scoReported } from '../xapi/learning-statements.js';
import { agentKey } from '../xapi/statement-keys.js';
import type { StatementStore } from '../xapi/statement.service.js';
import type { XapiVocabulary } from '../xapi/xapi-vocabulary.js';
import type { Agent, Statement } from '../xapi/xapi.types.js';
import { Cmi5AuState, auStateId, type Cmi5AuStateDoc } from './cmi5-au-state.model.js';
import { Cmi5Package, type Cmi5AuDoc, type Cmi5PackageDoc } from './cmi5-package.model.js';
import { CMI5, moveOnMet, type AuReport } from './cmi5-rules.js';
import { Cmi5Session, type Cmi5SessionDoc } from './cmi5-session.model.js';

/** What the cmi5 runtime needs from the platform (a Platform fits). */
export interface Cmi5Deps extends LearningDeps {
  statements: StatementStore;
  vocabulary: XapiVocabulary;
  catalogue: CourseCatalogue;
}

/** The key prefix of cmi5 auth tokens (`cmi5.<sessionId>:<secret>`, base64, sent as Basic). */
export const TOKEN_KEY_PREFIX = 'cmi5.';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function hashesMatch(secret: string, stored: string | undefined): boolean {
  if (!stored) return false;
  const actual = Buffer.from(sha256(secret), 'hex');
  const expected = Buffer.from(stored, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The URL prefix a package's files are served under (cmi5.routes.ts): only that package's revision. */
export function cmi5FilesUrl(packageId: string, revision: number): string {
  return `/cmi5-pakiety/${encodeURIComponent(packageId)}/${revision}/`;
}

/** The learner's AU list of a cmi5 course. */
export function auListUrl(courseId: string): string {
  return `/szkolenia/${encodeURIComponent(courseId)}/moduly`;
}

export function launchFormUrl(courseId: string, auId: string): string {
  return `${auListUrl(courseId)}/${encodeURIComponent(auId)}/uruchom`;
}

/** The package of a cmi5 course and one of its AUs with the lesson standing for it, or NotFoundError. */
export async function auOf(course: Course, auId: string): Promise<{ pkg: Cmi5PackageDoc; au: Cmi5AuDoc; lesson: Lesson }> {
  if (!course.cmi5) throw new NotFoundError('Nie znaleziono modułu.');
  const pkg = await Cmi5Package.findById(course.cmi5.packageId).lean<Cmi5PackageDoc>();
  const au = pkg?.aus.find((candidate) => candidate.id === auId);
  const lesson = course.lessons.find((candidate) => candidate.id === auId);
  if (!pkg || !au || !lesson) throw new NotFoundError('Nie znaleziono modułu.');
  return { pkg, au, lesson };
}

/** The AU states of an enrolment, by AU id (one `_id` list read). */
export async function auStatesOf(enrolment: Pick<EnrolmentDoc, '_id' | 'organisationId'>, pkg: Pick<Cmi5PackageDoc, 'aus'>): Promise<Map<string, Cmi5AuStateDoc>> {
  const states = await Cmi5AuState.find({ _id: { $in: pkg.aus.map((au) => auStateId(enrolment._id, au.id)) } }).lean<Cmi5AuStateDoc[]>();
  return new Map(states.filter((state) => String(state.organisationId) === String(enrolment.organisationId)).map((state) => [state.auId, state]));
}

/** The cmi5 context every LMS statement of a session carries (registration, category, session id). */
function lmsContext(session: Pick<Cmi5SessionDoc, '_id' | 'registration'>, extra: Record<string, unknown> = {}, grouping?: string) {
  return {
    registration: session.registration,
    contextActivities: {
      category: [{ id: CMI5.categories.cmi5 }],
      ...(grouping ? { grouping: [{ id: grouping }] } : {}),
    },
    extensions: { [CMI5.extensions.sessionId]: session._id, ...extra },
  };
}

/** Stores the LMS's statements that have derived ids once: one already stored is left as it is. */
async function storeOnce(deps: Pick<Cmi5Deps, 'statements'>, organisationId: string, statements: Statement[]): Promise<void> {
  const stored = new Set(
    await deps.statements.reproject(
      organisationId,
      statements.map((statement) => statement.id!.toLowerCase()),
    ),
  );
  const missing = statements.filter((statement) => !stored.has(statement.id!.toLowerCase()));
  if (!missing.length) return;
  try {
    await deps.statements.store(missing, { organisationId });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

/** What the AU is launched with: where to send the learner, and the session behind it. */
export interface AuLaunch {
  url: string;
  sessionId: string;
  launchMethod: 'AnyWindow' | 'OwnWindow';
}

/**
 * Launches an AU for an enrolled learner (cmi5 8.1, 10.2): abandons the AU's session left open in this registration
 * (`abandoned`), opens a new session with a one-time fetch secret, writes LMS.LaunchData to the State resource
 * (contextTemplate with the session id, launchMode, moveOn, masteryScore, returnURL, launchParameters, entitlementKey),
 * records `launched`, and builds the launch URL with endpoint, fetch, actor, registration and activityId. `origin` is
 * the platform's address as the learner's browser reached it (the AU calls the LRS and the fetch URL from there).
 */
export async function launchAu(deps: Cmi5Deps, params: { learner: Learner; course: Course; auId: string; origin: string }): Promise<AuLaunch> {
  const { learner, course, origin } = params;
  const { pkg, au, lesson } = await auOf(course, params.auId);
  const enrolment = await requireEnrolment(learner, course);
  const now = deps.clock.now();
  await recordFirstOpening(deps, learner, course, enrolment);
  await deps.recorder.record({ learner, course, registration: enrolment.registration }, (ctx) => [lessonExperienced(ctx, lesson)]);
  await abandonOpenSessions(deps, { organisationId: String(enrolment.organisationId), enrolmentId: enrolment._id, auId: au.id }, now);

  const sessionId = randomUUID();
  const fetchSecret = randomBytes(32).toString('base64url');
  const actor = deps.vocabulary.learnerActor(learner.learnerId);
  const session = await Cmi5Session.create({
    _id: sessionId,
    organisationId: enrolment.organisationId,
    enrolmentId: enrolment._id,
    userId: enrolment.userId,
    learnerId: learner.learnerId,
    courseId: course.id,
    courseVersion: enrolment.courseVersion,
    auId: au.id,
    auIri: au.iri,
    registration: enrolment.registration,
    moveOn: au.moveOn,
    ...(au.masteryScore !== undefined ? { masteryScore: au.masteryScore } : {}),
    launchMode: 'Normal',
    fetchHash: sha256(fetchSecret),
    state: 'launched',
    launchedAt: now,
    lastActivityAt: now,
  });

  const returnUrl = `${origin}${auListUrl(course.id)}#${au.id}`;
  const launchData = {
    contextTemplate: { contextActivities: { grouping: [{ objectType: 'Activity', id: au.iri }] }, extensions: { [CMI5.extensions.sessionId]: sessionId } },
    launchMode: 'Normal',
    moveOn: au.moveOn,
    returnURL: returnUrl,
    ...(au.masteryScore !== undefined ? { masteryScore: au.masteryScore } : {}),
    ...(au.launchParameters ? { launchParameters: au.launchParameters } : {}),
    ...(au.entitlementKey ? { entitlementKey: { courseStructure: au.entitlementKey } } : {}),
  };
  await putDocument(
    { organisationId: String(enrolment.organisationId), kind: 'state', activityId: au.iri, agentKey: agentKey(actor), registration: enrolment.registration },
    'LMS.LaunchData',
    Buffer.from(JSON.stringify(launchData)),
    'application/json',
    {},
  );

  const base = au.absolute ? new URL(au.url) : new URL(`${origin}${cmi5FilesUrl(pkg._id, pkg.revision)}${au.url.split('/').map(encodeURIComponent).join('/')}${au.query}`);
  base.searchParams.set('endpoint', `${origin}/xapi/`);
  base.searchParams.set('fetch', `${origin}/cmi5/fetch/${sessionId}/${fetchSecret}`);
  base.searchParams.set('actor', JSON.stringify(actor));
  base.searchParams.set('registration', enrolment.registration);
  base.searchParams.set('activityId', au.iri);

  await deps.statements.store(
    [
      {
        actor,
        verb: { id: CMI5.verbs.launched, display: { 'en-US': 'launched' } },
        object: { objectType: 'Activity', id: au.iri },
        context: lmsContext(session, {
          [CMI5.extensions.launchMode]: 'Normal',
          [CMI5.extensions.launchUrl]: base.toString().split('?')[0],
          [CMI5.extensions.moveOn]: au.moveOn,
          ...(au.launchParameters ? { [CMI5.extensions.launchParameters]: au.launchParameters } : {}),
        }),
        timestamp: now.toISOString(),
      },
    ],
    { organisationId: String(enrolment.organisationId) },
  );
  // moveOn NotApplicable: the AU counts as satisfied once launched (cmi5 9.6.2: nothing is asked of it).
  if (au.moveOn === 'NotApplicable') await afterReports(deps, session.toObject<Cmi5SessionDoc>(), []);
  return { url: base.toString(), sessionId, launchMethod: au.launchMethod };
}

/** The answer of the fetch URL (cmi5 8.2.3): the token once, then the spec's error JSON. */
export type FetchAnswer = { 'auth-token': string } | { 'error-code': '1' | '2' | '3'; 'error-text': string };

/**
 * The one-time fetch of a session's auth token: the first POST with the right secret claims it (a conditional update,
 * so two at once cannot both succeed) and gets `{"auth-token": …}`; any later one gets error-code 1 (already in use),
 * a session already over error-code 2 (expired), an unknown session or secret error-code 3 (invalid).
 */
export async function fetchAuthToken(deps: Pick<Cmi5Deps, 'clock'>, sessionId: string, fetchSecret: string): Promise<FetchAnswer> {
  const invalid: FetchAnswer = { 'error-code': '3', 'error-text': 'Invalid fetch URL' };
  // By `_id` alone: the session id is a UUID and the secret is checked before anything is told.
  const session = await Cmi5Session.findById(sessionId).lean<Cmi5SessionDoc>();
  if (!session || !hashesMatch(fetchSecret, session.fetchHash)) return invalid;
  if (session.fetchedAt) return { 'error-code': '1', 'error-text': 'Already in use' };
  if (session.state === 'terminated' || session.state === 'abandoned') return { 'error-code': '2', 'error-text': 'Expired' };
  const tokenSecret = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const claimed = await Cmi5Session.updateOne(
    { _id: sessionId, fetchHash: session.fetchHash, fetchedAt: { $exists: false } },
    { $set: { fetchedAt: now, tokenHash: sha256(tokenSecret), lastActivityAt: now } },
  );
  if (claimed.modifiedCount !== 1) return { 'error-code': '1', 'error-text': 'Already in use' };
  return { 'auth-token': Buffer.from(`${TOKEN_KEY_PREFIX}${sessionId}:${tokenSecret}`, 'utf8').toString('base64') };
}

/**
 * Records `abandoned` (cmi5 9.6.3) for each session of the AU in the registration that neither terminated nor was
 * abandoned before; the state change is the claim, so two launches at once record it once.
 */
async function abandonOpenSessions(
  deps: Pick<Cmi5Deps, 'statements' | 'vocabulary'>,
  where: { organisationId: string; enrolmentId: unknown; auId: string },
  now: Date,
): Promise<void> {
  const open = await Cmi5Session.find({ organisationId: where.organisationId, enrolmentId: where.enrolmentId, auId: where.auId, state: { $in: ['launched', 'initialized'] } }).lean<
    Cmi5SessionDoc[]
  >();
  for (const session of open) await abandon(deps, session, now);
}

async function abandon(deps: Pick<Cmi5Deps, 'statements' | 'vocabulary'>, session: Cmi5SessionDoc, now: Date): Promise<boolean> {
  const claimed = await Cmi5Session.updateOne({ _id: session._id, state: session.state }, { $set: { state: 'abandoned', endedAt: now }, $inc: { version: 1 } });
  if (claimed.modifiedCount !== 1) return false;
  const seconds = Math.max(0, Math.round((session.lastActivityAt.getTime() - session.launchedAt.getTime()) / 1000));
  await storeOnce(deps, String(session.organisationId), [
    {
      id: derivedStatementId(`cmi5-abandoned:${session._id}`),
      actor: deps.vocabulary.learnerActor(session.learnerId),
      verb: { id: CMI5.verbs.abandoned, display: { 'en-US': 'abandoned' } },
      object: { objectType: 'Activity', id: session.auIri },
      result: { duration: `PT${seconds}S` },
      context: lmsContext(session),
      timestamp: now.toISOString(),
    },
  ]);
  return true;
}

/**
 * The sweep: sessions with no request for `timeoutMinutes` that neither terminated nor were abandoned get `abandoned`.
 * Every instance may run it: the state change is the claim. Returns how many it closed.
 */
export async function abandonStaleSessions(deps: Pick<Cmi5Deps, 'statements' | 'vocabulary' | 'clock'>, timeoutMinutes: number): Promise<number> {
  const now = deps.clock.now();
  const before = new Date(now.getTime() - timeoutMinutes * 60_000);
  // Across organisations on purpose: the sweep closes every office's stale sessions, each recorded in its own log.
  const stale = await Cmi5Session.find({ state: { $in: ['launched', 'initialized'] }, lastActivityAt: { $lt: before } })
    .setOptions({ acrossOrganisations: true })
    .limit(500)
    .lean<Cmi5SessionDoc[]>();
  let closed = 0;
  for (const session of stale) if (await abandon(deps, session, now)) closed += 1;
  return closed;
}

/**
 * What an accepted batch of the AU reported, carried into the registration: completed / passed / failed on the AU's
 * state; once its moveOn is met, the AU is satisfied (its lesson completed in the progress projection), then each
 * block whose AUs are all satisfied and at last the course get the LMS's `satisfied` (cmi5 9.3.7, 10), and the
 * course's satisfaction completes the enrolment (`completed` of the course, `course.passed`: the certificate).
 */
export async function afterReports(deps: Cmi5Deps, session: Cmi5SessionDoc, reports: AuReport[]): Promise<void> {
  const now = deps.clock.now();
  const id = auStateId(session.enrolmentId, session.auId);
  const set: Record<string, unknown> = { updatedAt: now };
  for (const report of reports) {
    set[report.verb] = true;
    if (report.scoreScaled !== undefined && report.verb !== 'failed') set.scoreScaled = report.scoreScaled;
  }
  await Cmi5AuState.updateOne(
    { _id: id },
    { $set: set, $setOnInsert: { organisationId: session.organisationId, enrolmentId: session.enrolmentId, courseId: session.courseId, auId: session.auId } },
    { upsert: true },
  );
  const state = await Cmi5AuState.findById(id).lean<Cmi5AuStateDoc>();
  if (!state || state.satisfiedAt || !moveOnMet(session.moveOn, state)) return;
  const claimed = await Cmi5AuState.updateOne({ _id: id, satisfiedAt: { $exists: false } }, { $set: { satisfiedAt: now } });
  if (claimed.modifiedCount !== 1) return;
  await satisfyUpwards(deps, session, now);
}

/** The AU just satisfied: its lesson, then its blocks and the course when all of theirs are. */
async function satisfyUpwards(deps: Cmi5Deps, session: Cmi5SessionDoc, now: Date): Promise<void> {
  // By `_id`: the enrolment of the session, checked against its organisation.
  const enrolment = await Enrolment.findById(session.enrolmentId).lean<EnrolmentDoc>();
  if (!enrolment || String(enrolment.organisationId) !== String(session.organisationId)) return;
  const course = courseOfEnrolment(deps.catalogue, enrolment);
  if (!course?.cmi5) return;
  const pkg = await Cmi5Package.findById(course.cmi5.packageId).lean<Cmi5PackageDoc>();
  if (!pkg) return;
  const organisationId = String(enrolment.organisationId);
  const learner: Learner = { id: String(enrolment.userId), organisationId, learnerId: session.learnerId, fullName: '' };
  const scope = { learner, course, registration: enrolment.registration };
  const states = await auStatesOf(enrolment, pkg);
  const satisfied = new Set([...states.values()].filter((state) => state.satisfiedAt).map((state) => pkg.aus.find((au) => au.id === state.auId)?.iri));
  const lesson = course.lessons.find((candidate) => candidate.id === session.auId);
  const auState = states.get(session.auId);
  if (lesson) {
    await deps.recorder.recordOnce(scope, (ctx) => [
      scoReported(ctx, lesson, {
        verb: 'completed',
        success: auState?.passed ? true : undefined,
        score: auState?.scoreScaled !== undefined ? { scaled: auState.scoreScaled } : undefined,
        id: derivedStatementId(`cmi5-au-satisfied:${auStateId(enrolment._id, session.auId)}`),
      }),
    ]);
  }
  const actor: Agent = deps.vocabulary.learnerActor(session.learnerId);
  const satisfiedOf = (iri: string, type: string, name: string): Statement => ({
    id: derivedStatementId(`cmi5-satisfied:${enrolment._id.toHexString()}:${iri}`),
    actor,
    verb: { id: CMI5.verbs.satisfied, display: { 'en-US': 'satisfied' } },
    object: { objectType: 'Activity', id: iri, definition: { type, name: { [pkg.language]: name } } },
    context: lmsContext(session, {}, pkg.courseIri),
    timestamp: now.toISOString(),
  });
  const statements: Statement[] = [];
  for (const block of pkg.blocks) {
    if (block.auIris.includes(session.auIri) && block.auIris.every((iri) => satisfied.has(iri))) statements.push(satisfiedOf(block.iri, CMI5.activityTypes.block, block.title));
  }
  const courseSatisfied = pkg.aus.every((au) => satisfied.has(au.iri));
  if (courseSatisfied) statements.push(satisfiedOf(pkg.courseIri, CMI5.activityTypes.course, pkg.title));
  if (statements.length) await storeOnce(deps, organisationId, statements);
  if (courseSatisfied) await passCourse(deps, { learner, course, enrolment, states: [...states.values()], now });
}

/** The course satisfied: `completed` of the course (once) with the AUs' mean scaled score, and `course.passed`. */
async function passCourse(deps: Cmi5Deps, params: { learner: Learner; course: Course; enrolment: EnrolmentDoc; states: Cmi5AuStateDoc[]; now: Date }): Promise<void> {
  const { learner, course, enrolment } = params;
  const progress = await progressOf(enrolment);
  if (progress?.status === 'completed') return;
  const scores = params.states.map((state) => state.scoreScaled).filter((score): score is number => typeof score === 'number');
  const scaled = scores.length ? Math.max(0, scores.reduce((sum, score) => sum + score, 0) / scores.length) : 1;
  await deps.recorder.recordOnce({ learner, course, registration: enrolment.registration }, (ctx) => [
    { id: derivedStatementId(`cmi5-course-completed:${enrolment._id.toHexString()}`), ...courseCompleted(ctx, { scaled, raw: Math.round(scaled * 100), min: 0, max: 100 }) },
  ]);
  await deps.events.emit('course.passed', coursePassedEvent({ learner, courseId: course.id, enrolment, scorePercent: Math.round(scaled * 100), completedAt: params.now }));
}
