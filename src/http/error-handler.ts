// The one final error handler: an error page (with the layout) for people, JSON for API clients.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { isDatabaseUnavailableError } from '../db/database-errors.js';
import { AppError, NotFoundError, ServiceUnavailableError } from './errors.js';
import type { Logger } from '../logger.js';
import { translatorFor } from './i18n.js';

/** API paths answer JSON; everything else is a page. */
export function wantsJson(req: Request): boolean {
  return req.path.startsWith('/xapi') || req.path.startsWith('/api') || req.path === '/healthz' || (!req.accepts('html') && Boolean(req.accepts('json')));
}

/**
 * The language a person chose (?lang=, or the `lang` cookie the i18n middleware keeps), read directly for errors
 * raised before that middleware ran (the database guard, a failing session store); Polish otherwise.
 */
function chosenLanguage(req: Request): 'pl' | 'en' {
  const query = (req.query as Record<string, unknown> | undefined)?.lang;
  if (query === 'en' || query === 'pl') return query;
  return /(?:^|;\s*)lang=en(?:;|$)/.test(req.headers.cookie ?? '') ? 'en' : 'pl';
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError());
}

/**
 * A database outage becomes a ServiceUnavailableError (503, Retry-After); every other error stays as it is.
 * Shared by the LRS's own error handler.
 */
export function withOutageAsUnavailable(error: unknown): unknown {
  return !(error instanceof AppError) && isDatabaseUnavailableError(error) ? new ServiceUnavailableError() : error;
}

/**
 * Logs an outage once per request as a warning with the driver's message (no stack: during an outage every request
 * fails the same way); returns false for any other error.
 */
export function logOutage(logger: Logger, original: unknown, error: unknown, errorId: string, url: string): boolean {
  if (!(error instanceof ServiceUnavailableError)) return false;
  logger.warn({ errorId, url, cause: (original as Error)?.message }, 'database unavailable: answered 503');
  return true;
}

/** Builds the final handler: logs with an error id, never shows a stack trace to the user. */
export function createErrorHandler(logger: Logger) {
  return (original: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = withOutageAsUnavailable(original);
    // Errors from body-parser and friends carry a status (e.g. 400 bad JSON, 413 too large).
    const status = error instanceof AppError ? error.status : typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
    const errorId = randomUUID();
    const isServerError = status >= 500;
    const unavailable = logOutage(logger, original, error, errorId, req.originalUrl);
    if (isServerError && !unavailable) logger.error({ err: error, errorId, url: req.originalUrl }, 'request failed');
    else if (!isServerError) logger.debug({ errorId, status, url: req.originalUrl, message: (error as Error)?.message }, 'request rejected');

    const code = error instanceof AppError ? error.code : isServerError ? 'internal_error' : 'bad_request';
    const message =
      isServerError && !unavailable ? 'Wystąpił błąd po stronie serwera. Spróbuj ponownie później.' : error instanceof AppError ? error.message : 'Nieprawidłowe żądanie.';
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status);
    if (error instanceof ServiceUnavailableError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (wantsJson(req)) {
      res.json({ error: code, message, ...(error instanceof AppError ? error.details : {}), ...(isServerError ? { errorId } : {}) });
      return;
    }
    // An error raised before the i18n middleware (the session store failing, say) still gets a Polish page,
    // not raw keys such as app.name.
    if (typeof res.locals.t !== 'function') {
      const language = chosenLanguage(req);
      res.locals.t = translatorFor('common', language);
      res.locals.lang ??= language;
    }
    const view = status === 404 ? 'errors/404' : unavailable ? 'errors/503' : isServerError ? 'errors/500' : 'errors/4xx';
    const title = unavailable ? (res.locals.t as (key: string) => string)('errors.unavailableTitle') : isServerError ? 'Błąd serwera' : message;
    res.render(view, { title, status, message, errorId: isServerError ? errorId : undefined }, (renderError, html) => {
      // If the page itself fails to render, fall back to plain text rather than a second error.
      if (renderError) {
        logger.error({ err: renderError, errorId }, 'error page failed to render');
        res.type('text/plain').send(`${status} ${message}`);
        return;
      }
      res.send(html);
    });
  };
}
