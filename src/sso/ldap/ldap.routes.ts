// POST /logowanie/ldap/:methodId: a username and password checked by the office's LDAP / Active Directory.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { createLoginRateLimit } from '../../auth/auth-rate-limits.js';
import type { WindowCounters } from '../../db/window-counter.js';
import { showLoginPage } from '../../auth/login.routes.js';
import { objectId } from '../../http/validate.js';
import { completeDirectorySignIn, showSignInFailed } from '../sign-in-completion.js';
import { enabledMethodById } from '../sign-in-methods.read.js';
import { LdapSignInBody } from '../sign-in-methods.schemas.js';
import type { LdapFormProblems } from '../sign-in-page.js';
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
      // A blank username or password never reaches the directory (an empty password would bind anonymously): the
      // sign-in page comes back with the office's form and a message at each blank field.
      const method = await enabledMethodById(methodId.data, 'ldap');
      if (!method) return showSignInFailed(req, res, 'method-unavailable');
      const errors: LdapFormProblems['errors'] = {};
      for (const issue of body.error.issues) {
        const field = issue.path[0];
        if ((field === 'username' || field === 'password') && !errors[field]) errors[field] = req.t(issue.message);
      }
      const typed: unknown = (req.body as { username?: unknown } | undefined)?.username;
      res.locals.ldapFormProblems = {
        methodId: methodId.data,
        officeId: String(method.organisationId),
        username: typeof typed === 'string' ? typed.slice(0, 256) : undefined,
        errors,
      } satisfies LdapFormProblems;
      return showLoginPage(req, res, 400);
    }
    const outcome = await signInWithLdap(platform, methodId.data, body.data.username, body.data.password);
    completeDirectorySignIn(req, res, next, outcome, { methodId: methodId.data, next: nextPath });
  });
  return router;
}
