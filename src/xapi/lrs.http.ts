// HTTP plumbing of the LRS: version header, CORS, raw body, alternate request syntax, Basic auth, JSON errors.
import { randomUUID } from 'node:crypto';
import cors from 'cors';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { WindowCounters } from '../db/window-counter.js';
import { logOutage, withOutageAsUnavailable } from '../http/error-handler.js';
import { AppError, BadRequestError, ForbiddenError, ServiceUnavailableError, TooManyRequestsError, UnauthorizedError } from '../http/errors.js';
import { databaseRateLimitStore } from '../http/rate-limit-store.js';
import type { Logger } from '../logger.js';
import { authenticateLrsClient, type LrsCredentials } from './lrs-client.service.js';
import type { LrsSessionAuthority } from './lrs-session.js';

export const XAPI_VERSION = '1.0.3';

/** What each LRS handler works from, whichever request syntax the client used. */
export interface LrsRequest {
  /** Query parameters (or, in the alternate syntax, the form parameters that stand for them). */
  params: Map<string, string>;
  body: Buffer;
  /** Media type of the body without parameters, lower-case (e.g. application/json). */
  contentType: string;
  /** The full Content-Type header (multipart needs its boundary). */
  contentTypeHeader: string;
  headers: { ifMatch?: string; ifNoneMatch?: string; acceptLanguage?: string };
  credentials?: LrsCredentials;
}

export function lrsRequest(res: Response): LrsRequest {
  return res.locals.lrs as LrsRequest;
}

/** Every response carries the version header, errors included. */
export const versionHeader: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Experience-API-Version', XAPI_VERSION);
  // helmet's same-origin default would stop content on other origins from reading LRS responses in some browsers.
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  // Browsers must take the Content-Type as sent (helmet sets it for pages; the LRS is mounted after helmet, but said here too).
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};

/** Browser-based content on other origins calls the LRS with Basic credentials in the Authorization header. */
export const corsPolicy = cors({
  origin: true,
  methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
  // allowedHeaders left unset: the preflight's requested headers are reflected, so content packages that add
  // their own headers (X-Requested-With, …) still work; Authorization and the xAPI headers are among them.
  exposedHeaders: ['ETag', 'Last-Modified', 'X-Experience-API-Version', 'X-Experience-API-Consistent-Through', 'Content-Type'],
  maxAge: 600,
});

/** The client key named in a Basic Authorization header (not yet checked), or '' without one. */
function claimedClientKey(req: Request): string {
  const match = /^Basic\s+([A-Za-z0-9+/=._-]+)\s*$/i.exec(header(req, 'authorization') ?? '');
  if (!match) return '';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded.slice(0, Math.max(0, decoded.indexOf(':'))).slice(0, 100);
}

/**
 * `perMinute` requests per minute per address and client key (0 turns the limit off); above it a 429 JSON error
 * with Retry-After. Keyed by address and key together, so the learners of one office behind one NAT address
 * share a bucket only per key, and wrong secrets sent with someone's key spend only the sender's bucket.
 * Runs before authentication, so guessing secrets is limited too. The counters are in the database, so
 * instances behind a load balancer share them.
 */
export function lrsRateLimit(counters: WindowCounters, perMinute: number): RequestHandler {
  if (perMinute === 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${claimedClientKey(req)}`,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: databaseRateLimitStore(counters, 'lrs'),
    handler: (_req, _res, next) =>
      next(new TooManyRequestsError(`Too many requests: this LRS accepts ${perMinute} per minute from one address and client key. Wait for Retry-After seconds.`)),
  });
}

/** Keeps the body as bytes: statements, documents and multipart parts are interpreted per resource. */
export function rawBody(limitMegabytes: number): RequestHandler {
  // Largest statement batch, document or attachment set the LRS accepts (413 above); XAPI_MAX_BODY_MB.
  return express.raw({ type: () => true, limit: limitMegabytes * 1024 * 1024 });
}

const FORM_HEADERS = new Map([
  ['authorization', 'authorization'],
  ['x-experience-api-version', 'x-experience-api-version'],
  ['content-type', 'content-type'],
  ['content-length', 'content-length'],
  ['if-match', 'if-match'],
  ['if-none-match', 'if-none-match'],
]);

/**
 * Builds res.locals.lrs. In the alternate request syntax (POST ?method=PUT with a form body) the form's header
 * parameters become headers, "content" the body, the rest the query parameters, and the request is re-routed
 * under the intended method.
 */
export const prepareRequest: RequestHandler = (req, res, next) => {
  const url = new URL(req.originalUrl, 'http://lrs.invalid');
  const params = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    if (params.has(name)) throw new BadRequestError(`The parameter "${name}" is given more than once.`);
    params.set(name, value);
  }
  let body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  let contentTypeHeader = req.headers['content-type'] ?? '';

  if (params.has('method')) {
    if (req.method !== 'POST') throw new BadRequestError('The alternate request syntax (?method=…) must use POST.');
    const method = params.get('method')!.toUpperCase();
    if (!['GET', 'PUT', 'POST', 'DELETE', 'HEAD'].includes(method)) throw new BadRequestError(`Unsupported method "${params.get('method')}".`);
    if (params.size > 1) throw new BadRequestError('With the alternate request syntax, "method" must be the only query parameter; send the others as form parameters.');
    if (!/^application\/x-www-form-urlencoded/i.test(contentTypeHeader)) {
      throw new BadRequestError('The alternate request syntax needs a body of type application/x-www-form-urlencoded.');
    }
    params.clear();
    const form = new URLSearchParams(body.toString('utf8'));
    body = Buffer.alloc(0);
    contentTypeHeader = '';
    for (const [name, value] of form) {
      const header = FORM_HEADERS.get(name.toLowerCase());
      if (name === 'content') body = Buffer.from(value, 'utf8');
      else if (header === 'content-type') contentTypeHeader = value;
      else if (header && header !== 'content-length') req.headers[header] = value;
      else if (!header) {
        if (params.has(name)) throw new BadRequestError(`The parameter "${name}" is given more than once.`);
        params.set(name, value);
      }
    }
    if (!contentTypeHeader && body.length) contentTypeHeader = 'application/json';
    req.method = method;
  } else if (/^application\/x-www-form-urlencoded/i.test(contentTypeHeader) && req.method === 'POST') {
    throw new BadRequestError('A form-encoded body is only accepted with the alternate request syntax (?method=…).');
  }

  const lrs: LrsRequest = {
    params,
    body,
    contentType: contentTypeHeader.split(';')[0].trim().toLowerCase(),
    contentTypeHeader,
    headers: {
      ifMatch: header(req, 'if-match'),
      ifNoneMatch: header(req, 'if-none-match'),
      acceptLanguage: header(req, 'accept-language'),
    },
  };
  res.locals.lrs = lrs;
  next();
};

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Rejects requests without a supported X-Experience-API-Version header (1.0, 1.0.x). */
export const requireVersion: RequestHandler = (req, _res, next) => {
  const version = header(req, 'x-experience-api-version');
  if (!version) throw new BadRequestError('Missing the X-Experience-API-Version header; send 1.0.3.');
  if (!/^1\.0(\.\d+)?$/.test(version.trim())) {
    throw new BadRequestError(`Unsupported xAPI version "${version}"; this LRS speaks 1.0.x (send 1.0.3).`);
  }
  next();
};

/**
 * HTTP Basic against the LRS clients, or against the session authority for a session token (cmi5's auth-token is
 * sent as `Basic <token>`). Failed attempts are counted per address and claimed key: once
 * `failuresPerMinute` of them fall in one minute, the next attempts get 429 (with Retry-After) before any secret is
 * checked, so guessing a client's secret, or a client looping with a wrong one, cannot keep the CPU busy with
 * scrypt. Successful requests are not counted (one `_id` read each), so a working client never meets this limit.
 */
export function authenticate(counters: WindowCounters, failuresPerMinute: number, sessions?: LrsSessionAuthority): RequestHandler {
  return async (req, res, next) => {
    const authorization = header(req, 'authorization') ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=._-]+)\s*$/i.exec(authorization);
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Akademia JST LRS"');
      throw new UnauthorizedError('Authenticate with HTTP Basic using an LRS client key and secret.');
    }
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const failures = `lrs-auth-failures:${ipKeyGenerator(req.ip ?? '')}|${claimedClientKey(req)}`;
    const counted = await counters.peekHits(failures);
    if (counted && counted.hits >= failuresPerMinute) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil((counted.resetAt.getTime() - Date.now()) / 1000))));
      throw new TooManyRequestsError(
        `Too many failed authentications: ${failuresPerMinute} per minute from one address with one client key. Check the key and secret, then try again after Retry-After seconds.`,
      );
    }
    const key = decoded.slice(0, Math.max(0, colon));
    // A session token (cmi5) is the session authority's to check; its keys never look like an LRS client's.
    const bySession = sessions !== undefined && key.startsWith(sessions.keyPrefix);
    const credentials =
      colon <= 0 ? undefined : bySession ? await sessions.authenticate(key, decoded.slice(colon + 1)) : await authenticateLrsClient(key, decoded.slice(colon + 1));
    if (!credentials) {
      await counters.countHit(failures, 60_000);
      res.setHeader('WWW-Authenticate', 'Basic realm="Akademia JST LRS"');
      throw new UnauthorizedError('Unknown LRS client key or wrong secret.');
    }
    lrsRequest(res).credentials = credentials;
    next();
  };
}

/** Reads need read scope; everything else needs write scope. */
export const authorise: RequestHandler = (req, res, next) => {
  const credentials = lrsRequest(res).credentials!;
  const reading = req.method === 'GET' || req.method === 'HEAD';
  if (reading && !credentials.canRead) throw new ForbiddenError('This LRS client may not read.');
  if (!reading && !credentials.canWrite) throw new ForbiddenError('This LRS client may not write.');
  next();
};

/** The LRS's own error handler: JSON `{ error, message }` with the version header, never an HTML page. */
export function lrsErrorHandler(logger: Logger) {
  return (original: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = withOutageAsUnavailable(original);
    const status = error instanceof AppError ? error.status : typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
    const errorId = randomUUID();
    const unavailable = logOutage(logger, original, error, errorId, req.originalUrl);
    if (status >= 500 && !unavailable) logger.error({ err: error, errorId, url: req.originalUrl }, 'LRS request failed');
    res.setHeader('X-Experience-API-Version', XAPI_VERSION);
    if (res.headersSent) {
      res.end();
      return;
    }
    const code = error instanceof AppError ? error.code : status === 413 ? 'payload_too_large' : status >= 500 ? 'internal_error' : 'bad_request';
    if (error instanceof ServiceUnavailableError) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
      // A batch may have been partly stored when the connection dropped: sending it again with the same statement
      // ids is safe (identical statements are accepted again), which is what this tells the client to do.
      res.status(503).json({
        error: code,
        message: `The LRS database is unavailable for a moment. Statements of this request may not have been stored: send the request again after ${error.retryAfterSeconds} s (Retry-After), with the same statement ids.`,
        retryAfterSeconds: error.retryAfterSeconds,
        errorId,
      });
      return;
    }
    const message =
      status >= 500
        ? 'The LRS failed to process the request; nothing was stored. Try again later.'
        : error instanceof AppError
          ? error.message
          : status === 413
            ? `The request is larger than the LRS accepts (${Math.floor(Number((error as { limit?: number }).limit) / 1024 / 1024)} MB).`
            : ((error as Error)?.message ?? 'Bad request.');
    res.status(status).json({ error: code, message, ...(status >= 500 ? { errorId } : {}) });
  };
}
