// /logowanie/oidc/:methodId (to the provider) and /logowanie/oidc/:methodId/powrot (the redirect_uri): wiring only.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { localPathOrNothing } from '../../auth/auth.schemas.js';
import { createLoginRateLimit } from '../../auth/auth-rate-limits.js';
import type { Platform } from '../../platform.js';
import { provisionDirectoryAccount } from '../provisioning.service.js';
import { completeDirectorySignIn, showSignInFailed, type DirectorySignInFailure } from '../sign-in-completion.js';
import { enabledMethodById } from '../sign-in-methods.read.js';
import { authorizationRedirect, completeAuthorization, OidcSignInError, type OidcPendingSignIn } from './oidc.client.js';
import { oidcRedirectUri, providerOf } from './oidc.service.js';

declare module 'express-session' {
  interface SessionData {
    /** Sign-ins started and not yet returned, by method id: state, nonce and PKCE verifier are single-use. */
    oidcPending?: Record<string, OidcPendingSignIn & { next?: string; startedAt: number }>;
    /** The ID token of an OIDC sign-in, for the provider's sign-out (id_token_hint). */
    oidcIdToken?: string;
  }
}

/** A sign-in started more than this long ago is not finished (the provider's own codes live far shorter). */
const PENDING_MAX_AGE_MS = 15 * 60 * 1000;

const FAILURE_OF: Record<OidcSignInError['reason'], DirectorySignInFailure> = {
  provider_unreachable: 'unavailable',
  provider_refused: 'provider-refused',
  invalid_response: 'rejected',
  missing_claims: 'no-email',
  misconfigured: 'other',
};

export function oidcRouter(platform: Platform): Router {
  const router = Router();
  const fail = (req: Request, res: Response, next: NextFunction, methodId: string, error: unknown) => {
    if (!(error instanceof OidcSignInError)) return next(error);
    completeDirectorySignIn(req, res, next, { failure: FAILURE_OF[error.reason], detail: error.message }, { methodId });
  };

  router.get('/logowanie/oidc/:methodId', async (req, res, next) => {
    const methodId = String(req.params.methodId);
    const method = await enabledMethodById(methodId, 'oidc');
    if (!method) return completeDirectorySignIn(req, res, next, { failure: 'method-unavailable', detail: 'no enabled OIDC method with this id' }, { methodId });
    try {
      const { settings, configuration } = await providerOf(platform, method);
      const { url, pending } = await authorizationRedirect(configuration, settings, oidcRedirectUri(platform.config.BASE_URL, methodId));
      const now = Date.now();
      const kept = Object.entries(req.session.oidcPending ?? {}).filter(([id, entry]) => id !== methodId && now - entry.startedAt < PENDING_MAX_AGE_MS);
      req.session.oidcPending = { ...Object.fromEntries(kept), [methodId]: { ...pending, next: localPathOrNothing(req.query.next), startedAt: now } };
      req.session.save((error) => (error ? next(error) : res.redirect(303, url.href)));
    } catch (error) {
      fail(req, res, next, methodId, error);
    }
  });

  // Refused returns count with the failed password logins of the address (100 per 15 minutes); successful ones do not.
  const rateLimit = createLoginRateLimit(platform.counters, (req, res) => showSignInFailed(req, res, 'too-many'));
  router.get('/logowanie/oidc/:methodId/powrot', rateLimit, async (req, res, next) => {
    const methodId = String(req.params.methodId);
    const pending = req.session.oidcPending?.[methodId];
    // Single use: whatever happens next, this state, nonce and verifier are spent.
    if (req.session.oidcPending) delete req.session.oidcPending[methodId];
    const method = await enabledMethodById(methodId, 'oidc');
    if (!method) return completeDirectorySignIn(req, res, next, { failure: 'method-unavailable', detail: 'no enabled OIDC method with this id' }, { methodId });
    if (!pending || Date.now() - pending.startedAt > PENDING_MAX_AGE_MS) {
      const detail = pending ? 'the sign-in was started too long ago' : 'no sign-in was started in this session (state unknown)';
      return completeDirectorySignIn(req, res, next, { failure: 'rejected', detail }, { methodId });
    }
    try {
      const { settings, configuration } = await providerOf(platform, method);
      // The URL the provider was told (from BASE_URL) with the query it sent back: never the request's Host.
      const callbackUrl = new URL(oidcRedirectUri(platform.config.BASE_URL, methodId));
      callbackUrl.search = new URL(req.originalUrl, 'http://callback.invalid').search;
      const { profile, idToken } = await completeAuthorization(configuration, settings, callbackUrl, pending);
      const outcome = await provisionDirectoryAccount(platform, method, profile);
      completeDirectorySignIn(req, res, next, outcome, { methodId, next: pending.next, session: { oidcIdToken: idToken } });
    } catch (error) {
      fail(req, res, next, methodId, error);
    }
  });
  return router;
}
