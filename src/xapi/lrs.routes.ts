// The LRS at /xapi: its own body parsing, CORS, version header, Basic auth and JSON errors; then the resources.
import { requireDatabase } from '../http/database-guard.js';
import { Router, type Request, type Response } from 'express';
import type { Platform } from '../platform.js';
import { NotFoundError } from '../http/errors.js';
import { documentsRouter } from './documents.routes.js';
import { describeActivity } from './activity.service.js';
import { ActivityParams, AgentParams, NoParams, parseParams } from './lrs.schemas.js';
import {
  XAPI_VERSION,
  authenticate,
  authorise,
  corsPolicy,
  lrsErrorHandler,
  lrsRateLimit,
  lrsRequest,
  prepareRequest,
  rawBody,
  requireVersion,
  versionHeader,
} from './lrs.http.js';
import type { LrsSessionAuthority } from './lrs-session.js';
import { consistentThrough, statementsRouter } from './statements.routes.js';

function about(_req: Request, res: Response): void {
  parseParams(NoParams, lrsRequest(res).params);
  res.json({ version: [XAPI_VERSION, '1.0.0'], extensions: {} });
}

async function activity(_req: Request, res: Response): Promise<void> {
  const lrs = lrsRequest(res);
  const { activityId } = parseParams(ActivityParams, lrs.params);
  res.json(await describeActivity(lrs.credentials!.organisationId, activityId));
}

/** The Person object: the LRS knows nothing more than the agent asked about (no directory behind it). */
function person(_req: Request, res: Response): void {
  const { agent } = parseParams(AgentParams, lrsRequest(res).params);
  const value = agent as Record<string, unknown>;
  const result: Record<string, unknown> = { objectType: 'Person' };
  for (const key of ['name', 'mbox', 'mbox_sha1sum', 'openid', 'account']) if (value[key] !== undefined) result[key] = [value[key]];
  res.json(result);
}

/** Builds the LRS router; mount it at /xapi before sessions and CSRF (it authenticates each request itself). */
export function xapiRouter(platform: Platform, options: { sessions?: LrsSessionAuthority } = {}): Router {
  const { config, logger } = platform;
  const router = Router();
  router.use(versionHeader, corsPolicy);
  // Every Statements response carries the header, rejections included.
  router.use('/statements', consistentThrough);
  // After CORS (preflights are answered without counting), before anything that reads the body or a secret.
  router.use(lrsRateLimit(platform.counters, config.XAPI_RATE_LIMIT_PER_MINUTE));
  router.use(rawBody(config.XAPI_MAX_BODY_MB), prepareRequest);
  // About is open and version-agnostic (spec Communication 2.8).
  router.get('/about', about);
  // While the database is known to be down, 503 with Retry-After at once (authentication would need it first).
  router.use(requireDatabase, requireVersion, authenticate(platform.counters, config.XAPI_AUTH_FAILURES_PER_MINUTE, options.sessions), authorise);
  // A session token (cmi5) reaches only what its session may: the authority says no before any resource answers.
  router.use(async (req, res, next) => {
    const lrs = lrsRequest(res);
    if (lrs.credentials?.sessionId && options.sessions) await options.sessions.checkRequest(lrs.credentials, { method: req.method, path: req.path, params: lrs.params });
    next();
  });
  router.use(statementsRouter({ ...platform, sessions: options.sessions }));
  router.use(documentsRouter());
  router.get('/activities', activity);
  router.get('/agents', person);
  router.use(() => {
    throw new NotFoundError('No such xAPI resource. See /xapi/about; resources are statements, activities, activities/state, activities/profile, agents, agents/profile.');
  });
  router.use(lrsErrorHandler(logger));
  return router;
}
