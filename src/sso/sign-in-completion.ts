// The end of every directory sign-in (LDAP, OIDC, SAML): the session on success, one clear page and a log line on failure.
import type { NextFunction, Request, Response } from 'express';
import { localPathOrNothing } from '../auth/auth.schemas.js';
import { AFTER_LOGIN_PATH } from '../auth/login.routes.js';
import type { SessionUser } from '../auth/session-user.js';
import type { SessionData } from 'express-session';
import { noStore } from '../http/cache-control.js';
import type { ProvisioningFailure } from './provisioning.service.js';
import { signInMethodById } from './sign-in-methods.read.js';

declare module 'express-session' {
  interface SessionData {
    /** The sign-in method that signed the person in (sign-out, single logout), unset after a platform password. */
    signInMethodId?: string;
  }
}

/**
 * Why a directory sign-in failed, as the person's page and the admin's log line name it. Provisioning's reasons,
 * and the protocols': wrong username or password (invalid), an account disabled at the directory (disabled), the
 * directory not answering (unavailable), a token or assertion refused (rejected), a method gone or switched off
 * (method-unavailable), or anything else the adapter could not make sense of (other).
 */
export type DirectorySignInFailure = ProvisioningFailure | 'invalid' | 'disabled' | 'unavailable' | 'rejected' | 'method-unavailable' | 'provider-refused' | 'too-many' | 'other';

/** What an adapter hands over: a signed-in person, or why not (with an optional detail for the log only). */
export type DirectorySignInOutcome = { user: SessionUser } | { failure: DirectorySignInFailure; detail?: string };

const STATUS: Record<DirectorySignInFailure, number> = {
  invalid: 401,
  rejected: 401,
  disabled: 403,
  inactive: 403,
  'other-office': 403,
  'no-email': 403,
  'no-subject': 403,
  'linked-elsewhere': 403,
  'method-unavailable': 404,
  'provider-refused': 401,
  unavailable: 503,
  'too-many': 429,
  other: 401,
};

/** The failures the page explains in words of their own (locales/…/sso.json failed.*); the rest get a general text. */
const EXPLAINED = new Set<DirectorySignInFailure>([
  'invalid',
  'disabled',
  'inactive',
  'other-office',
  'no-email',
  'unavailable',
  'rejected',
  'method-unavailable',
  'provider-refused',
  'too-many',
]);

/**
 * Finishes a directory sign-in. Success: a new session (passport's logIn regenerates it, so a session id fixed
 * before is worthless), stamped as the platform-password login stamps it, remembering the method; then a redirect
 * to `next` when it is a local path, the dashboard otherwise. Failure: the sign-in-failed page (401/403/503, in the
 * person's language, naming no internals) and a warning for the admin with the method and the reason.
 */
export function completeDirectorySignIn(
  req: Request,
  res: Response,
  next: NextFunction,
  outcome: DirectorySignInOutcome,
  options: { methodId: string; next?: unknown; session?: Partial<SessionData> },
): void {
  if ('failure' in outcome) {
    req.log?.warn({ signInMethodId: options.methodId, reason: outcome.failure, detail: outcome.detail }, 'directory sign-in refused');
    showSignInFailed(req, res, outcome.failure, options.methodId).catch(next);
    return;
  }
  const target = localPathOrNothing(options.next) ?? AFTER_LOGIN_PATH;
  req.logIn(outcome.user, (loginError) => {
    if (loginError) return next(loginError);
    req.session.signedInAt = new Date().toISOString();
    req.session.userAgent = req.get('user-agent')?.slice(0, 300);
    req.session.signInMethodId = options.methodId;
    // What the protocol keeps for the sign-out (OIDC: the ID token for id_token_hint), set on the new session.
    Object.assign(req.session, options.session ?? {});
    req.session.save((saveError) => (saveError ? next(saveError) : res.redirect(303, target)));
  });
}

/**
 * The one page for a refused directory sign-in. Its way back leads to the sign-in page with the method's office
 * already chosen, so a mistyped password costs one click, not the search for the office again.
 */
export async function showSignInFailed(req: Request, res: Response, failure: DirectorySignInFailure, methodId?: string): Promise<void> {
  noStore(res);
  const method = methodId ? await signInMethodById(methodId) : undefined;
  res.status(STATUS[failure] ?? 401);
  const key = EXPLAINED.has(failure) ? failure : 'general';
  res.render('sso/sign-in-failed', {
    title: req.t('sso:failed.title'),
    message: req.t(`sso:failed.${key}`),
    back: method ? `/logowanie?urzad=${String(method.organisationId)}` : '/logowanie',
  });
}
