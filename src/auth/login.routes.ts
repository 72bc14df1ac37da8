// /logowanie and /wyloguj: wiring for signing in (passport-local, rate-limited) and out.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { setFlash } from '../http/flash.js';
import { keepSessionForForm } from '../http/form-session.js';
import { defineForm, type FormView } from '../http/forms.js';
import { createLoginRateLimit } from './auth-rate-limits.js';
import { localPathOrNothing, LoginBody } from './auth.schemas.js';
import { loginReasonOf } from './login-reason.js';
import type { AccountPagesDeps } from './mail-context.js';
import type { AppPassport, LoginFailure } from './passport.js';
import { directorySignInView, methodHref, type LdapFormProblems } from '../sso/sign-in-page.js';
import { localPasswordRefusal, type OfferedMethod } from '../sso/sign-in-methods.read.js';
import { FindOfficeQuery } from '../sso/sign-in-methods.schemas.js';

/** Where people land after signing in when no (local) ?next= was given. */
export const AFTER_LOGIN_PATH = '/pulpit';

async function renderLogin(req: Request, res: Response, form: FormView): Promise<void> {
  const next = localPathOrNothing((req.body as { next?: unknown } | undefined)?.next) ?? localPathOrNothing(req.query.next);
  // The office's own directory methods (src/sso): found by the e-mail typed (?email=) or the office chosen (?urzad=);
  // after an LDAP form sent blank, that form's office, with its field messages.
  const ldapProblems = res.locals.ldapFormProblems as LdapFormProblems | undefined;
  const query = ldapProblems ? { urzad: ldapProblems.officeId } : FindOfficeQuery.parse(req.method === 'GET' ? req.query : {});
  const directory = await directorySignInView(query, next, ldapProblems);
  const ldapSummary = Object.entries(ldapProblems?.errors ?? {}).map(([field, message]) => ({ field: `ldap-${field}-${ldapProblems!.methodId}`, message }));
  res.render('auth/login', {
    directory,
    // Staff of an office that switched platform passwords off: the methods to use instead.
    useDirectory: res.locals.useDirectory as OfferedMethod[] | undefined,
    title: req.t('auth:login.title'),
    ...form,
    errorSummary: [...form.errorSummary, ...ldapSummary],
    next,
    // Reached from a page that needs a signed-in person (requireUser): the page says why, kept after a failed try.
    reason: loginReasonOf(next, req.t),
    // Set by the handler when the address is known but not confirmed: the page offers a new link.
    unconfirmedEmail: res.locals.unconfirmedEmail as string | undefined,
  });
}

const loginForm = defineForm({ schema: LoginBody, keep: ['email'], order: ['email', 'password'], show: renderLogin });

/**
 * The sign-in page again, with a status, for a form posted elsewhere: an office's LDAP form sent blank (src/sso/ldap)
 * puts its problems in `res.locals.ldapFormProblems` and shows them here, on the form the person used.
 */
export function showLoginPage(req: Request, res: Response, status: number): Promise<void> {
  return loginForm.show(req, res, { status });
}

/** Sign-in form, sign-in, and sign-out. */
export function loginRouter(deps: Pick<AccountPagesDeps, 'counters'>, passport: AppPassport): Router {
  const router = Router();
  // The same answer for the per-IP limit and for a paused account, known or not (see account-lockout.ts).
  const showTooMany = (req: Request, res: Response) => loginForm.show(req, res, { status: 429, values: req.body, fieldErrors: { email: ['auth:errors.tooManyLogins'] } });
  const loginRateLimit = createLoginRateLimit(deps.counters, showTooMany);

  router.get('/logowanie', keepSessionForForm, (req, res) => {
    if (req.user) {
      res.redirect(localPathOrNothing(req.query.next) ?? AFTER_LOGIN_PATH);
      return;
    }
    return loginForm.show(req, res);
  });

  router.post('/logowanie', loginRateLimit, loginForm.accept, (req: Request, res: Response, next: NextFunction) => {
    const input = loginForm.input(res);
    passport.authenticate('local', (error: unknown, user: Express.User | false, info?: LoginFailure) => {
      if (error) return next(error);
      if (!user) {
        if (info?.reason === 'paused') {
          showTooMany(req, res).catch(next);
        } else if (info?.reason === 'inactive' || info?.reason === 'pending') {
          const message = info.reason === 'inactive' ? 'auth:errors.accountInactive' : 'auth:errors.accountPending';
          loginForm.show(req, res, { status: 403, values: req.body, fieldErrors: { email: [message] } }).catch(next);
        } else if (info?.reason === 'unconfirmed') {
          res.locals.unconfirmedEmail = input.email;
          loginForm.show(req, res, { status: 403, values: req.body, fieldErrors: { email: ['auth:errors.emailNotConfirmed'] } }).catch(next);
        } else {
          loginForm.show(req, res, { status: 401, values: req.body, fieldErrors: { email: ['auth:errors.invalidCredentials'] } }).catch(next);
        }
        return;
      }
      // An office that switched platform passwords off for its staff (src/sso): the password was right, but the
      // page points to the office's directory instead (the operator is never refused).
      localPasswordRefusal(user)
        .then((methods) => {
          if (methods) {
            res.locals.useDirectory = methods.map((method) => ({ ...method, isLdap: method.kind === 'ldap', href: methodHref(method, input.next) }));
            return loginForm.show(req, res, { status: 403, values: req.body, fieldErrors: { email: ['auth:errors.useDirectory'] } });
          }
          logInWithSession(user);
        })
        .catch(next);
    })(req, res, next);
    function logInWithSession(user: Express.User): void {
      // passport ≥ 0.6 regenerates the session here, so a session id fixed before login is worthless after it.
      req.logIn(user, (loginError) => {
        if (loginError) return next(loginError);
        // Named on /konto's list of sessions (account/account-sessions.ts); stored before the redirect is sent.
        req.session.signedInAt = new Date().toISOString();
        req.session.userAgent = req.get('user-agent')?.slice(0, 300);
        req.session.save((saveError) => (saveError ? next(saveError) : res.redirect(input.next ?? AFTER_LOGIN_PATH)));
      });
    }
  });

  router.post('/wyloguj', (req, res, next) => {
    // logout() also regenerates the session: nothing of the signed-in session survives.
    req.logout((error) => {
      if (error) return next(error);
      setFlash(req, 'success', req.t('auth:logout.done'));
      res.redirect('/');
    });
  });
  return router;
}
