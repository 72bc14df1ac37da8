// Keeps an anonymous visitor's session for pages with a form, so its CSRF token still matches on submit.
import type { NextFunction, Request, Response } from 'express';

declare module 'express-session' {
  interface SessionData {
    formShownAt?: number;
  }
}

/**
 * The CSRF token is bound to the session id, and the session store (saveUninitialized: false) does not
 * keep sessions nobody wrote to: an anonymous visitor would get a new id, and a failed check, on submit.
 * Writing one field keeps the session — only on the few pages that show a form to anonymous visitors.
 */
export function keepSessionForForm(req: Request, _res: Response, next: NextFunction): void {
  if (req.session && !req.user) req.session.formShownAt = Date.now();
  next();
}
