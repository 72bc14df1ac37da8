// An office's SAML method as the routes use it: node-saml set up from its settings, the ACS checks node-saml leaves to us, the profile.
import { generateServiceProviderMetadata, SAML, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import { Types } from 'mongoose';
import { Claim } from '../../db/claim.model.js';
import { claimOnce } from '../../db/claims.js';
import type { DirectoryProfile } from '../directory-profile.js';
import type { SignInMethodDoc } from '../sign-in-method.model.js';
import { SAML_REQUEST_TTL_MS, SamlRequestCache } from './saml-request-cache.js';
import { fetchIdpMetadata, type IdpMetadata } from './saml-metadata.js';
import { SamlSettings } from './saml.settings.js';

/** An assertion older than this (from its IssueInstant) is refused whatever its NotOnOrAfter says. */
const MAX_ASSERTION_AGE_MS = 60 * 60 * 1000;
/** How long a used assertion's ID is kept to refuse its replay: beyond any assertion this SP still accepts. */
const ASSERTION_CLAIM_KEPT_MS = 2 * MAX_ASSERTION_AGE_MS;

/** Why a SAML answer signs nobody in: a stable reason for the failure page, a detail for the log. */
export class SamlSignInError extends Error {
  constructor(
    readonly reason: 'rejected' | 'replayed' | 'provider-refused' | 'missing-attributes' | 'misconfigured' | 'unreachable',
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

/** The Assertion Consumer Service of a method: fixed, from BASE_URL (never the request's Host). */
export function samlAcsUrl(baseUrl: string, methodId: string): string {
  return new URL(`/logowanie/saml/${encodeURIComponent(methodId)}/acs`, baseUrl).href;
}

/** The SP's entity id: the method's setting, or BASE_URL + /saml/<methodId>. */
export function samlSpEntityId(baseUrl: string, methodId: string, settings: Pick<SamlSettings, 'spEntityId'>): string {
  return settings.spEntityId || new URL(`/saml/${encodeURIComponent(methodId)}`, baseUrl).href;
}

function pem(certificate: string): string {
  return `-----BEGIN CERTIFICATE-----\n${certificate.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----`;
}

export interface SamlServiceProvider {
  settings: SamlSettings;
  acsUrl: string;
  spEntityId: string;
}

export interface SamlMethodContext extends SamlServiceProvider {
  saml: SAML;
  requests: SamlRequestCache;
}

/** The SP side of a method (no IdP needed): its settings, ACS and entity id. */
export function serviceProviderOf(baseUrl: string, method: Pick<SignInMethodDoc, '_id' | 'settings'>): SamlServiceProvider {
  const parsed = SamlSettings.safeParse(method.settings);
  if (!parsed.success) throw new SamlSignInError('misconfigured', `the method's stored settings are not valid SAML settings: ${parsed.error.message}`);
  const methodId = String(method._id);
  return { settings: parsed.data, acsUrl: samlAcsUrl(baseUrl, methodId), spEntityId: samlSpEntityId(baseUrl, methodId, parsed.data) };
}

/** The SP metadata XML the office's IdP administrator imports (entity id, ACS, assertions wanted signed). */
export function serviceProviderMetadata(sp: SamlServiceProvider): string {
  return generateServiceProviderMetadata({ issuer: sp.spEntityId, callbackUrl: sp.acsUrl, wantAssertionsSigned: true, identifierFormat: null });
}

/** The IdP of a method: pasted metadata as stored, or its metadata URL read now. */
export async function identityProviderOf(settings: SamlSettings): Promise<IdpMetadata> {
  if (settings.metadataUrl) {
    try {
      return await fetchIdpMetadata(settings.metadataUrl);
    } catch (error) {
      throw new SamlSignInError('unreachable', `the IdP metadata (${settings.metadataUrl}) cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }
  if (!settings.idp) throw new SamlSignInError('misconfigured', 'the method has neither a metadata URL nor metadata');
  return settings.idp;
}

/**
 * node-saml for one method: signed assertions required (wantAssertionsSigned, not a setting), the IdP's issuer and
 * the audience (our entity id) checked, InResponseTo always required and looked up in the database
 * (SamlRequestCache), the clock skew of the settings. IdP-initiated sign-in is therefore not accepted.
 */
export async function samlOf(baseUrl: string, method: Pick<SignInMethodDoc, '_id' | 'organisationId' | 'settings'>): Promise<SamlMethodContext> {
  const sp = serviceProviderOf(baseUrl, method);
  const idp = await identityProviderOf(sp.settings);
  const requests = new SamlRequestCache(method.organisationId, method._id);
  const saml = new SAML({
    callbackUrl: sp.acsUrl,
    entryPoint: idp.ssoUrl,
    issuer: sp.spEntityId,
    idpIssuer: idp.entityId,
    idpCert: idp.certificates.map(pem),
    audience: sp.spEntityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: sp.settings.clockSkewSeconds * 1000,
    maxAssertionAgeMs: MAX_ASSERTION_AGE_MS,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: SAML_REQUEST_TTL_MS,
    cacheProvider: requests,
    identifierFormat: null,
    // ADFS and Entra ID pick the authentication themselves (Windows sign-in, MFA); a requested context would refuse it.
    disableRequestedAuthnContext: true,
  });
  return { ...sp, saml, requests };
}

type XmlJs = { $?: Record<string, string>; _?: string } & { [name: string]: XmlJs[] | Record<string, string> | string | undefined };

/**
 * The checks node-saml leaves to the SP, on the verified assertion only: a bearer SubjectConfirmation whose Recipient is
 * our ACS, and the assertion's ID used once (a unique-key claim, kept longer than any assertion we accept).
 */
export async function acceptAssertionOnce(context: SamlMethodContext, method: Pick<SignInMethodDoc, '_id' | 'organisationId'>, profile: Profile): Promise<void> {
  const parsed = profile.getAssertion?.() as { Assertion?: XmlJs } | undefined;
  const assertion = parsed?.Assertion;
  const id = assertion?.$?.ID;
  if (!assertion || !id) throw new SamlSignInError('rejected', 'the assertion has no ID');
  const confirmations = ((assertion.Subject as XmlJs[] | undefined)?.[0]?.SubjectConfirmation as XmlJs[] | undefined) ?? [];
  const recipients = confirmations.flatMap((confirmation) => ((confirmation.SubjectConfirmationData as XmlJs[] | undefined) ?? []).map((data) => data.$?.Recipient));
  if (!recipients.includes(context.acsUrl)) {
    throw new SamlSignInError('rejected', `the assertion's Recipient (${recipients.join(', ') || 'none'}) is not this ACS (${context.acsUrl})`);
  }
  const organisationId = new Types.ObjectId(String(method.organisationId));
  const prefix = `saml-assertion:${String(method._id)}:`;
  await Claim.deleteMany({ organisationId, _id: { $regex: `^${prefix}` }, createdAt: { $lt: new Date(Date.now() - ASSERTION_CLAIM_KEPT_MS) } });
  if (!(await claimOnce(`${prefix}${id}`, organisationId))) throw new SamlSignInError('replayed', `assertion ${id} was used before (replay)`);
}

function values(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** A verified SAML profile as a DirectoryProfile, by the method's attribute names. */
export function profileFromSaml(profile: Profile, settings: SamlSettings): DirectoryProfile {
  const attributes: Record<string, string[]> = {};
  for (const [name, value] of Object.entries((profile.attributes as Record<string, unknown> | undefined) ?? {})) {
    const list = values(value);
    if (list.length) attributes[name] = list;
  }
  const first = (name: string) => (name ? attributes[name]?.[0]?.trim() : undefined) || undefined;
  const subject = first(settings.attributes.subject) ?? profile.nameID?.trim();
  const nameIdEmail = /^[^\s@]+@[^\s@]+$/.test(profile.nameID ?? '') ? profile.nameID : undefined;
  const email = (first(settings.attributes.email) ?? values(profile.email)[0] ?? nameIdEmail)?.toLowerCase();
  const fullName = first(settings.attributes.name) ?? first('displayName') ?? '';
  if (!subject || !email || !fullName) {
    const missing = [!subject && 'subject (NameID)', !email && settings.attributes.email, !fullName && settings.attributes.name].filter(Boolean);
    throw new SamlSignInError('missing-attributes', `the assertion lacks ${missing.join(', ')}`);
  }
  return { subject, email, fullName, groups: settings.attributes.groups ? (attributes[settings.attributes.groups] ?? []) : [], attributes };
}
