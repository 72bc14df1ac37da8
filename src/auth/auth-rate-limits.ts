// Rate limits for the account forms: password guessing (login) and mail flooding (reset, resend, registration).
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { TooManyRequestsError } from '../http/errors.js';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** IP (an IPv6 /56 counts as one) plus the e-mail typed, so one office NAT does not lock out its colleagues. */
function ipAndEmail(req: Request): string {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return `${ipKeyGenerator(req.ip ?? '')}|${typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : ''}`;
}

/**
 * 10 failed logins per 15 minutes per IP and e-mail; successful logins (a redirect) do not count.
 * `onLimit` renders the login form with status 429 (if that fails, the error goes on to `next`).
 * One store per app, so test servers are independent. Returns the middlewares to put before the login handler.
 */
export function createLoginRateLimit(onLimit: (req: Request, res: Response) => Promise<void>) {
  const perAddress = rateLimit({
    windowMs: FIFTEEN_MINUTES,
    limit: 10,
    keyGenerator: ipAndEmail,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res, next) => {
      onLimit(req, res).catch(next);
    },
  });
  // Also 100 failed logins per 15 minutes per IP whatever the address, against trying one password on
  // many accounts; high enough for a whole office behind one NAT address.
  const perIp = rateLimit({
    windowMs: FIFTEEN_MINUTES,
    limit: 100,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    skipSuccessfulRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    handler: (req, res, next) => {
      onLimit(req, res).catch(next);
    },
  });
  return [perIp, perAddress];
}

/**
 * 5 mail-sending requests per 15 minutes per IP and e-mail; more get the 429 error page.
 * Forms sent back with errors (4xx) do not count: correcting a typo must not lock anyone out.
 */
export function createMailRateLimit() {
  return rateLimit({
    windowMs: FIFTEEN_MINUTES,
    limit: 5,
    keyGenerator: ipAndEmail,
    skipFailedRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req: Request, _res: Response, next: NextFunction) => next(new TooManyRequestsError(req.t('auth:errors.tooManyMails'))),
  });
}
