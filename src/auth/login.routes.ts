// /logowanie and /wyloguj: wiring for signing in (passport-local, rate-limited) and out.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { ValidationError } from '../http/errors.js';
import { parseInput } from '../http/validate.js';
import { createLoginRateLimit } from './auth-rate-limits.js';
import { formView } from './auth.presenter.js';
import { keepSessionForForm } from './form-session.js';
import { LocalPath, LoginBody } from './auth.schemas.js';
import { setFlash } from './flash.js';
import type { AppPassport, LoginFailure } from './passport.js';

/** Where people land after signing in when no (local) ?next= was given. */
export const AFTER_LOGIN_PATH = '/moje-szkolenia';

/** The ?next= / hidden `next` value when it is a path on this site; anything else is ignored. */
function localNext(value: unknown): string | undefined {
  const parsed = LocalPath.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function renderLogin(
  req: Request,
  res: Response,
  status: number,
  extra: { fieldErrors?: Record<string, string[]>; unconfirmedEmail?: string } = {},
): void {
  const form = formView(req.t, req.body, { keep: ['email'], fieldErrors: extra.fieldErrors, order: ['email', 'password'] });
  res.status(status).render('auth/login', {
    title: req.t('auth:login.title'),
    ...form,
    next: localNext((req.body as { next?: unknown } | undefined)?.next) ?? localNext(req.query.next),
    unconfirmedEmail: extra.unconfirmedEmail,
  });
}

/** Sign-in form, sign-in, and sign-out. */
export function loginRouter(passport: AppPassport): Router {
  const router = Router();
  const loginRateLimit = createLoginRateLimit((req, res) => renderLogin(req, res, 429, { fieldErrors: { email: ['auth:errors.tooManyLogins'] } }));

  router.get('/logowanie', keepSessionForForm, (req, res) => {
    if (req.user) {
      res.redirect(localNext(req.query.next) ?? AFTER_LOGIN_PATH);
      return;
    }
    renderLogin(req, res, 200);
  });

  router.post('/logowanie', loginRateLimit, (req: Request, res: Response, next: NextFunction) => {
    let input;
    try {
      input = parseInput(LoginBody, req.body);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      renderLogin(req, res, 400, { fieldErrors: error.fieldErrors });
      return;
    }
    passport.authenticate('local', (error: unknown, user: Express.User | false, info?: LoginFailure) => {
      if (error) return next(error);
      if (!user) {
        if (info?.reason === 'unconfirmed') {
          renderLogin(req, res, 403, { fieldErrors: { email: ['auth:errors.emailNotConfirmed'] }, unconfirmedEmail: input.email });
        } else {
          renderLogin(req, res, 401, { fieldErrors: { email: ['auth:errors.invalidCredentials'] } });
        }
        return;
      }
      // passport ≥ 0.6 regenerates the session here, so a session id fixed before login is worthless after it.
      req.logIn(user, (loginError) => {
        if (loginError) return next(loginError);
        res.redirect(input.next ?? AFTER_LOGIN_PATH);
      });
    })(req, res, next);
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
