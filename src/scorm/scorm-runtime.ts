// The SCORM runtime's server side: what a SCO is launched with (the learner's saved CMI data, so they resume) and
// what a commit does (the CMI stored per learner and attempt, its status mapped to progress, statements, the pass).
import type { Course, Lesson } from '../courses/course.types.js';
import { NotFoundError } from '../http/errors.js';
import { coursePassedEvent } from '../learning/course-passed.js';
import { progressOf, recordFirstOpening, requireEnrolment } from '../learning/enrolment.service.js';
import type { EnrolmentDoc } from '../learning/enrolment.model.js';
import type { Learner, LearningDeps } from '../learning/learner.js';
import { courseCompleted, derivedStatementId, lessonExperienced, scoReported, type ScoOutcome } from '../xapi/learning-statements.js';
import { ScormAttempt, scormAttemptId, type ScormAttemptDoc } from './scorm-attempt.model.js';
import { ScormPackage, type ScormPackageDoc, type ScormScoDoc } from './scorm-package.model.js';
import type { CmiValues } from './scorm.schemas.js';

/** The URL prefix the package files are served under (scorm.routes.ts): only that package's revision. */
export function packageFilesUrl(packageId: string, revision: number): string {
  return `/scorm-pakiety/${encodeURIComponent(packageId)}/${revision}/`;
}

export function commitUrlOf(courseId: string, scoId: string): string {
  return `/szkolenia/${encodeURIComponent(courseId)}/scorm/${encodeURIComponent(scoId)}/cmi`;
}

/** The package of a SCORM course and the SCO behind one of its lessons, or NotFoundError. */
export async function scoOf(course: Course, scoId: string): Promise<{ pkg: ScormPackageDoc; sco: ScormScoDoc; lesson: Lesson }> {
  if (!course.scorm) throw new NotFoundError('Nie znaleziono lekcji.');
  const pkg = await ScormPackage.findById(course.scorm.packageId).lean<ScormPackageDoc>();
  const sco = pkg?.scos.find((candidate) => candidate.id === scoId);
  const lesson = course.lessons.find((candidate) => candidate.id === scoId);
  if (!pkg || !sco || !lesson) throw new NotFoundError('Nie znaleziono lekcji.');
  return { pkg, sco, lesson };
}

/** The CMI elements given back at the next launch (the rest is the SCO's session: interactions, objectives…). */
const RESUMED: Record<'1.2' | '2004', RegExp> = {
  '1.2': /^cmi\.(suspend_data|core\.(lesson_location|lesson_status|total_time|score\.(raw|min|max)))$/,
  '2004': /^cmi\.(suspend_data|location|completion_status|success_status|total_time|progress_measure|score\.(scaled|raw|min|max))$/,
};

function savedCmiOf(attempt: Pick<ScormAttemptDoc, 'cmi'> | null): CmiValues {
  if (!attempt) return {};
  try {
    return JSON.parse(attempt.cmi) as CmiValues;
  } catch {
    return {};
  }
}

/** What the player page needs to start the runtime: the SCO's URL and the CMI data it starts from. */
export interface ScoLaunch {
  enrolment: EnrolmentDoc;
  lesson: Lesson;
  scormVersion: '1.2' | '2004';
  launchUrl: string;
  commitUrl: string;
  /** Flattened CMI for scorm-again's loadFromFlattenedJSON. */
  cmi: CmiValues;
  /** Whether the learner comes back to a suspended attempt (entry = resume). */
  resuming: boolean;
  status: string;
}

/**
 * Opens a SCO for an enrolled learner: records the course's first opening and `experienced` of the lesson (as a
 * native lesson does), and gives the saved CMI data back with the learner's id and name, `entry` = resume when the
 * SCO suspended the attempt (cmi.core.exit / cmi.exit = suspend), so the SCO restores its suspend_data and location.
 */
export async function launchSco(deps: LearningDeps, params: { learner: Learner; course: Course; scoId: string }): Promise<ScoLaunch> {
  const { learner, course } = params;
  const { pkg, sco, lesson } = await scoOf(course, params.scoId);
  const enrolment = await requireEnrolment(learner, course);
  await recordFirstOpening(deps, learner, course, enrolment);
  await deps.recorder.record({ learner, course, registration: enrolment.registration }, (ctx) => [lessonExperienced(ctx, lesson)]);
  const attempt = await ScormAttempt.findById(scormAttemptId(enrolment._id, sco.id)).lean<ScormAttemptDoc>();
  const saved = savedCmiOf(attempt && String(attempt.organisationId) === learner.organisationId ? attempt : null);
  const kept = Object.fromEntries(Object.entries(saved).filter(([key]) => RESUMED[pkg.scormVersion].test(key)));
  const v12 = pkg.scormVersion === '1.2';
  const exit = saved[v12 ? 'cmi.core.exit' : 'cmi.exit'];
  const resuming = exit === 'suspend';
  const entry = resuming ? 'resume' : attempt ? '' : 'ab-initio';
  const cmi: CmiValues = v12
    ? {
        ...kept,
        'cmi.core.student_id': learner.learnerId,
        'cmi.core.student_name': learner.fullName,
        'cmi.core.entry': entry,
        'cmi.core.credit': 'credit',
        'cmi.core.lesson_mode': 'normal',
        ...(sco.masteryScore !== undefined ? { 'cmi.student_data.mastery_score': String(sco.masteryScore) } : {}),
      }
    : { ...kept, 'cmi.learner_id': learner.learnerId, 'cmi.learner_name': learner.fullName, 'cmi.entry': entry, 'cmi.credit': 'credit', 'cmi.mode': 'normal' };
  return {
    enrolment,
    lesson,
    scormVersion: pkg.scormVersion,
    launchUrl: `${packageFilesUrl(pkg._id, pkg.revision)}${sco.launchPath.split('/').map(encodeURIComponent).join('/')}${sco.launchQuery}`,
    commitUrl: commitUrlOf(course.id, sco.id),
    cmi,
    resuming,
    status: attempt?.status ?? 'not attempted',
  };
}

/** The SCO's state as the platform reads it from a commit. */
export interface ScoState {
  status: 'not attempted' | 'incomplete' | 'completed' | 'passed' | 'failed' | 'browsed';
  satisfied: boolean;
  score?: { scaled: number; raw?: number; min?: number; max?: number };
  duration?: string;
}

/** A CMI element as text ('' when absent or a collection): the data model's values are strings. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function numberOf(value: unknown): number | undefined {
  const text = textOf(value);
  if (text === '') return undefined;
  const number = Number.parseFloat(text);
  return Number.isFinite(number) ? number : undefined;
}

/** A SCORM 1.2 CMITimespan (HHHH:MM:SS.SS) as an ISO 8601 duration; 2004 times are ISO already. */
export function isoDurationOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(value)) return value;
  const match = /^(\d{2,4}):([0-5]\d):([0-5]\d(?:\.\d{1,2})?)$/.exec(value);
  if (!match) return undefined;
  return `PT${Number(match[1])}H${Number(match[2])}M${Number(match[3])}S`;
}

/**
 * Maps the CMI to the SCO's state. SCORM 1.2: cmi.core.lesson_status, and with a mastery score a score decides
 * passed or failed; satisfied = passed, or completed when the SCO sets no mastery. SCORM 2004: cmi.success_status
 * passed/failed wins over cmi.completion_status; satisfied = passed, or completed with success unknown. The score is
 * scaled 0–1 (1.2: raw within min–max, default 0–100).
 */
export function scoStateOf(version: '1.2' | '2004', cmi: CmiValues, masteryScore?: number): ScoState {
  if (version === '1.2') {
    const raw = numberOf(cmi['cmi.core.score.raw']);
    const min = numberOf(cmi['cmi.core.score.min']) ?? 0;
    const max = numberOf(cmi['cmi.core.score.max']) ?? 100;
    const score = raw === undefined ? undefined : { scaled: Math.max(0, Math.min(1, max > min ? (raw - min) / (max - min) : 0)), raw, min, max };
    let status = (textOf(cmi['cmi.core.lesson_status']) || 'not attempted') as ScoState['status'];
    if (masteryScore !== undefined && raw !== undefined && (status === 'completed' || status === 'incomplete')) status = raw >= masteryScore ? 'passed' : 'failed';
    const satisfied = status === 'passed' || (status === 'completed' && masteryScore === undefined);
    return { status, satisfied, score, duration: isoDurationOf(cmi['cmi.core.session_time']) };
  }
  const scaled = numberOf(cmi['cmi.score.scaled']);
  const raw = numberOf(cmi['cmi.score.raw']);
  const min = numberOf(cmi['cmi.score.min']);
  const max = numberOf(cmi['cmi.score.max']);
  const computed = scaled ?? (raw !== undefined && min !== undefined && max !== undefined && max > min ? (raw - min) / (max - min) : undefined);
  const score = computed === undefined ? undefined : { scaled: Math.max(-1, Math.min(1, computed)), raw, min, max };
  const success = textOf(cmi['cmi.success_status']) || 'unknown';
  const completion = textOf(cmi['cmi.completion_status']) || 'unknown';
  const status: ScoState['status'] =
    success === 'passed' ? 'passed' : success === 'failed' ? 'failed' : completion === 'completed' ? 'completed' : completion === 'incomplete' ? 'incomplete' : 'not attempted';
  return { status, satisfied: status === 'passed' || status === 'completed', score, duration: isoDurationOf(cmi['cmi.session_time']) };
}

/** What the runtime's commit answers: the SCO's state and whether this commit passed the course. */
export interface CommitOutcome {
  status: ScoState['status'];
  coursePassed: boolean;
}

/**
 * Stores a commit of the SCO's CMI data for the learner's enrolment (the attempt), replacing the last one, and maps
 * it: the first time the SCO is satisfied, `completed` of its lesson with success, score and time (recorded once per
 * attempt); a newly reported failure, `failed`; once every SCO of the course is satisfied, `completed` of the course
 * and `course.passed` (certificates listen), as a passed final test does.
 */
export async function commitCmi(deps: LearningDeps, params: { learner: Learner; course: Course; scoId: string; cmi: CmiValues }): Promise<CommitOutcome> {
  const { learner, course } = params;
  const { pkg, sco, lesson } = await scoOf(course, params.scoId);
  const enrolment = await requireEnrolment(learner, course);
  const _id = scormAttemptId(enrolment._id, sco.id);
  const before = await ScormAttempt.findById(_id).lean<ScormAttemptDoc>();
  const state = scoStateOf(pkg.scormVersion, params.cmi, sco.masteryScore);
  const now = deps.clock.now();
  const firstSatisfied = state.satisfied && !before?.satisfiedAt;
  await ScormAttempt.updateOne(
    { _id },
    {
      $set: {
        cmi: JSON.stringify(params.cmi),
        status: state.status,
        updatedAt: now,
        ...(state.score ? { scoreScaled: state.score.scaled } : {}),
        ...(firstSatisfied ? { satisfiedAt: now } : {}),
      },
      $setOnInsert: { organisationId: enrolment.organisationId, enrolmentId: enrolment._id, userId: enrolment.userId, courseId: course.id, scoId: sco.id },
      $inc: { commits: 1 },
    },
    { upsert: true },
  );
  const scope = { learner, course, registration: enrolment.registration };
  if (firstSatisfied) {
    const outcome: ScoOutcome = {
      verb: 'completed',
      success: state.status === 'passed' ? true : undefined,
      score: state.score,
      duration: state.duration,
      id: derivedStatementId(`scorm-completed:${_id}`),
    };
    await deps.recorder.recordOnce(scope, (ctx) => [scoReported(ctx, lesson, outcome)]);
  } else if (state.status === 'failed' && before?.status !== 'failed') {
    await deps.recorder.record(scope, (ctx) => [scoReported(ctx, lesson, { verb: 'failed', success: false, score: state.score, duration: state.duration })]);
  }
  if (!firstSatisfied) return { status: state.status, coursePassed: false };
  return { status: state.status, coursePassed: await passWhenEverySatisfied(deps, { learner, course, enrolment, pkg }) };
}

/** Once every SCO of the enrolment is satisfied: the course's `completed` (once) and `course.passed`. */
async function passWhenEverySatisfied(deps: LearningDeps, params: { learner: Learner; course: Course; enrolment: EnrolmentDoc; pkg: ScormPackageDoc }): Promise<boolean> {
  const { learner, course, enrolment, pkg } = params;
  // By `_id` list: one attempt per SCO of this enrolment.
  const attempts = await ScormAttempt.find({ _id: { $in: pkg.scos.map((sco) => scormAttemptId(enrolment._id, sco.id)) } }).lean<ScormAttemptDoc[]>();
  const satisfied = attempts.filter((attempt) => attempt.satisfiedAt && String(attempt.organisationId) === learner.organisationId);
  if (satisfied.length < pkg.scos.length) return false;
  const scores = satisfied.map((attempt) => attempt.scoreScaled).filter((score): score is number => typeof score === 'number');
  const scaled = scores.length ? scores.reduce((sum, score) => sum + score, 0) / scores.length : 1;
  const progress = await progressOf(enrolment);
  if (progress?.status === 'completed') return false;
  const id = derivedStatementId(`scorm-course-completed:${enrolment._id.toHexString()}`);
  await deps.recorder.recordOnce({ learner, course, registration: enrolment.registration }, (ctx) => [
    { id, ...courseCompleted(ctx, { scaled, raw: Math.round(scaled * 100), min: 0, max: 100 }) },
  ]);
  await deps.events.emit('course.passed', coursePassedEvent({ learner, courseId: course.id, enrolment, scorePercent: Math.round(scaled * 100), completedAt: deps.clock.now() }));
  return true;
}
