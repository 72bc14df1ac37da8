// What an office's SAML 2.0 sign-in needs: the IdP (its metadata URL, or the metadata read once), the SP's entity id, clock skew, attributes.
import { z } from 'zod';
import { minimalIdpMetadataXml, parseIdpMetadata, SamlMetadataError } from './saml-metadata.js';

/** A certificate as base64 DER (the body of a PEM, or of ds:X509Certificate), whitespace removed. */
const certificate = z
  .string()
  .transform((value) => value.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''))
  .refine((value) => /^[A-Za-z0-9+/]+=*$/.test(value) && value.length > 100, { error: 'sso:saml.errors.certificate' });

const attributeName = z.string().trim().max(300, { error: 'sso:errors.tooLong' });
const blankAsEmpty = (schema: z.ZodType<string>) => z.preprocess((value) => (typeof value === 'string' ? value.trim() : (value ?? '')), schema);

export const SAML_ATTRIBUTE_DEFAULTS = {
  subject: '',
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  groups: 'http://schemas.xmlsoap.org/claims/Group',
};

/** The IdP as its metadata describes it. */
export const IdpSettings = z.object({
  entityId: z.string().trim().min(1).max(1000),
  ssoUrl: z
    .string()
    .trim()
    .url()
    .refine((value) => /^https?:/.test(value)),
  certificates: z.array(certificate).min(1).max(5),
});

/**
 * The settings of a SAML method. The IdP comes from `metadataUrl`, read at each sign-in (so the IdP's certificate
 * rollover, which ADFS does by itself every year, needs nothing from the office), or from metadata pasted once
 * (`idp`). Signed assertions are always required (not a setting); the audience is always our SP entity id.
 */
export const SamlSettings = z
  .object({
    metadataUrl: z.union([z.literal(''), z.string().trim().url()]).default(''),
    idp: IdpSettings.optional(),
    /** Empty: BASE_URL + /saml/<methodId> (samlSpEntityId). */
    spEntityId: z.string().trim().max(1000).default(''),
    clockSkewSeconds: z.coerce.number().int().min(0).max(300).default(60),
    attributes: z
      .object({
        /** Empty: the NameID. */
        subject: attributeName.default(''),
        email: attributeName.default(SAML_ATTRIBUTE_DEFAULTS.email),
        name: attributeName.default(SAML_ATTRIBUTE_DEFAULTS.name),
        groups: attributeName.default(SAML_ATTRIBUTE_DEFAULTS.groups),
      })
      .default(SAML_ATTRIBUTE_DEFAULTS),
  })
  .refine((settings) => settings.metadataUrl || settings.idp, { error: 'sso:saml.errors.metadataRequired' });
export type SamlSettings = z.infer<typeof SamlSettings>;

/** The SAML part of the method form, as typed. */
export const SamlSettingsForm = z
  .object({
    metadataUrl: blankAsEmpty(
      z.union([
        z.literal(''),
        z
          .string()
          .url({ error: 'sso:saml.errors.metadataUrl' })
          .regex(/^https?:\/\//i, { error: 'sso:saml.errors.metadataUrl' }),
      ]),
    ),
    metadataXml: blankAsEmpty(z.string().max(1024 * 1024, { error: 'sso:errors.tooLong' })),
    spEntityId: blankAsEmpty(z.string().max(1000, { error: 'sso:errors.tooLong' })),
    clockSkewSeconds: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() === '' ? 60 : value),
      z.coerce
        .number({ error: 'sso:saml.errors.clockSkew' })
        .int({ error: 'sso:saml.errors.clockSkew' })
        .min(0, { error: 'sso:saml.errors.clockSkew' })
        .max(300, { error: 'sso:saml.errors.clockSkew' }),
    ),
    subjectAttribute: blankAsEmpty(attributeName),
    emailAttribute: blankAsEmpty(attributeName),
    nameAttribute: blankAsEmpty(attributeName),
    groupsAttribute: blankAsEmpty(attributeName),
  })
  .superRefine((form, context) => {
    if (!form.metadataUrl && !form.metadataXml) context.addIssue({ code: 'custom', path: ['metadataUrl'], message: 'sso:saml.errors.metadataRequired' });
    if (form.metadataXml) {
      try {
        parseIdpMetadata(form.metadataXml);
      } catch (error) {
        if (!(error instanceof SamlMetadataError)) throw error;
        context.addIssue({ code: 'custom', path: ['metadataXml'], message: 'sso:saml.errors.metadataXml' });
      }
    }
  });
export type SamlSettingsForm = z.infer<typeof SamlSettingsForm>;

export const SAML_FORM_FIELDS = ['metadataUrl', 'metadataXml', 'spEntityId', 'clockSkewSeconds', 'subjectAttribute', 'emailAttribute', 'nameAttribute', 'groupsAttribute'] as const;

/** The stored settings of a form: pasted metadata is read now (the URL, when given, wins and is read at each sign-in). */
export function samlSettingsOf(form: SamlSettingsForm): { settings: SamlSettings; secret: undefined } {
  const idp = form.metadataXml && !form.metadataUrl ? parseIdpMetadata(form.metadataXml) : undefined;
  const settings = SamlSettings.parse({
    metadataUrl: form.metadataUrl,
    idp,
    spEntityId: form.spEntityId,
    clockSkewSeconds: form.clockSkewSeconds,
    attributes: { subject: form.subjectAttribute, email: form.emailAttribute, name: form.nameAttribute, groups: form.groupsAttribute },
  });
  return { settings, secret: undefined };
}

/** The form's values for a stored method; pasted metadata comes back as a minimal metadata document of what was read. */
export function samlFormValues(settings: SamlSettings): Record<string, string> {
  return {
    metadataUrl: settings.metadataUrl,
    metadataXml: settings.idp && !settings.metadataUrl ? minimalIdpMetadataXml(settings.idp) : '',
    spEntityId: settings.spEntityId,
    clockSkewSeconds: String(settings.clockSkewSeconds),
    subjectAttribute: settings.attributes.subject,
    emailAttribute: settings.attributes.email,
    nameAttribute: settings.attributes.name,
    groupsAttribute: settings.attributes.groups,
  };
}

export const SAML_DEFAULTS: Record<string, string> = {
  clockSkewSeconds: '60',
  subjectAttribute: '',
  emailAttribute: SAML_ATTRIBUTE_DEFAULTS.email,
  nameAttribute: SAML_ATTRIBUTE_DEFAULTS.name,
  groupsAttribute: SAML_ATTRIBUTE_DEFAULTS.groups,
};
