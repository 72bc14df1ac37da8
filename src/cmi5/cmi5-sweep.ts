// The scheduled close of cmi5 sessions an AU left open (no `terminated`): `abandoned` after CMI5_SESSION_TIMEOUT_MINUTES idle.
import type { Cron } from 'croner';
import type { Config } from '../config.js';
import { scheduleCleanup } from '../db/cleanup-job.js';
import type { Logger } from '../logger.js';
import { abandonStaleSessions, type Cmi5Deps } from './cmi5-runtime.js';

/** Every 5 minutes, the clean-ups' shape (db/cleanup-job.ts): safe on every instance (each close is a claim). */
export function scheduleCmi5SessionSweep(platform: Cmi5Deps & { config: Pick<Config, 'CMI5_SESSION_TIMEOUT_MINUTES'>; logger: Logger }): Cron {
  return scheduleCleanup(
    { pattern: '*/5 * * * *', what: 'abandoned cmi5 sessions', remove: () => abandonStaleSessions(platform, platform.config.CMI5_SESSION_TIMEOUT_MINUTES) },
    platform.logger,
  );
}
