// The cmi5 rules an AU's statements must keep (cmi5 Quartz, sections 9 and 10), as one pure function over a session:
// who and which registration, the context template, the order of cmi5 defined statements and their results.
import { agentKey } from '../xapi/statement-keys.js';
import type { Actor } from '../xapi/xapi.types.js';
import type { SessionState } from './cmi5-session.model.js';

export const CMI5 = {
  verbs: {
    launched: 'http://adlnet.gov/expapi/verbs/launched',
    initialized: 'http://adlnet.gov/expapi/verbs/initialized',
    completed: 'http://adlnet.gov/expapi/verbs/completed',
    passed: 'http://adlnet.gov/expapi/verbs/passed',
    failed: 'http://adlnet.gov/expapi/verbs/failed',
    terminated: 'http://adlnet.gov/expapi/verbs/terminated',
    abandoned: 'https://w3id.org/xapi/adl/verbs/abandoned',
    waived: 'https://w3id.org/xapi/adl/verbs/waived',
    satisfied: 'https://w3id.org/xapi/adl/verbs/satisfied',
  },
  categories: {
    cmi5: 'https://w3id.org/xapi/cmi5/context/categories/cmi5',
    moveOn: 'https://w3id.org/xapi/cmi5/context/categories/moveon',
  },
  extensions: {
    sessionId: 'https://w3id.org/xapi/cmi5/context/extensions/sessionid',
    launchMode: 'https://w3id.org/xapi/cmi5/context/extensions/launchmode',
    launchUrl: 'https://w3id.org/xapi/cmi5/context/extensions/launchurl',
    moveOn: 'https://w3id.org/xapi/cmi5/context/extensions/moveon',
    launchParameters: 'https://w3id.org/xapi/cmi5/context/extensions/launchparameters',
    masteryScore: 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore',
  },
  activityTypes: {
    course: 'https://w3id.org/xapi/cmi5/activitytype/course',
    block: 'https://w3id.org/xapi/cmi5/activitytype/block',
  },
  profile: 'https://w3id.org/xapi/cmi5/v1.0',
} as const;

/** The verbs an AU uses for cmi5 defined statements (the LMS's own — launched, satisfied… — are not the AU's). */
const AU_DEFINED = new Set<string>([CMI5.verbs.initialized, CMI5.verbs.completed, CMI5.verbs.passed, CMI5.verbs.failed, CMI5.verbs.terminated]);
const LMS_DEFINED = new Set<string>([CMI5.verbs.launched, CMI5.verbs.abandoned, CMI5.verbs.waived, CMI5.verbs.satisfied]);

/** What the rules read of a session and of the AU across its registration. */
export interface SessionSnapshot {
  sessionId: string;
  registration: string;
  auIri: string;
  actor: Actor;
  masteryScore?: number;
  launchMode: 'Normal' | 'Browse' | 'Review';
  state: SessionState;
  /** This session's passed / failed (a session has at most one of them). */
  passed: boolean;
  failed: boolean;
  /** Across every session of the registration: completed and passed are once per registration. */
  registrationCompleted: boolean;
  registrationPassed: boolean;
}

/** What an accepted batch reported of the AU (its state and the registration's are updated from it). */
export interface AuReport {
  verb: 'completed' | 'passed' | 'failed';
  scoreScaled?: number;
}

export type RulesOutcome = { ok: true; session: SessionSnapshot; reports: AuReport[] } | { ok: false; rule: string; message: string; index: number };

type Loose = Record<string, unknown>;

function objectOf(value: unknown): Loose | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : undefined;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function idsOf(list: unknown): string[] {
  const items = Array.isArray(list) ? list : list ? [list] : [];
  return items.map((item) => stringOf(objectOf(item)?.id));
}

/**
 * Checks a batch in order against the session (the state moving with each statement). Every statement: its own id,
 * the launch actor, the session's registration, the `sessionid` extension of the context template, nothing once the session is
 * terminated or abandoned, and nothing before `initialized`. cmi5 defined statements (the AU's five verbs on the AU
 * activity): the cmi5 category; `initialized` once; completed/passed/failed with the moveOn category, not in Browse
 * or Review mode; completed with result.completion true, once per registration; passed with success true and, with a
 * masteryScore, a scaled score at or above it, once per registration; failed with success false and, with a
 * masteryScore, a scaled score below it; not passed and failed in one session. No statement may use the cmi5
 * category without being cmi5 defined, nor one of the LMS's verbs on the AU.
 */
export function checkSessionStatements(start: SessionSnapshot, statements: Loose[]): RulesOutcome {
  let session = { ...start };
  const reports: AuReport[] = [];
  const wantedActor = agentKey(start.actor);
  for (const [index, statement] of statements.entries()) {
    const refuse = (rule: string, message: string): RulesOutcome => ({ ok: false, rule, index, message: `${statements.length > 1 ? `Statement ${index}: ` : ''}${message}` });
    const verbId = stringOf(objectOf(statement.verb)?.id);
    const object = objectOf(statement.object);
    const context = objectOf(statement.context);
    const result = objectOf(statement.result);
    const categories = idsOf(objectOf(context?.contextActivities)?.category);
    const onAu = (object?.objectType === undefined || object.objectType === 'Activity') && object?.id === session.auIri;
    const cmi5Defined = AU_DEFINED.has(verbId) && onAu;

    if (typeof statement.id !== 'string') return refuse('statementId', 'The AU must give every statement its id (cmi5 9.1).');
    if (agentKey(statement.actor) !== wantedActor) return refuse('actor', 'The actor must be the learner the AU was launched for (the launch URL\'s "actor").');
    if (stringOf(context?.registration).toLowerCase() !== session.registration.toLowerCase()) {
      return refuse('registration', 'context.registration must be the registration the AU was launched with.');
    }
    if (objectOf(context?.extensions)?.[CMI5.extensions.sessionId] !== session.sessionId) {
      return refuse('sessionId', `context.extensions must carry ${CMI5.extensions.sessionId} with this session's id (the contextTemplate of LMS.LaunchData).`);
    }
    if (session.state === 'terminated') return refuse('afterTerminated', 'The session is terminated: no statement may follow "terminated".');
    if (session.state === 'abandoned') return refuse('abandoned', 'The session was abandoned (a new session started, or it timed out): launch the AU again.');
    if (LMS_DEFINED.has(verbId) && onAu) return refuse('lmsVerb', `${verbId} is recorded by the LMS, not the AU.`);
    if (categories.includes(CMI5.categories.cmi5) && !cmi5Defined) {
      return refuse('categoryReserved', 'The cmi5 category belongs to cmi5 defined statements only (initialized, completed, passed, failed, terminated of the AU).');
    }
    if (session.state === 'launched' && !(cmi5Defined && verbId === CMI5.verbs.initialized)) {
      return refuse('notInitialized', 'The first statement of a session must be the AU\'s "initialized".');
    }
    if (!cmi5Defined) continue;
    if (!categories.includes(CMI5.categories.cmi5))
      return refuse('category', `A cmi5 defined statement must have the cmi5 category (${CMI5.categories.cmi5}) in context.contextActivities.category.`);
    const moveOnVerb = verbId === CMI5.verbs.completed || verbId === CMI5.verbs.passed || verbId === CMI5.verbs.failed;
    if (moveOnVerb && !categories.includes(CMI5.categories.moveOn))
      return refuse('moveOnCategory', `completed, passed and failed must have the moveOn category (${CMI5.categories.moveOn}).`);
    if (moveOnVerb && session.launchMode !== 'Normal') return refuse('launchMode', `In ${session.launchMode} mode the AU may not send completed, passed or failed.`);
    const scaled = objectOf(result?.score)?.scaled;
    const score = typeof scaled === 'number' ? scaled : undefined;
    switch (verbId) {
      case CMI5.verbs.initialized:
        if (session.state !== 'launched') return refuse('initializedTwice', '"initialized" may be sent once per session, first.');
        session = { ...session, state: 'initialized' };
        break;
      case CMI5.verbs.completed:
        if (result?.completion !== true) return refuse('completion', '"completed" must have result.completion true.');
        if (session.registrationCompleted) return refuse('completedTwice', 'The AU was completed already in this registration: "completed" is sent once.');
        session = { ...session, registrationCompleted: true };
        reports.push({ verb: 'completed', ...(score !== undefined ? { scoreScaled: score } : {}) });
        break;
      case CMI5.verbs.passed:
        if (result?.success !== true) return refuse('success', '"passed" must have result.success true.');
        if (session.failed) return refuse('passedAfterFailed', 'This session reported "failed": it may not also report "passed".');
        if (session.registrationPassed) return refuse('passedTwice', 'The AU was passed already in this registration: "passed" is sent once.');
        if (session.masteryScore !== undefined && (score === undefined || score < session.masteryScore)) {
          return refuse('masteryScore', `"passed" needs result.score.scaled at or above the masteryScore ${session.masteryScore}.`);
        }
        session = { ...session, passed: true, registrationPassed: true };
        reports.push({ verb: 'passed', ...(score !== undefined ? { scoreScaled: score } : {}) });
        break;
      case CMI5.verbs.failed:
        if (result?.success !== false) return refuse('success', '"failed" must have result.success false.');
        if (session.passed) return refuse('failedAfterPassed', 'This session reported "passed": it may not also report "failed".');
        if (session.failed) return refuse('failedTwice', 'This session reported "failed" already.');
        if (session.masteryScore !== undefined && (score === undefined || score >= session.masteryScore)) {
          return refuse('masteryScore', `"failed" needs result.score.scaled below the masteryScore ${session.masteryScore}.`);
        }
        session = { ...session, failed: true };
        reports.push({ verb: 'failed', ...(score !== undefined ? { scoreScaled: score } : {}) });
        break;
      case CMI5.verbs.terminated:
        session = { ...session, state: 'terminated' };
        break;
    }
  }
  return { ok: true, session, reports };
}

/** Whether the AU's moveOn is met by what the registration holds (NotApplicable: at once). */
export function moveOnMet(moveOn: string, state: { completed: boolean; passed: boolean }): boolean {
  switch (moveOn) {
    case 'Passed':
      return state.passed;
    case 'Completed':
      return state.completed;
    case 'CompletedAndPassed':
      return state.completed && state.passed;
    case 'CompletedOrPassed':
      return state.completed || state.passed;
    default:
      return true;
  }
}
