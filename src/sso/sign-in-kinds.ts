// The kinds of directory sign-in an office may add, one entry each: its form (template + zod schema) and settings.
import type { z } from 'zod';
import type { SecretBox } from '../secrets/secret-box.js';
import { checkLdapConnection } from './ldap/ldap-directory.js';
import { LDAP_DEFAULTS, LDAP_FORM_FIELDS, LdapSettings, LdapSettingsForm, ldapFormValues, ldapSettingsOf } from './ldap/ldap.settings.js';
import { discoverProvider } from './oidc/oidc.client.js';
import { OIDC_DEFAULTS, OIDC_FORM_FIELDS, OidcSettings, OidcSettingsForm, oidcFormValues, oidcSettingsOf } from './oidc/oidc.settings.js';
import { identityProviderOf } from './saml/saml.service.js';
import { SAML_DEFAULTS, SAML_FORM_FIELDS, SamlSettings, SamlSettingsForm, samlFormValues, samlSettingsOf } from './saml/saml.settings.js';
import { secretPurposeOf, type SignInKind } from './sign-in-method.model.js';

/** What a connection check tells the admin: a message key with its values, and whether it went well. */
export interface ConnectionCheck {
  ok: boolean;
  messageKey: string;
  values?: Record<string, string | number>;
  /** For the admin's log only (a directory's own error text may name internals). */
  detail?: string;
}

/**
 * One kind of sign-in method. Its form is the common part (label, enabled, mapping: views/sso/method-form.hbs) and
 * the kind's own fields: the partial `views/partials/sso/<kind>-fields.hbs` and `formSchema` (field messages are
 * locale keys). The stored settings are what `settingsOf` returns (validated again by the kind's settings schema
 * when read); the secret goes apart, sealed under `sso-<kind>-secret`, and is never shown again.
 */
export interface SignInKindEntry {
  kind: SignInKind;
  /** Locale keys of the kind's name and one-line description on the add page. */
  nameKey: string;
  descriptionKey: string;
  /** The partial with the kind's fields, e.g. `sso/ldap-fields`. */
  partial: string;
  /** The kind's part of the form body. */
  formSchema: z.ZodType;
  /** The kind's fields in page order (error summary; text fields kept when the form comes back). */
  fields: readonly string[];
  /** The name of the secret's field (a password input, never filled in; empty keeps the stored secret). */
  secretField: string;
  /** Whether a new method needs the secret (an LDAP bind password, an OIDC client secret). */
  secretRequired: boolean;
  /** The parsed form → what is stored; `secret` undefined = keep the stored one. */
  settingsOf(form: unknown): { settings: Record<string, unknown>; secret: string | undefined };
  /** Stored settings → the form's values (no secret). */
  formValues(settings: unknown): Record<string, string>;
  /** A new method's starting values. */
  defaults: Record<string, string>;
  /** The stored settings, checked (a method whose settings no longer parse is not used). */
  parseSettings(settings: unknown): Record<string, unknown> | undefined;
  /** "Sprawdź połączenie", when the kind has one. */
  checkConnection?(settings: Record<string, unknown>, secret: string | undefined): Promise<ConnectionCheck>;
}

/** A kind's `parseSettings`: the stored settings when its schema accepts them, else undefined. */
function settingsParser(schema: { safeParse(value: unknown): { success: true; data: Record<string, unknown> } | { success: false } }) {
  return (settings: unknown): Record<string, unknown> | undefined => {
    const parsed = schema.safeParse(settings);
    return parsed.success ? parsed.data : undefined;
  };
}

const ldap: SignInKindEntry = {
  kind: 'ldap',
  nameKey: 'sso:kinds.ldap.name',
  descriptionKey: 'sso:kinds.ldap.description',
  partial: 'sso/ldap-fields',
  formSchema: LdapSettingsForm,
  fields: LDAP_FORM_FIELDS,
  secretField: 'bindPassword',
  secretRequired: true,
  settingsOf: (form) => ldapSettingsOf(form as LdapSettingsForm),
  formValues: (settings) => ldapFormValues(settings as LdapSettings),
  defaults: LDAP_DEFAULTS,
  parseSettings: settingsParser(LdapSettings),
  async checkConnection(settings, secret) {
    if (!secret) return { ok: false, messageKey: 'sso:check.noPassword' };
    const result = await checkLdapConnection(settings as LdapSettings, secret);
    if (result.ok) return { ok: true, messageKey: 'sso:check.ok', values: { people: result.people } };
    return { ok: false, messageKey: `sso:check.${result.problem}`, detail: result.detail };
  },
};

const oidc: SignInKindEntry = {
  kind: 'oidc',
  nameKey: 'sso:kinds.oidc.name',
  descriptionKey: 'sso:kinds.oidc.description',
  partial: 'sso/oidc-fields',
  formSchema: OidcSettingsForm,
  fields: OIDC_FORM_FIELDS,
  secretField: 'clientSecret',
  secretRequired: true,
  settingsOf: (form) => oidcSettingsOf(form as OidcSettingsForm),
  formValues: (settings) => oidcFormValues(settings as OidcSettings),
  defaults: OIDC_DEFAULTS,
  parseSettings: settingsParser(OidcSettings),
  /** "Sprawdź": runs discovery and names the issuer it found. */
  async checkConnection(settings, secret) {
    try {
      // The settings schema lets plain http through for a loopback address only; the sign-in itself refuses it in production.
      const configuration = await discoverProvider({ settings: settings as OidcSettings, clientSecret: secret ?? '', allowLoopbackHttp: true });
      return { ok: true, messageKey: 'sso:check.oidcOk', values: { issuer: configuration.serverMetadata().issuer } };
    } catch (error) {
      return { ok: false, messageKey: 'sso:check.oidcFailed', detail: (error as Error).message };
    }
  },
};

const saml: SignInKindEntry = {
  kind: 'saml',
  nameKey: 'sso:kinds.saml.name',
  descriptionKey: 'sso:kinds.saml.description',
  partial: 'sso/saml-fields',
  formSchema: SamlSettingsForm,
  fields: SAML_FORM_FIELDS,
  // No secret: the SP signs nothing (AuthnRequests go unsigned; the IdP's assertions are what is checked).
  secretField: 'spPrivateKey',
  secretRequired: false,
  settingsOf: (form) => samlSettingsOf(form as SamlSettingsForm),
  formValues: (settings) => samlFormValues(settings as SamlSettings),
  defaults: SAML_DEFAULTS,
  parseSettings: settingsParser(SamlSettings),
  /** "Sprawdź": reads the IdP's metadata (its URL now, or what was pasted) and names the IdP and its sign-in address. */
  async checkConnection(settings) {
    try {
      const idp = await identityProviderOf(settings as SamlSettings);
      return { ok: true, messageKey: 'sso:check.samlOk', values: { entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: idp.certificates.length } };
    } catch (error) {
      return { ok: false, messageKey: 'sso:check.samlFailed', detail: (error as Error).message };
    }
  },
};

/**
 * The kinds offered, in the add page's order. OIDC and SAML add their entries here (src/sso/oidc, src/sso/saml),
 * each with its own settings file, form partial and schema; nothing else changes for a new kind.
 */
export const SIGN_IN_KIND_ENTRIES: SignInKindEntry[] = [ldap, oidc, saml];

/** The entry of a kind, or undefined for a kind not (yet) offered. */
export function signInKindEntry(kind: string): SignInKindEntry | undefined {
  return SIGN_IN_KIND_ENTRIES.find((entry) => entry.kind === kind);
}

/** Opens a method's sealed secret, or undefined when it has none or it does not open (logged by the caller). */
export function openSecret(box: SecretBox, method: { kind: SignInKind; sealedSecret?: string | null }): string | undefined {
  if (!method.sealedSecret) return undefined;
  try {
    return box.open(method.sealedSecret, secretPurposeOf(method.kind));
  } catch {
    return undefined;
  }
}
