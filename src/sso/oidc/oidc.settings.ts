// What an office's OpenID Connect sign-in needs (never the client secret: that is the method's sealed secret).
import { z } from 'zod';

/** A loopback address, where plain http is accepted outside production (the tests' own provider). */
export function isLoopbackUrl(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

const claimName = z
  .string()
  .trim()
  .min(1, 'sso:oidc.errors.claim')
  .max(100, 'sso:oidc.errors.claim')
  .regex(/^[A-Za-z0-9_:./-]+$/, 'sso:oidc.errors.claim');

/**
 * The settings of an OIDC method. `discoveryUrl` is the issuer or its `/.well-known/openid-configuration`
 * (Entra ID: https://login.microsoftonline.com/<tenant-id>/v2.0/.well-known/openid-configuration); https only,
 * except a loopback address outside production. PKCE (S256) is always used and cannot be switched off.
 */
export const OidcSettings = z.object({
  discoveryUrl: z
    .string()
    .trim()
    .url('sso:oidc.errors.discoveryUrl')
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackUrl(url));
    }, 'sso:oidc.errors.discoveryUrlHttps'),
  clientId: z.string().trim().min(1, 'sso:oidc.errors.clientId').max(300, 'sso:oidc.errors.clientId'),
  /** Space-separated; `openid` is always among them. */
  scopes: z
    .string()
    .trim()
    .max(500)
    .default('openid email profile')
    .transform((value) => {
      const scopes = (value || 'openid email profile').split(/\s+/).filter(Boolean);
      return [...new Set(['openid', ...scopes])].join(' ');
    }),
  claims: z
    .object({
      subject: claimName.default('sub'),
      email: claimName.default('email'),
      name: claimName.default('name'),
      /** `groups` (Entra ID, Keycloak's groups mapper) or `roles`; empty = no groups. */
      groups: z
        .string()
        .trim()
        .max(100)
        .regex(/^[A-Za-z0-9_:./-]*$/, 'sso:oidc.errors.claim')
        .default('groups'),
    })
    .default({ subject: 'sub', email: 'email', name: 'name', groups: 'groups' }),
  /** Also ask the userinfo endpoint (for providers that keep e-mail or groups out of the ID token). */
  fetchUserinfo: z.boolean().default(false),
});
export type OidcSettings = z.infer<typeof OidcSettings>;

/** The SecretBox purpose of an OIDC method's client secret. */
export const OIDC_SECRET_PURPOSE = 'sso-oidc-secret';
