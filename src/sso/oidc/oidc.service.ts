// An office's OIDC method as the routes use it: its settings and opened secret, its fixed redirect_uri, its provider.
import type * as oidc from 'openid-client';
import type { Config } from '../../config.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import { secretPurposeOf, type SignInMethodDoc } from '../sign-in-method.model.js';
import { discoverProvider, OidcSignInError } from './oidc.client.js';
import { OidcSettings } from './oidc.settings.js';

/**
 * The redirect_uri of a method: fixed per method and built from BASE_URL only, never from the request's Host,
 * so a forged Host header cannot send codes elsewhere. It is what the office registers at its provider.
 */
export function oidcRedirectUri(baseUrl: string, methodId: string): string {
  return new URL(`/logowanie/oidc/${encodeURIComponent(methodId)}/powrot`, baseUrl).href;
}

/** Opens a method's settings and client secret and runs discovery; OidcSignInError when any of it fails. */
export async function providerOf(
  deps: { config: Pick<Config, 'isProduction'>; secretBox: SecretBox },
  method: Pick<SignInMethodDoc, 'settings' | 'sealedSecret'>,
): Promise<{ settings: OidcSettings; configuration: oidc.Configuration }> {
  const parsed = OidcSettings.safeParse(method.settings);
  if (!parsed.success) throw new OidcSignInError('misconfigured', `the method's stored settings are not valid OIDC settings: ${parsed.error.message}`);
  let clientSecret = '';
  try {
    if (method.sealedSecret) clientSecret = deps.secretBox.open(method.sealedSecret, secretPurposeOf('oidc'));
  } catch (error) {
    throw new OidcSignInError('misconfigured', `the client secret does not open: ${(error as Error).message}`, { cause: error });
  }
  const configuration = await discoverProvider({ settings: parsed.data, clientSecret, allowLoopbackHttp: !deps.config.isProduction });
  return { settings: parsed.data, configuration };
}
