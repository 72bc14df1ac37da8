// The OpenID Connect relying party (openid-client): discovery, the authorization redirect, the code exchange → DirectoryProfile.
import * as oidc from 'openid-client';
import type { DirectoryProfile } from '../directory-profile.js';
import { isLoopbackUrl, type OidcSettings } from './oidc.settings.js';

/** How long one request to the identity provider may take before the sign-in fails with a clear page. */
const PROVIDER_TIMEOUT_S = 10;

/** Why an OIDC sign-in did not produce a profile: a stable reason for the failure page, a detail for the log. */
export class OidcSignInError extends Error {
  constructor(
    readonly reason: 'provider_unreachable' | 'provider_refused' | 'invalid_response' | 'missing_claims' | 'misconfigured',
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

export interface OidcConnection {
  settings: OidcSettings;
  clientSecret: string;
  /** Outside production, plain http to a loopback provider is allowed (the tests' oidc-provider). */
  allowLoopbackHttp: boolean;
}

/** Runs discovery: the provider's configuration, or OidcSignInError('provider_unreachable') saying why. */
export async function discoverProvider(connection: OidcConnection): Promise<oidc.Configuration> {
  const server = new URL(connection.settings.discoveryUrl);
  const insecure = server.protocol === 'http:' && connection.allowLoopbackHttp && isLoopbackUrl(server);
  try {
    return await oidc.discovery(server, connection.settings.clientId, connection.clientSecret || undefined, undefined, {
      timeout: PROVIDER_TIMEOUT_S,
      // The ID token's signature is checked against the provider's keys even though it came over the back channel:
      // openid-client leans on TLS there (OIDC Core 3.1.3.7), and a changed `groups` claim would hand out HR rights.
      execute: insecure ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] : [oidc.enableNonRepudiationChecks],
    });
  } catch (error) {
    throw new OidcSignInError('provider_unreachable', `discovery of ${server.href} failed: ${describe(error)}`, { cause: error });
  }
}

/** What the start of a sign-in must keep (in the session) for its return: all three are single-use random values. */
export interface OidcPendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The provider's authorization URL for a new sign-in, with state, nonce and a PKCE (S256) challenge. */
export async function authorizationRedirect(configuration: oidc.Configuration, settings: OidcSettings, redirectUri: string): Promise<{ url: URL; pending: OidcPendingSignIn }> {
  const pending: OidcPendingSignIn = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
  const url = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: settings.scopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
  });
  return { url, pending };
}

/**
 * The return from the provider: `callbackUrl` is the fixed redirect_uri (from BASE_URL) with the query the
 * provider sent. Checks state, nonce, PKCE and the ID token (signature, issuer, audience, expiry: openid-client),
 * then maps the claims. The ID token is returned for a later RP-initiated logout (id_token_hint).
 */
export async function completeAuthorization(
  configuration: oidc.Configuration,
  settings: OidcSettings,
  callbackUrl: URL,
  pending: OidcPendingSignIn,
): Promise<{ profile: DirectoryProfile; idToken: string }> {
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      pkceCodeVerifier: pending.codeVerifier,
      idTokenExpected: true,
    });
  } catch (error) {
    if (error instanceof oidc.AuthorizationResponseError) {
      throw new OidcSignInError('provider_refused', `the provider answered ${error.error}: ${error.error_description ?? ''}`, { cause: error });
    }
    const reason = isNetworkError(error) ? 'provider_unreachable' : 'invalid_response';
    throw new OidcSignInError(reason, `the code exchange failed: ${describe(error)}`, { cause: error });
  }
  const claims: Record<string, unknown> = { ...tokens.claims() };
  if (settings.fetchUserinfo && configuration.serverMetadata().userinfo_endpoint) {
    try {
      const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, String(claims.sub));
      // The ID token's claims win: they are signed; userinfo only fills what it left out.
      for (const [name, value] of Object.entries(userinfo)) if (!(name in claims)) claims[name] = value;
    } catch (error) {
      throw new OidcSignInError('invalid_response', `userinfo failed: ${describe(error)}`, { cause: error });
    }
  }
  const idToken = tokens.id_token;
  if (!idToken) throw new OidcSignInError('invalid_response', 'the token response has no id_token');
  return { profile: profileFromClaims(claims, settings), idToken };
}

/** The claims of an ID token (and userinfo) as a DirectoryProfile, by the method's claim mapping. */
export function profileFromClaims(claims: Record<string, unknown>, settings: OidcSettings): DirectoryProfile {
  const subject = firstString(claims[settings.claims.subject]);
  const email = firstString(claims[settings.claims.email])?.toLowerCase();
  const fullName = firstString(claims[settings.claims.name]) ?? [firstString(claims.given_name), firstString(claims.family_name)].filter(Boolean).join(' ');
  const missing = [!subject && settings.claims.subject, !email && settings.claims.email, !fullName && settings.claims.name].filter(Boolean);
  if (missing.length) throw new OidcSignInError('missing_claims', `the ID token lacks ${missing.join(', ')}`);
  const attributes: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(claims)) {
    const values = strings(value);
    if (values.length) attributes[name] = values;
  }
  return {
    subject: subject!,
    email: email!,
    fullName,
    groups: settings.claims.groups ? strings(claims[settings.claims.groups]) : [],
    attributes,
  };
}

/**
 * Where to send the browser after the local sign-out, when the provider offers RP-initiated logout
 * (`end_session_endpoint`); undefined when it does not.
 */
export function endSessionUrl(configuration: oidc.Configuration, idToken: string, postLogoutRedirectUri: string): URL | undefined {
  if (!configuration.serverMetadata().end_session_endpoint) return undefined;
  return oidc.buildEndSessionUrl(configuration, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri });
}

function firstString(value: unknown): string | undefined {
  const [first] = strings(value);
  return first?.trim() || undefined;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap((item) => (typeof item === 'string' || typeof item === 'number' ? [String(item)] : []));
  return [];
}

function isNetworkError(error: unknown): boolean {
  const name = (error as { name?: string; cause?: { code?: string } } | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError' || (error instanceof TypeError && /fetch failed/i.test(error.message));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
