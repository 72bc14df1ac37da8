// Start-up work of the xAPI feature: settings from the config, and the LRS client named by the environment.
import type { AppContext } from '../app.js';
import { ensureEnvironmentLrsClient, organisationForEnvironmentClient } from './lrs-client.service.js';
import { setXapiSettings } from './xapi-settings.js';

/** Creates or updates the full-rights client XAPI_BASIC_USER / XAPI_BASIC_PASSWORD (first organisation). */
export async function ensureEnvironmentLrsClientTask({ config, logger }: AppContext): Promise<void> {
  setXapiSettings({ baseUrl: config.BASE_URL, activityBase: config.XAPI_ACTIVITY_BASE, logger });
  if (!config.XAPI_BASIC_USER || !config.XAPI_BASIC_PASSWORD) return;
  const organisationId = await organisationForEnvironmentClient();
  await ensureEnvironmentLrsClient({ key: config.XAPI_BASIC_USER, secret: config.XAPI_BASIC_PASSWORD, organisationId });
  logger.info({ key: config.XAPI_BASIC_USER }, 'LRS client from XAPI_BASIC_USER is ready');
}
