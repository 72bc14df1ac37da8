// The public pages (paths, views) and the installation's identity as they show it, from the config read once.
import type { Config } from '../config.js';

export interface PublicPage {
  key: 'privacy' | 'terms' | 'contact' | 'cookies';
  path: string;
  view: string;
}

/** The four pages, in the footer's order. */
export const PUBLIC_PAGES: PublicPage[] = [
  { key: 'privacy', path: '/polityka-prywatnosci', view: 'privacy-notice' },
  { key: 'terms', path: '/regulamin', view: 'terms' },
  { key: 'contact', path: '/kontakt', view: 'contact' },
  { key: 'cookies', path: '/pliki-cookie', view: 'cookies' },
];

/** The operator and its IOD as the pages name them (OPERATOR_*, IOD_* in the environment, README "Configuration"). */
export function installationOf(
  config: Pick<
    Config,
    | 'OPERATOR_NAME'
    | 'OPERATOR_ADDRESS'
    | 'OPERATOR_EMAIL'
    | 'OPERATOR_PHONE'
    | 'OPERATOR_ROLE'
    | 'IOD_NAME'
    | 'IOD_EMAIL'
    | 'IOD_PHONE'
    | 'ACCESSIBILITY_CONTACT_EMAIL'
    | 'BASE_URL'
  >,
) {
  return {
    operator: { name: config.OPERATOR_NAME, address: config.OPERATOR_ADDRESS, email: config.OPERATOR_EMAIL, phone: config.OPERATOR_PHONE },
    operatorIsProcessor: config.OPERATOR_ROLE === 'processor',
    iod: { name: config.IOD_NAME, email: config.IOD_EMAIL, phone: config.IOD_PHONE },
    accessibilityEmail: config.ACCESSIBILITY_CONTACT_EMAIL,
    address: config.BASE_URL,
  };
}
