// The platform settings the xAPI feature needs outside a request (builders, store, rebuild script), set once at start.
import type { Logger } from '../logger.js';

export interface XapiSettings {
  /** Public address of the platform, used as the account homePage of learners and LRS clients. */
  baseUrl: string;
  /** Base IRI of activity ids (config.XAPI_ACTIVITY_BASE), without a trailing slash. */
  activityBase: string;
  logger?: Logger;
}

let current: XapiSettings = {
  baseUrl: 'http://localhost:3000',
  activityBase: 'http://localhost:3000/xapi/activities',
};

/** Called by createApp (and scripts) with the loaded config before any statement is built or stored. */
export function setXapiSettings(settings: XapiSettings): void {
  current = { ...settings, baseUrl: settings.baseUrl.replace(/\/+$/, ''), activityBase: settings.activityBase.replace(/\/+$/, '') };
}

export function xapiSettings(): XapiSettings {
  return current;
}

/** The platform's own identity when it records statements itself (used as authority). */
export function platformAuthority(): { objectType: 'Agent'; name: string; account: { homePage: string; name: string } } {
  return { objectType: 'Agent', name: 'Akademia JST', account: { homePage: `${current.baseUrl}/xapi/clients`, name: 'akademia-jst' } };
}
