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

/** Moves a waiting notice into res.locals.flash, once. */
export function flashLocals(req: Request, res: Response, next: NextFunction): void {
  const flash = req.session?.flash;
  if (flash) {
    res.locals.flash = flash;
    delete req.session.flash;
  }
  next();
}
