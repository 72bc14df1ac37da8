// One-shot notices (shown by the layout as `flash`) and values carried across a redirect in the session (post/redirect/get).
import type { NextFunction, Request, Response } from 'express';

export interface Flash {
  kind: 'success' | 'error' | 'info';
  message: string;
}

declare module 'express-session' {
  interface SessionData {
    flash?: Flash;
    /** Values a form's handler left for the page its redirect leads to, by slot name (see carriedSlot). */
    carried?: Record<string, CarriedValue>;
  }
}

/** A carried value and when it stops being offered (epoch ms). */
interface CarriedValue {
  value: unknown;
  until: number;
}

/**
 * How long a carried value waits for its page. The redirect is followed within a second; a value left longer (the
 * browser closed before it followed) must not stay in the session store: it may be a secret shown once.
 */
const CARRIED_FOR_MS = 5 * 60_000;

/** Drops carried values whose page never came (run on every request, so the session store keeps them minutes, not days). */
function dropStaleCarried(req: Request, now: number): void {
  const carried = req.session?.carried;
  if (!carried) return;
  for (const [name, entry] of Object.entries(carried)) if (!(entry.until > now)) delete carried[name];
  if (Object.keys(carried).length === 0) delete req.session.carried;
}

/** Keeps `message` for the next page this browser shows. */
export function setFlash(req: Request, kind: Flash['kind'], message: string): void {
  if (req.session) req.session.flash = { kind, message };
}

/** One value a form's handler leaves for the page it redirects to, which takes it once. */
export interface CarriedSlot<T> {
  /** Keeps `value` in the session for the next page (the redirect waits until it is stored). */
  leave(req: Request, value: T): void;
  /** The value left, removed from the session as it is read: a refresh or the back button finds nothing. */
  take(req: Request): T | undefined;
}

/**
 * A named slot for what a page after a form must show (a secret shown once, a check's result), instead of
 * rendering it in the POST's answer, which F5 would send again. Each slot is defined once, by the feature
 * that fills it, with its value's type; nothing else writes under its name.
 */
export function carriedSlot<T>(name: string): CarriedSlot<T> {
  return {
    leave(req, value) {
      if (req.session) req.session.carried = { ...req.session.carried, [name]: { value, until: Date.now() + CARRIED_FOR_MS } };
    },
    take(req) {
      dropStaleCarried(req, Date.now());
      const carried = req.session?.carried;
      if (!carried || !(name in carried)) return undefined;
      const { value } = carried[name];
      delete carried[name];
      if (Object.keys(carried).length === 0) delete req.session.carried;
      return value as T;
    },
  };
}

/**
 * Shows a waiting notice on the next page this request renders, and only then removes it from the session:
 * requests that render nothing (an icon, a download, a redirect) leave it for the page that follows.
 * A redirect that leaves a notice (or a carried value) waits until the session is stored: express-session saves
 * at the end of the response but sends the headers first, so a fast browser could follow the redirect and find nothing.
 */
export function flashLocals(req: Request, res: Response, next: NextFunction): void {
  dropStaleCarried(req, Date.now());
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = (...args: unknown[]) => {
    if (!req.session?.flash && !req.session?.carried) {
      redirect(...args);
      return;
    }
    // A failed save loses only the notice; the redirect itself still goes out.
    req.session.save(() => redirect(...args));
  };
  const render = res.render.bind(res) as (...args: unknown[]) => void;
  res.render = (...args: unknown[]) => {
    const flash = req.session?.flash;
    if (flash) {
      res.locals.flash = flash;
      delete req.session.flash;
    }
    render(...args);
  };
  next();
}
