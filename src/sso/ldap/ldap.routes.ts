// POST /logowanie/ldap/:methodId: a username and password checked by the office's LDAP / Active Directory.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { createLoginRateLimit } from '../../auth/auth-rate-limits.js';
import type { WindowCounters } from '../../db/window-counter.js';
import { objectId } from '../../http/validate.js';
import { completeDirectorySignIn, showSignInFailed } from '../sign-in-completion.js';
import { LdapSignInBody } from '../sign-in-methods.schemas.js';
import { signInWithLdap, type LdapSignInDeps } from './ldap-sign-in.service.js';

/** The LDAP sign-in, rate-limited as the platform-password login is (the same per-IP counter). */
export function ldapSignInRouter(platform: LdapSignInDeps & { counters: WindowCounters }): Router {
  const router = Router();
  const rateLimit = createLoginRateLimit(platform.counters, (req, res) => showSignInFailed(req, res, 'too-many'));
  router.post('/logowanie/ldap/:methodId', rateLimit, async (req: Request, res: Response, next: NextFunction) => {
    const methodId = objectId().safeParse(req.params.methodId);
    if (!methodId.success) return showSignInFailed(req, res, 'method-unavailable');
    const body = LdapSignInBody.safeParse(req.body);
    const nextPath = (req.body as { next?: unknown } | undefined)?.next;
    if (!body.success) {
      // A blank username or password never reaches the directory (an empty password would bind anonymously).
      completeDirectorySignIn(req, res, next, { failure: 'invalid', detail: 'blank username or password' }, { methodId: methodId.data });
      return;
    }
    const outcome = await signInWithLdap(platform, methodId.data, body.data.username, body.data.password);
    completeDirectorySignIn(req, res, next, outcome, { methodId: methodId.data, next: nextPath });
  });
  return router;
}
