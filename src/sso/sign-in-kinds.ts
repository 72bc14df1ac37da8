// The kinds of directory sign-in an office may add, one entry each: its form (template + zod schema) and settings.
import type { z } from 'zod';
import type { SecretBox } from '../secrets/secret-box.js';
import { checkLdapConnection } from './ldap/ldap-directory.js';
import { LDAP_DEFAULTS, LDAP_FORM_FIELDS, LdapSettings, LdapSettingsForm, ldapFormValues, ldapSettingsOf } from './ldap/ldap.settings.js';
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
  parseSettings: (settings) => {
    const parsed = LdapSettings.safeParse(settings);
    return parsed.success ? parsed.data : undefined;
  },
  async checkConnection(settings, secret) {
    if (!secret) return { ok: false, messageKey: 'sso:check.noPassword' };
    const result = await checkLdapConnection(settings as LdapSettings, secret);
    if (result.ok) return { ok: true, messageKey: 'sso:check.ok', values: { people: result.people } };
    return { ok: false, messageKey: `sso:check.${result.problem}`, detail: result.detail };
  },
};

/**
 * The kinds offered, in the add page's order. OIDC and SAML add their entries here (src/sso/oidc, src/sso/saml),
 * each with its own settings file, form partial and schema; nothing else changes for a new kind.
 */
export const SIGN_IN_KIND_ENTRIES: SignInKindEntry[] = [ldap];

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
