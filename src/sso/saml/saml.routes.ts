// SAML 2.0 sign-in: the AuthnRequest redirect, the Assertion Consumer Service (before CSRF) and the SP metadata: wiring only.
import { randomBytes } from 'node:crypto';
import { SamlStatusError } from '@node-saml/node-saml';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { localPathOrNothing } from '../../auth/auth.schemas.js';
import { createLoginRateLimit } from '../../auth/auth-rate-limits.js';
import type { Platform } from '../../platform.js';
import { provisionDirectoryAccount } from '../provisioning.service.js';
import { completeDirectorySignIn, showSignInFailed, type DirectorySignInFailure } from '../sign-in-completion.js';
import { enabledMethodById, signInMethodById } from '../sign-in-methods.read.js';
import { acceptAssertionOnce, profileFromSaml, samlOf, SamlSignInError, serviceProviderMetadata, serviceProviderOf } from './saml.service.js';

const FAILURE_OF: Record<SamlSignInError['reason'], DirectorySignInFailure> = {
  rejected: 'rejected',
  replayed: 'rejected',
  'provider-refused': 'provider-refused',
  'missing-attributes': 'no-email',
  misconfigured: 'other',
  unreachable: 'unavailable',
};

const AcsBody = z.object({ SAMLResponse: z.string().min(1).max(190_000), RelayState: z.string().max(200).optional() });

function fail(req: Request, res: Response, next: NextFunction, methodId: string, error: unknown): void {
  if (error instanceof SamlSignInError) {
    completeDirectorySignIn(req, res, next, { failure: FAILURE_OF[error.reason], detail: error.message }, { methodId });
    return;
  }
  if (error instanceof SamlStatusError) {
    completeDirectorySignIn(req, res, next, { failure: 'provider-refused', detail: `the IdP answered ${error.xmlStatus}: ${error.message}` }, { methodId });
    return;
  }
  // The database failing is not a refusal: the error handler answers it (503, try again), as on every page.
  if (error instanceof Error && error.name.startsWith('Mongo')) return next(error);
  // node-saml's own checks (signature, audience, times, InResponseTo, issuer) throw plain Errors: refused, never a 500.
  const detail = error instanceof Error ? error.message : String(error);
  completeDirectorySignIn(req, res, next, { failure: 'rejected', detail: `the SAML response was refused: ${detail}` }, { methodId });
}

/**
 * The Assertion Consumer Service, mounted before the CSRF check: the IdP's answer is a cross-site POST that carries
 * no token of ours (and no SameSite=Lax session cookie). What makes it safe instead: the signature over the
 * assertion, InResponseTo naming a request this method sent (kept in the database, single-use), the assertion's ID
 * claimed once, audience, recipient and validity times.
 */
export function samlAcsRouter(platform: Platform): Router {
  const router = Router();
  // Refused answers count with the failed password logins of the address (100 per 15 minutes); successful ones do not.
  const rateLimit = createLoginRateLimit(platform.counters, (req, res) => showSignInFailed(req, res, 'too-many'));
  router.post('/logowanie/saml/:methodId/acs', rateLimit, async (req, res, next) => {
    const methodId = String(req.params.methodId);
    const method = await enabledMethodById(methodId, 'saml');
    if (!method) return completeDirectorySignIn(req, res, next, { failure: 'method-unavailable', detail: 'no enabled SAML method with this id' }, { methodId });
    const body = AcsBody.safeParse(req.body);
    if (!body.success) return completeDirectorySignIn(req, res, next, { failure: 'rejected', detail: 'the POST carries no SAMLResponse' }, { methodId });
    try {
      const context = await samlOf(platform.config.BASE_URL, method);
      const { profile } = await context.saml.validatePostResponseAsync({ SAMLResponse: body.data.SAMLResponse });
      if (!profile) throw new SamlSignInError('rejected', 'the SAML response holds no assertion');
      await acceptAssertionOnce(context, method, profile);
      const directoryProfile = profileFromSaml(profile, context.settings);
      const nextPath = await context.requests.takeRelayState(body.data.RelayState);
      const outcome = await provisionDirectoryAccount(platform, method, directoryProfile);
      completeDirectorySignIn(req, res, next, outcome, { methodId, next: nextPath });
    } catch (error) {
      fail(req, res, next, methodId, error);
    }
  });
  return router;
}

/** The redirect to the IdP and the SP metadata. */
export function samlRouter(platform: Platform): Router {
  const router = Router();
  router.get('/logowanie/saml/:methodId', async (req, res, next) => {
    const methodId = String(req.params.methodId);
    const method = await enabledMethodById(methodId, 'saml');
    if (!method) return completeDirectorySignIn(req, res, next, { failure: 'method-unavailable', detail: 'no enabled SAML method with this id' }, { methodId });
    try {
      const context = await samlOf(platform.config.BASE_URL, method);
      // RelayState is an opaque random id; the (local) next path it stands for stays with us (saml_requests).
      const relayState = randomBytes(24).toString('base64url');
      await context.requests.saveRelayState(relayState, localPathOrNothing(req.query.next));
      const url = await context.saml.getAuthorizeUrlAsync(relayState, undefined, {});
      res.redirect(303, url);
    } catch (error) {
      fail(req, res, next, methodId, error);
    }
  });

  // Public: the office's IdP administrator reads it to register the platform (entity id, ACS).
  router.get('/saml/:methodId/metadata', async (req, res, next) => {
    const method = await signInMethodById(String(req.params.methodId));
    if (!method || method.kind !== 'saml') return next();
    try {
      res.type('application/samlmetadata+xml').send(serviceProviderMetadata(serviceProviderOf(platform.config.BASE_URL, method)));
    } catch (error) {
      req.log?.warn({ signInMethodId: String(method._id), detail: (error as Error).message }, 'SAML metadata: the method is not configured');
      next();
    }
  });
  return router;
}
