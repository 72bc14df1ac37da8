// What an office's SAML 2.0 sign-in needs: the IdP (from its metadata), the SP's entity id, clock skew, attribute names.
import { z } from 'zod';

/** A certificate as base64 DER (the body of a PEM, or of ds:X509Certificate), whitespace removed. */
const certificate = z
  .string()
  .transform((value) => value.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''))
  .refine((value) => /^[A-Za-z0-9+/]+=*$/.test(value) && value.length > 100, 'sso:saml.errors.certificate');

const attributeName = z.string().trim().max(300, 'sso:saml.errors.attribute');

/**
 * The settings of a SAML method. The IdP part comes from its metadata (fetched from `metadataUrl` by the admin's
 * action, or pasted); signed assertions are always required (not a setting), the audience is always checked
 * against the SP entity id. An empty attribute name falls back to the NameID (subject) or the usual names.
 */
export const SamlSettings = z.object({
  metadataUrl: z.union([z.literal(''), z.string().trim().url('sso:saml.errors.metadataUrl')]).default(''),
  idpEntityId: z.string().trim().min(1, 'sso:saml.errors.idpEntityId').max(1000),
  idpSsoUrl: z
    .string()
    .trim()
    .url('sso:saml.errors.idpSsoUrl')
    .refine((value) => /^https?:/.test(value), 'sso:saml.errors.idpSsoUrl'),
  idpCertificates: z.array(certificate).min(1, 'sso:saml.errors.certificate').max(5),
  /** Empty: BASE_URL + /saml/<methodId> (samlSpEntityId). */
  spEntityId: z.string().trim().max(1000).default(''),
  clockSkewSeconds: z.coerce.number().int('sso:saml.errors.clockSkew').min(0, 'sso:saml.errors.clockSkew').max(300, 'sso:saml.errors.clockSkew').default(60),
  attributes: z
    .object({
      /** Empty: the NameID. */
      subject: attributeName.default(''),
      email: attributeName.default('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'),
      name: attributeName.default('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'),
      groups: attributeName.default('http://schemas.xmlsoap.org/claims/Group'),
    })
    .default({
      subject: '',
      email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
      name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
      groups: 'http://schemas.xmlsoap.org/claims/Group',
    }),
});
export type SamlSettings = z.infer<typeof SamlSettings>;
