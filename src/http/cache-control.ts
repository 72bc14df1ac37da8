// Keeps personal pages and form pages out of browser and proxy caches (Cache-Control: no-store).
import type { NextFunction, Request, Response } from 'express';

/**
 * Marks this response as never to be stored: a shared computer's back button or a proxy must not show one
 * person's page (or a form with its CSRF token and typed values) to the next. `Pragma` is not needed: no
 * client we serve is HTTP/1.0-only. A route may still set a stricter value of its own (downloads do).
 */
export function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store');
}

/** Middleware after passport: every response to a signed-in person is no-store. */
export function noStoreForSignedIn(req: Request, res: Response, next: NextFunction): void {
  if (req.user) noStore(res);
  next();
}
