// Answers 503 at once while the database is known to be unreachable, instead of letting each request wait for it.
import type { RequestHandler } from 'express';
import { isDatabaseConnected, probeDatabase } from '../db/connection.js';
import { ServiceUnavailableError } from './errors.js';

/**
 * While the driver sees no database (it died, is restarting, or the network to it is down), every request that
 * would need it is answered 503 with Retry-After straight away rather than after the server selection timeout, and
 * one background probe makes the driver look again, so requests flow again as soon as the database answers.
 * Mounted after /healthz and the static assets, which do not need the database.
 */
export const requireDatabase: RequestHandler = (_req, _res, next) => {
  if (isDatabaseConnected()) {
    next();
    return;
  }
  void probeDatabase();
  next(new ServiceUnavailableError());
};
