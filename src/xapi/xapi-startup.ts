// Start-up work of the xAPI feature: the LRS client named by the environment.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { ensureEnvironmentLrsClient, organisationForEnvironmentClient } from './lrs-client.service.js';

/** Creates or updates the full-rights client XAPI_BASIC_USER / XAPI_BASIC_PASSWORD (first organisation). */
export async function ensureEnvironmentLrsClientTask({ config, logger }: { config: Config; logger: Logger }): Promise<void> {
  if (!config.XAPI_BASIC_USER || !config.XAPI_BASIC_PASSWORD) return;
  const organisationId = await organisationForEnvironmentClient();
  await ensureEnvironmentLrsClient({ key: config.XAPI_BASIC_USER, secret: config.XAPI_BASIC_PASSWORD, organisationId });
  logger.info({ key: config.XAPI_BASIC_USER }, 'LRS client from XAPI_BASIC_USER is ready');
}
