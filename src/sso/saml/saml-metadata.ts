// Reads an IdP's SAML metadata (entity id, single sign-on URL, signing certificates) with fast-xml-parser.
import { XMLParser } from 'fast-xml-parser';

/** What the SP needs from an IdP's metadata. */
export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

export class SamlMetadataError extends Error {}

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
/** The largest metadata accepted (ADFS's federation metadata is about 50–80 kB). */
export const METADATA_MAX_BYTES = 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

type Node = Record<string, unknown>;
const list = (value: unknown): Node[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]) as Node[];

/** The text of an element parsed with attributes (`#text`) or without (a string). */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '#text' in value) return String((value as Node)['#text']);
  return '';
}

/**
 * Parses metadata XML: the (first) EntityDescriptor holding an IDPSSODescriptor, its HTTP-Redirect
 * SingleSignOnService and the certificates of its KeyDescriptors for signing (or for no stated use).
 * SamlMetadataError with a reason when any of these is missing.
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  if (Buffer.byteLength(xml) > METADATA_MAX_BYTES) throw new SamlMetadataError('the metadata is larger than 1 MB');
  let document: Node;
  try {
    // No entity expansion, no DOCTYPE processing: metadata is data, never markup to execute.
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, processEntities: false });
    document = parser.parse(xml, true) as Node;
  } catch (error) {
    throw new SamlMetadataError(`the metadata is not well-formed XML: ${(error as Error).message}`);
  }
  const descriptors = [...list(document.EntityDescriptor), ...list((document.EntitiesDescriptor as Node | undefined)?.EntityDescriptor)];
  const entity = descriptors.find((candidate) => candidate.IDPSSODescriptor !== undefined);
  if (!entity) throw new SamlMetadataError('the metadata has no EntityDescriptor with an IDPSSODescriptor');
  const entityId = text(entity['@entityID']).trim();
  if (!entityId) throw new SamlMetadataError('the EntityDescriptor has no entityID');
  const idp = list(entity.IDPSSODescriptor)[0];
  const services = list(idp.SingleSignOnService);
  const redirect = services.find((service) => service['@Binding'] === REDIRECT);
  const ssoUrl = text(redirect?.['@Location']).trim();
  if (!ssoUrl) throw new SamlMetadataError('the IdP offers no SingleSignOnService with the HTTP-Redirect binding');
  const certificates = list(idp.KeyDescriptor)
    .filter((key) => key['@use'] === undefined || key['@use'] === 'signing')
    .flatMap((key) => list((key.KeyInfo as Node | undefined)?.X509Data).flatMap((data) => list(data.X509Certificate).map((cert) => text(cert).replace(/\s+/g, ''))))
    .filter(Boolean);
  if (!certificates.length) throw new SamlMetadataError('the IdP metadata names no signing certificate');
  return { entityId, ssoUrl, certificates: [...new Set(certificates)] };
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A minimal metadata document of what was read (the form shows it again; parseIdpMetadata reads it back the same). */
export function minimalIdpMetadataXml(idp: IdpMetadata): string {
  const keys = idp.certificates
    .map(
      (certificate) =>
        `    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('\n');
  return [
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeXml(idp.entityId)}">`,
    '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">',
    keys,
    `    <md:SingleSignOnService Binding="${REDIRECT}" Location="${escapeXml(idp.ssoUrl)}"/>`,
    '  </md:IDPSSODescriptor>',
    '</md:EntityDescriptor>',
  ].join('\n');
}

/** Fetches metadata from its URL (https, or http to a loopback address outside production) and parses it. */
export async function fetchIdpMetadata(url: string): Promise<IdpMetadata> {
  let body: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
    if (!response.ok) throw new SamlMetadataError(`the metadata address answered ${response.status}`);
    body = await response.text();
  } catch (error) {
    if (error instanceof SamlMetadataError) throw error;
    throw new SamlMetadataError(`the metadata address cannot be reached: ${(error as Error).message}`);
  }
  return parseIdpMetadata(body);
}
