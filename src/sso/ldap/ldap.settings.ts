// The settings of an LDAP / Active Directory sign-in method: the zod schema of its form and of what is stored.
import { z } from 'zod';

const optional = (max = 500) =>
  z.preprocess(
    (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
    z.string().trim().max(max, { error: 'sso:errors.tooLong' }).optional(),
  );
const required = (key: string, max = 500) => z.string({ error: key }).trim().min(1, { error: key }).max(max, { error: 'sso:errors.tooLong' });
/** An attribute name (RFC 4512 descr): letters, digits and hyphens, starting with a letter. */
const attribute = (key: string) => required(key, 100).regex(/^[A-Za-z][A-Za-z0-9-]*$/, { error: 'sso:errors.attributeName' });
const optionalAttribute = () =>
  z.preprocess(
    (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
    z
      .string()
      .trim()
      .max(100, { error: 'sso:errors.tooLong' })
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/, { error: 'sso:errors.attributeName' })
      .optional(),
  );
const checkbox = z.preprocess((value) => value === 'tak' || value === true, z.boolean());

/** Where the groups come from: the person's memberOf (AD, OpenLDAP with the memberof overlay) or a group search. */
export const LDAP_GROUP_MODES = ['memberOf', 'search'] as const;
/** How a disabled account is told: not at all, AD's userAccountControl bit 2 (ACCOUNTDISABLE), or an attribute. */
export const LDAP_DISABLED_CHECKS = ['none', 'ad', 'attribute'] as const;

/** What an LDAP method stores in `settings` (the bind password is the method's sealed secret, never here). */
export const LdapSettings = z.object({
  url: required('sso:errors.ldapUrlRequired', 300).regex(/^ldaps?:\/\/[^\s/?#]+\/?$/i, { error: 'sso:errors.ldapUrl' }),
  startTls: z.boolean().default(false),
  /** CA certificate(s) to trust for ldaps:// and StartTLS, PEM; without it the system's CAs. Verification is always on. */
  caCertificate: z.preprocess((value) => (value === null ? undefined : value), z.string().max(20000).optional()),
  bindDn: required('sso:errors.bindDnRequired'),
  searchBase: required('sso:errors.searchBaseRequired'),
  /** The filter finding one person, with `{{username}}` where the typed name goes (escaped). */
  userFilter: required('sso:errors.userFilterRequired', 1000).refine((value) => value.includes('{{username}}'), { error: 'sso:errors.userFilterPlaceholder' }),
  loginAttribute: attribute('sso:errors.attributeRequired'),
  emailAttribute: attribute('sso:errors.attributeRequired'),
  nameAttribute: attribute('sso:errors.attributeRequired'),
  subjectAttribute: attribute('sso:errors.attributeRequired'),
  groupMode: z.enum(LDAP_GROUP_MODES).default('memberOf'),
  groupAttribute: optionalAttribute(),
  groupSearchBase: optional(),
  /** The filter finding a person's groups, with `{{dn}}` for the person's DN (escaped). */
  groupFilter: optional(1000),
  disabledCheck: z.enum(LDAP_DISABLED_CHECKS).default('none'),
  disabledAttribute: optionalAttribute(),
  /** The value that marks the account disabled; empty: the attribute being present at all does (pwdAccountLockedTime). */
  disabledValue: optional(200),
});
export type LdapSettings = z.infer<typeof LdapSettings>;

/** The LDAP part of the method form, as typed (checkbox as `tak`, empty strings for blanks). */
export const LdapSettingsForm = z
  .object({
    url: LdapSettings.shape.url,
    startTls: checkbox,
    caCertificate: z.preprocess(
      (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
      z
        .string()
        .trim()
        .max(20000, { error: 'sso:errors.tooLong' })
        .refine((value) => /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(value), { error: 'sso:errors.caCertificate' })
        .optional(),
    ),
    bindDn: LdapSettings.shape.bindDn,
    /** Empty: keep the stored password (never shown again); required when the method has none yet (the service says). */
    bindPassword: z.string().max(1000, { error: 'sso:errors.tooLong' }).optional().default(''),
    searchBase: LdapSettings.shape.searchBase,
    userFilter: LdapSettings.shape.userFilter,
    loginAttribute: LdapSettings.shape.loginAttribute,
    emailAttribute: LdapSettings.shape.emailAttribute,
    nameAttribute: LdapSettings.shape.nameAttribute,
    subjectAttribute: LdapSettings.shape.subjectAttribute,
    groupMode: z.enum(LDAP_GROUP_MODES, { error: 'sso:errors.choice' }),
    groupAttribute: LdapSettings.shape.groupAttribute,
    groupSearchBase: LdapSettings.shape.groupSearchBase,
    groupFilter: LdapSettings.shape.groupFilter,
    disabledCheck: z.enum(LDAP_DISABLED_CHECKS, { error: 'sso:errors.choice' }),
    disabledAttribute: LdapSettings.shape.disabledAttribute,
    disabledValue: LdapSettings.shape.disabledValue,
  })
  .superRefine((form, context) => {
    if (form.url.toLowerCase().startsWith('ldaps://') && form.startTls) context.addIssue({ code: 'custom', path: ['startTls'], message: 'sso:errors.startTlsWithLdaps' });
    if (form.groupMode === 'memberOf' && !form.groupAttribute) context.addIssue({ code: 'custom', path: ['groupAttribute'], message: 'sso:errors.attributeRequired' });
    if (form.groupMode === 'search' && !form.groupSearchBase) context.addIssue({ code: 'custom', path: ['groupSearchBase'], message: 'sso:errors.groupSearchBaseRequired' });
    if (form.groupMode === 'search' && !form.groupFilter?.includes('{{dn}}'))
      context.addIssue({ code: 'custom', path: ['groupFilter'], message: 'sso:errors.groupFilterPlaceholder' });
    if (form.disabledCheck === 'attribute' && !form.disabledAttribute) context.addIssue({ code: 'custom', path: ['disabledAttribute'], message: 'sso:errors.attributeRequired' });
  });
export type LdapSettingsForm = z.infer<typeof LdapSettingsForm>;

/** The fields of the LDAP form, in page order (the error summary's order; text fields shown again as typed). */
export const LDAP_FORM_FIELDS = [
  'url',
  'startTls',
  'caCertificate',
  'bindDn',
  'searchBase',
  'userFilter',
  'loginAttribute',
  'emailAttribute',
  'nameAttribute',
  'subjectAttribute',
  'groupMode',
  'groupAttribute',
  'groupSearchBase',
  'groupFilter',
  'disabledCheck',
  'disabledAttribute',
  'disabledValue',
] as const;

/** The stored settings of a form (the password goes apart, to be sealed). */
export function ldapSettingsOf(form: LdapSettingsForm): { settings: LdapSettings; secret: string | undefined } {
  const { bindPassword, ...rest } = form;
  // Without the unset fields: the database would keep them as nulls.
  const settings = Object.fromEntries(Object.entries(LdapSettings.parse(rest)).filter(([, value]) => value !== undefined)) as LdapSettings;
  return { settings, secret: bindPassword === '' ? undefined : bindPassword };
}

/** The form's values for a stored method (no password: it is never shown again). */
export function ldapFormValues(settings: LdapSettings): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of LDAP_FORM_FIELDS) {
    const value = settings[field];
    if (typeof value === 'boolean') values[field] = value ? 'tak' : '';
    else if (typeof value === 'string') values[field] = value;
  }
  return values;
}

/** A new method's starting values: Active Directory's usual attributes. */
export const LDAP_DEFAULTS: Record<string, string> = {
  userFilter: '(&(objectClass=user)(sAMAccountName={{username}}))',
  loginAttribute: 'sAMAccountName',
  emailAttribute: 'mail',
  nameAttribute: 'displayName',
  subjectAttribute: 'objectGUID',
  groupMode: 'memberOf',
  groupAttribute: 'memberOf',
  groupFilter: '(member={{dn}})',
  disabledCheck: 'ad',
};
