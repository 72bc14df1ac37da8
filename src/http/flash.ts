// One-shot notices carried across a redirect in the session (shown by the layout as `flash`).
import type { NextFunction, Request, Response } from 'express';

export interface Flash {
  kind: 'success' | 'error' | 'info';
  message: string;
}

declare module 'express-session' {
  interface SessionData {
    flash?: Flash;
  }
}

/** Keeps `message` for the next page this browser shows. */
export function setFlash(req: Request, kind: Flash['kind'], message: string): void {
  if (req.session) req.session.flash = { kind, message };
}

/**
 * Shows a waiting notice on the next page this request renders, and only then removes it from the session:
 * requests that render nothing (an icon, a download, a redirect) leave it for the page that follows.
 * A redirect that leaves a notice waits until the session is stored: express-session saves at the end of the
 * response but sends the headers first, so a fast browser could follow the redirect and find no notice.
 */
export function flashLocals(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = (...args: unknown[]) => {
    if (!req.session?.flash) {
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
