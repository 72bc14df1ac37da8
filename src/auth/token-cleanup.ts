// Scheduled removal of expired e-mail tokens (FerretDB has no TTL indexes).
import type { Cron } from 'croner';
import { scheduleCleanup } from '../db/cleanup-job.js';
import type { Logger } from '../logger.js';
import { removeExpiredTokens } from './auth-token.service.js';

/** Deletes expired tokens every 15 minutes. Returns the job (to stop). */
export function scheduleTokenCleanup(logger: Logger): Cron {
  return scheduleCleanup({ pattern: '*/15 * * * *', what: 'expired e-mail tokens', remove: () => removeExpiredTokens() }, logger);
}
