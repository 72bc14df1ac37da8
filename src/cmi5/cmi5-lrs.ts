// cmi5's side of the LRS seam (xapi/lrs-session.ts): an AU's auth token reaches only its own session's statements and
// documents, and its statements are admitted only when they keep the cmi5 rules (cmi5-rules.ts).
import { AppError, ConflictError, ForbiddenError } from '../http/errors.js';
import type { LrsCredentials } from '../xapi/lrs-client.service.js';
import type { AdmittedBatch, LrsSessionAuthority, SessionRequest } from '../xapi/lrs-session.js';
import { agentKey } from '../xapi/statement-keys.js';
import { Cmi5AuState, auStateId, type Cmi5AuStateDoc } from './cmi5-au-state.model.js';
import { checkSessionStatements } from './cmi5-rules.js';
import { afterReports, hashesMatch, TOKEN_KEY_PREFIX, type Cmi5Deps } from './cmi5-runtime.js';
import { Cmi5Session, type Cmi5SessionDoc } from './cmi5-session.model.js';

/** A refused cmi5 statement: 403 with the rule broken, as an LRS error (`{ error: 'cmi5_rule', message }`). */
export class Cmi5RuleError extends AppError {
  constructor(rule: string, message: string) {
    super(`cmi5: ${message} (rule: ${rule}). Nothing of this request was stored.`, 403, 'cmi5_rule', { rule });
  }
}

function jsonParam(params: ReadonlyMap<string, string>, name: string): unknown {
  try {
    return JSON.parse(params.get(name) ?? 'null');
  } catch {
    return null;
  }
}

/** The session authority of cmi5 auth tokens, built once at the wiring point (app.ts). */
export function cmi5SessionAuthority(deps: Cmi5Deps): LrsSessionAuthority {
  const sessionOf = async (credentials: LrsCredentials): Promise<Cmi5SessionDoc> => {
    // By `_id` (the session id the token names), checked against the token's organisation.
    const session = await Cmi5Session.findById(credentials.sessionId).lean<Cmi5SessionDoc>();
    if (!session || String(session.organisationId) !== credentials.organisationId) throw new ForbiddenError('cmi5: the session of this token is gone.');
    return session;
  };
  return {
    keyPrefix: TOKEN_KEY_PREFIX,

    async authenticate(key, secret) {
      const sessionId = key.slice(TOKEN_KEY_PREFIX.length);
      if (!/^[0-9a-f-]{36}$/.test(sessionId)) return undefined;
      const session = await Cmi5Session.findById(sessionId).lean<Cmi5SessionDoc>();
      if (!session || !hashesMatch(secret, session.tokenHash)) return undefined;
      return {
        clientId: `cmi5:${session._id}`,
        organisationId: String(session.organisationId),
        name: `cmi5 AU ${session.auIri}`,
        key,
        canRead: true,
        canWrite: true,
        sessionId: session._id,
      };
    },

    async checkRequest(credentials, request: SessionRequest) {
      const session = await sessionOf(credentials);
      const actorKey = agentKey(deps.vocabulary.learnerActor(session.learnerId));
      const reading = request.method === 'GET' || request.method === 'HEAD';
      const { params } = request;
      const own = (what: string, ok: boolean) => {
        if (!ok) throw new ForbiddenError(`cmi5: this token is for one AU session; ${what}.`);
      };
      switch (request.path) {
        case '/statements':
          own('it may send statements, not read them', !reading);
          return;
        case '/activities/state':
          own(
            'the State resource is open to it for its own activity, agent and registration only',
            params.get('activityId') === session.auIri &&
              agentKey(jsonParam(params, 'agent')) === actorKey &&
              params.get('registration')?.toLowerCase() === session.registration.toLowerCase(),
          );
          own("LMS.LaunchData is the LMS's: the AU may only read it", reading || (params.get('stateId') !== undefined && params.get('stateId') !== 'LMS.LaunchData'));
          return;
        case '/agents/profile':
          own("it may read the learner's agent profile (cmi5LearnerPreferences), nothing else", reading && agentKey(jsonParam(params, 'agent')) === actorKey);
          return;
        case '/activities/profile':
        case '/activities':
          own('it may read its own activity only', reading && params.get('activityId') === session.auIri);
          return;
        default:
          own('this resource is not open to it', false);
      }
    },

    async admitStatements(credentials, statements): Promise<AdmittedBatch> {
      const session = await sessionOf(credentials);
      const auState = await Cmi5AuState.findById(auStateId(session.enrolmentId, session.auId)).lean<Cmi5AuStateDoc>();
      const outcome = checkSessionStatements(
        {
          sessionId: session._id,
          registration: session.registration,
          auIri: session.auIri,
          actor: deps.vocabulary.learnerActor(session.learnerId),
          masteryScore: session.masteryScore,
          launchMode: session.launchMode,
          state: session.state,
          passed: session.passed,
          failed: session.failed,
          registrationCompleted: Boolean(auState?.completed),
          registrationPassed: Boolean(auState?.passed),
        },
        statements,
      );
      if (!outcome.ok) throw new Cmi5RuleError(outcome.rule, outcome.message);
      const now = deps.clock.now();
      const next = outcome.session;
      // A batch that moves nothing (cmi5 allowed statements: progress, interactions…) needs no claim: AUs send
      // those in parallel, and a 409 would lose them. Only the last request's time is kept (for the sweep).
      if (next.state === session.state && next.passed === session.passed && next.failed === session.failed && outcome.reports.length === 0) {
        await Cmi5Session.updateOne({ _id: session._id }, { $set: { lastActivityAt: now } });
        return { stored: async () => {}, refused: async () => {} };
      }
      const changed = {
        state: next.state,
        passed: next.passed,
        failed: next.failed,
        lastActivityAt: now,
        ...(next.state === 'terminated' ? { endedAt: now } : {}),
      };
      // The claim: only the state these rules were checked against may move (a parallel request of the session retries).
      const claimed = await Cmi5Session.updateOne({ _id: session._id, version: session.version }, { $set: changed, $inc: { version: 1 } });
      if (claimed.modifiedCount !== 1) throw new ConflictError('cmi5: another request of this session was admitted at the same moment; send this one again.');
      return {
        stored: async () => {
          await afterReports(deps, { ...session, ...changed, version: session.version + 1 }, outcome.reports);
        },
        refused: async () => {
          await Cmi5Session.updateOne(
            { _id: session._id, version: session.version + 1 },
            { $set: { state: session.state, passed: session.passed, failed: session.failed }, $unset: next.state === 'terminated' ? { endedAt: 1 } : {}, $inc: { version: 1 } },
          );
        },
      };
    },
  };
}
