// CSRF protection for every HTML form (double-submit cookie bound to the session).
import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { AppError } from './errors.js';

export function createCsrfProtection(secret: string, secureCookies: boolean) {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => req.session?.id ?? '',
    cookieName: secureCookies ? '__Host-ajst.x-csrf' : 'ajst.x-csrf',
    cookieOptions: { sameSite: 'lax', secure: secureCookies, path: '/', httpOnly: true },
    getCsrfTokenFromRequest: (req) => (req.body as { _csrf?: string } | undefined)?._csrf ?? req.get('x-csrf-token'),
    errorConfig: { statusCode: 403, message: 'csrf', code: 'EBADCSRFTOKEN' },
  });

  return {
    /** Verifies the token on unsafe methods and exposes a fresh one to the views as `csrfToken`. */
    middleware(this: void, req: Request, res: Response, next: NextFunction) {
      doubleCsrfProtection(req, res, (error?: unknown) => {
        if (error) {
          next(new AppError('Formularz wygasł. Odśwież stronę i spróbuj ponownie.', 403, 'csrf_failed'));
          return;
        }
        res.locals.csrfToken = generateCsrfToken(req, res);
        next();
      });
    },
    /**
     * Exposes a token to the views of a signed-in person without checking one. Only for the few pages answered
     * before the check (the public certificate uploads), so that their header's logout form still carries a
     * valid token; the check itself is unchanged for every request that goes through `middleware`.
     */
    issueToken(this: void, req: Request, res: Response, next: NextFunction) {
      if (req.user) res.locals.csrfToken = generateCsrfToken(req, res);
      next();
    },
  };
}
