// Rate limits for the account forms: password spraying (login), mail flooding (reset, resend, registration), mass sign-ups.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { WindowCounters } from '../db/window-counter.js';
import { TooManyRequestsError } from '../http/errors.js';
import { databaseRateLimitStore } from '../http/rate-limit-store.js';

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const ONE_HOUR = 60 * 60 * 1000;

// Every counter lives in the database (http/rate-limit-store.ts), so instances behind a load balancer share
// them. The client address is req.ip: what TRUST_PROXY lets the proxies in front say, never what a client says.

/** The client address; an IPv6 /56 counts as one. */
function clientAddress(req: Request): string {
  return ipKeyGenerator(req.ip ?? '');
}

/** The e-mail typed in the form, as the forms normalise it. */
function typedEmail(req: Request): string {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
}

/**
 * 100 failed logins per 15 minutes per IP whatever the address, against trying one password on many accounts;
 * high enough for a whole office behind one NAT address. Successful logins (a redirect) do not count.
 * Guessing one account's password is stopped by the per-account lock-out (account-lockout.ts), from any IP.
 * `onLimit` renders the login form with status 429 (if that fails, the error goes on to `next`).
 */
export function createLoginRateLimit(counters: WindowCounters, onLimit: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return rateLimit({
    windowMs: FIFTEEN_MINUTES,
    limit: 100,
    keyGenerator: clientAddress,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: databaseRateLimitStore(counters, 'login-ip'),
    handler: (req, res, next) => {
      onLimit(req, res).catch(next);
    },
  });
}

/**
 * The mail-sending forms (registration, resending the confirmation, password reset) share two limits; forms
 * sent back with errors (4xx) count for neither, so correcting a typo locks nobody out:
 * - 5 per 15 minutes per IP and e-mail typed (one person hammering the button);
 * - 10 per hour per e-mail typed, whatever the IP, so nobody's mailbox can be flooded from many addresses.
 */
export function createMailRateLimit(counters: WindowCounters): RequestHandler[] {
  const perIpAndAddress = rateLimit({
    windowMs: FIFTEEN_MINUTES,
    limit: 5,
    keyGenerator: (req) => `${clientAddress(req)}|${typedEmail(req)}`,
    skipFailedRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: databaseRateLimitStore(counters, 'mail-ip-email'),
    handler: (req: Request, _res: Response, next: NextFunction) => next(new TooManyRequestsError(req.t('auth:errors.tooManyMails'))),
  });
  const perAddress = rateLimit({
    windowMs: ONE_HOUR,
    limit: 10,
    keyGenerator: typedEmail,
    skipFailedRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    store: databaseRateLimitStore(counters, 'mail-email'),
    handler: (req: Request, _res: Response, next: NextFunction) => next(new TooManyRequestsError(req.t('auth:errors.tooManyMailsToAddress'))),
  });
  return [perIpAndAddress, perAddress];
}

/**
 * `perHour` sign-ups per hour per IP whatever the address (SIGNUP_RATE_LIMIT_PER_HOUR, 100 by default): a script
 * cannot create accounts (and mails) by the thousand, while an office registering its whole staff in one
 * training session behind one NAT address can.
 */
export function createSignUpRateLimit(counters: WindowCounters, perHour: number): RequestHandler {
  return rateLimit({
    windowMs: ONE_HOUR,
    limit: perHour,
    keyGenerator: clientAddress,
    skipFailedRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    store: databaseRateLimitStore(counters, 'signup-ip'),
    handler: (req: Request, _res: Response, next: NextFunction) => next(new TooManyRequestsError(req.t('auth:errors.tooManySignups'))),
  });
}
