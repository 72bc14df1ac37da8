// POST /wyloguj of a session signed in through OIDC: the local session is cleared, then the provider's own sign-out.
import { Router } from 'express';
import type { Platform } from '../../platform.js';
import { signInMethodById } from '../sign-in-methods.read.js';
import { endSessionUrl } from './oidc.client.js';
import { providerOf } from './oidc.service.js';

/**
 * Mounted before the platform's own /wyloguj (auth/login.routes.ts), which handles every other sign-out. When the
 * provider offers RP-initiated logout (end_session_endpoint) the browser goes there with id_token_hint and comes
 * back to BASE_URL; when it does not, or discovery fails now, the platform's sign-out runs as for a password.
 */
export function oidcSignOutRouter(platform: Platform): Router {
  const router = Router();
  router.post('/wyloguj', async (req, res, next) => {
    const idToken = req.session.oidcIdToken;
    const methodId = req.session.signInMethodId;
    if (!idToken || !methodId) return next();
    const method = await signInMethodById(methodId);
    if (!method || method.kind !== 'oidc') return next();
    let target: URL | undefined;
    try {
      const { configuration } = await providerOf(platform, method);
      target = endSessionUrl(configuration, idToken, new URL('/', platform.config.BASE_URL).href);
    } catch (error) {
      req.log?.warn({ signInMethodId: methodId, detail: (error as Error).message }, 'OIDC sign-out: the provider cannot be reached, local sign-out only');
    }
    if (!target) return next();
    // logout() regenerates the session: nothing of the signed-in session (the ID token included) survives.
    req.logout((error) => (error ? next(error) : res.redirect(303, target.href)));
  });
  return router;
}
