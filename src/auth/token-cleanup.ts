// Scheduled removal of expired e-mail tokens (FerretDB has no TTL indexes).
import { Cron } from 'croner';
import type { Logger } from '../logger.js';
import { removeExpiredTokens } from './auth-token.service.js';

/** Deletes expired tokens every 15 minutes; the job does not keep the process alive. Returns it (to stop). */
export function scheduleTokenCleanup(logger: Logger): Cron {
  return new Cron('*/15 * * * *', { unref: true, protect: true }, async () => {
    try {
      const removed = await removeExpiredTokens();
      if (removed) logger.info({ removed }, 'expired e-mail tokens removed');
    } catch (error) {
      logger.warn({ err: error }, 'could not remove expired e-mail tokens; will retry');
    }
  });
}
