// Gatekeepers for routes (requireUser, requireRole) and the signed-in person as the layout shows them.
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../http/errors.js';
import type { Role } from './user.model.js';

/** What views/partials/header.hbs and other templates see as `currentUser`. */
export interface CurrentUserView {
  displayName: string;
  roles: Role[];
  isHr: boolean;
  isAdmin: boolean;
  isAuthor: boolean;
  /** HR, admins and operators: their areas are grouped under one header entry (/zarzadzanie). */
  isManager: boolean;
}

/**
 * A header link a feature adds (`res.locals.navExtras.push(…)`, label already translated). For HR, admins and
 * operators the links go under "Zarządzanie" (/zarzadzanie) unless `personal` (the person's own things, e.g. their
 * certificates), which stay in the header itself.
 */
export interface NavLink {
  href: string;
  label: string;
  personal?: boolean;
}

// Uses originalUrl, not req.path: inside a mounted router req.path has lost its prefix (/api/…).
function isApiRequest(req: Request): boolean {
  const path = req.originalUrl.split('?')[0];
  return path.startsWith('/xapi') || path.startsWith('/api') || (!req.accepts('html') && Boolean(req.accepts('json')));
}

/**
 * Lets signed-in people through. Pages send everyone else to /logowanie?next=<this page> (the login page says why,
 * auth/login-reason.ts, and goes back there only when `next` is a path on this site, auth.schemas.ts LocalPath);
 * JSON APIs answer 401.
 */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (req.user) {
    next();
    return;
  }
  if (isApiRequest(req) || (req.method !== 'GET' && req.method !== 'HEAD')) {
    // A form posted after the session ended cannot be replayed after login: say so instead of redirecting.
    next(new UnauthorizedError());
    return;
  }
  res.redirect(`/logowanie?next=${encodeURIComponent(req.originalUrl)}`);
}

/**
 * Lets through signed-in people who hold at least one of `roles` (403 page/JSON otherwise).
 * No role implies another: an admin who should see HR pages is given 'hr' too, or the route lists both.
 */
export function requireRole(...roles: Role[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.user) {
      requireUser(req, res, next);
      return;
    }
    if (!req.user.roles.some((role) => roles.includes(role))) {
      next(new ForbiddenError());
      return;
    }
    next();
  };
}

/** Sets res.locals.currentUser for the layout (undefined when nobody is signed in). */
export function currentUserLocals(req: Request, res: Response, next: NextFunction): void {
  const user = req.user;
  if (user) {
    const view: CurrentUserView = {
      displayName: user.fullName,
      roles: user.roles,
      isHr: user.roles.includes('hr'),
      isAdmin: user.roles.includes('admin'),
      isAuthor: user.roles.includes('author'),
      isManager: user.roles.some((role) => role === 'hr' || role === 'admin' || role === 'operator'),
    };
    res.locals.currentUser = view;
    // Features add their own header links (label already translated) with res.locals.navExtras.push(…).
    res.locals.navExtras ??= [];
  }
  next();
}
