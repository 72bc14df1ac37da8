// What an office's OpenID Connect sign-in needs (never the client secret: that is the method's sealed secret).
import { z } from 'zod';

/** A loopback address, where plain http is accepted outside production (the tests' own provider). */
export function isLoopbackUrl(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

const claimName = z
  .string()
  .trim()
  .min(1, { error: 'sso:oidc.errors.claim' })
  .max(100, { error: 'sso:oidc.errors.claim' })
  .regex(/^[A-Za-z0-9_:./-]+$/, { error: 'sso:oidc.errors.claim' });

/**
 * The settings of an OIDC method. `discoveryUrl` is the issuer or its `/.well-known/openid-configuration`
 * (Entra ID: https://login.microsoftonline.com/<tenant-id>/v2.0/.well-known/openid-configuration); https only,
 * except a loopback address outside production. PKCE (S256) is always used and cannot be switched off.
 */
export const OidcSettings = z.object({
  discoveryUrl: z
    .string()
    .trim()
    .url({ error: 'sso:oidc.errors.discoveryUrl' })
    .refine(
      (value) => {
        const url = new URL(value);
        return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackUrl(url));
      },
      { error: 'sso:oidc.errors.discoveryUrlHttps' },
    ),
  clientId: z.string().trim().min(1, { error: 'sso:oidc.errors.clientId' }).max(300, { error: 'sso:errors.tooLong' }),
  /** Space-separated; `openid` is always among them. */
  scopes: z
    .string()
    .trim()
    .max(500, { error: 'sso:errors.tooLong' })
    .regex(/^[\x21\x23-\x5B\x5D-\x7E ]*$/, { error: 'sso:oidc.errors.scopes' })
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
        .regex(/^[A-Za-z0-9_:./-]*$/, { error: 'sso:oidc.errors.claim' })
        .default('groups'),
    })
    .default({ subject: 'sub', email: 'email', name: 'name', groups: 'groups' }),
  /** Also ask the userinfo endpoint (for providers that keep e-mail or groups out of the ID token). */
  fetchUserinfo: z.boolean().default(false),
});
export type OidcSettings = z.infer<typeof OidcSettings>;

const blankAs = (fallback: string) => (value: unknown) => (typeof value === 'string' && value.trim() === '' ? fallback : value);

/** The OIDC part of the method form, as typed (checkbox as `tak`). */
export const OidcSettingsForm = z.object({
  discoveryUrl: z.preprocess((value) => value ?? '', OidcSettings.shape.discoveryUrl),
  clientId: z.preprocess((value) => value ?? '', OidcSettings.shape.clientId),
  /** Empty: keep the stored secret (never shown again); required when the method has none yet (the service says). */
  clientSecret: z.string().max(2000, { error: 'sso:errors.tooLong' }).optional().default(''),
  scopes: z.preprocess(blankAs('openid email profile'), OidcSettings.shape.scopes),
  subjectClaim: z.preprocess(blankAs('sub'), claimName),
  emailClaim: z.preprocess(blankAs('email'), claimName),
  nameClaim: z.preprocess(blankAs('name'), claimName),
  groupsClaim: z.preprocess((value) => (typeof value === 'string' ? value.trim() : ''), OidcSettings.shape.claims.unwrap().shape.groups),
  fetchUserinfo: z.preprocess((value) => value === 'tak' || value === true, z.boolean()),
});
export type OidcSettingsForm = z.infer<typeof OidcSettingsForm>;

export const OIDC_FORM_FIELDS = ['discoveryUrl', 'clientId', 'clientSecret', 'scopes', 'subjectClaim', 'emailClaim', 'nameClaim', 'groupsClaim', 'fetchUserinfo'] as const;

/** The stored settings of a form (the client secret goes apart, to be sealed). */
export function oidcSettingsOf(form: OidcSettingsForm): { settings: OidcSettings; secret: string | undefined } {
  const settings = OidcSettings.parse({
    discoveryUrl: form.discoveryUrl,
    clientId: form.clientId,
    scopes: form.scopes,
    claims: { subject: form.subjectClaim, email: form.emailClaim, name: form.nameClaim, groups: form.groupsClaim },
    fetchUserinfo: form.fetchUserinfo,
  });
  return { settings, secret: form.clientSecret === '' ? undefined : form.clientSecret };
}

/** The form's values for a stored method (no secret: it is never shown again). */
export function oidcFormValues(settings: OidcSettings): Record<string, string> {
  return {
    discoveryUrl: settings.discoveryUrl,
    clientId: settings.clientId,
    scopes: settings.scopes,
    subjectClaim: settings.claims.subject,
    emailClaim: settings.claims.email,
    nameClaim: settings.claims.name,
    groupsClaim: settings.claims.groups,
    fetchUserinfo: settings.fetchUserinfo ? 'tak' : '',
  };
}

export const OIDC_DEFAULTS: Record<string, string> = { scopes: 'openid email profile', subjectClaim: 'sub', emailClaim: 'email', nameClaim: 'name', groupsClaim: 'groups' };
