// Keeps an anonymous visitor's session for pages with a form, so its CSRF token still matches on submit.
import type { NextFunction, Request, Response } from 'express';
import { noStore } from './cache-control.js';

declare module 'express-session' {
  interface SessionData {
    formShownAt?: number;
  }
}

/**
 * The CSRF token is bound to the session id, and the session store (saveUninitialized: false) does not
 * keep sessions nobody wrote to: an anonymous visitor would get a new id, and a failed check, on submit.
 * Writing one field keeps the session — only on the few pages that show a form to anonymous visitors, which
 * are therefore the only anonymous GETs that store a session document (every other one stores none).
 * A form page is never cached either (its token belongs to this session).
 */
export function keepSessionForForm(req: Request, res: Response, next: NextFunction): void {
  if (req.session && !req.user) req.session.formShownAt = Date.now();
  noStore(res);
  next();
}
