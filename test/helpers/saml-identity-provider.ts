// A SAML 2.0 identity provider for the tests, built with xml-crypto and node:crypto: its own key and certificate, real signatures.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { selfSignedCertificate } from './x509.js';

export interface SamlTestUser {
  login: string;
  password: string;
  nameId: string;
  email: string;
  name: string;
  groups: string[];
  department?: string;
}

export interface SamlAssertionOptions {
  user: SamlTestUser;
  inResponseTo: string;
  /** Defaults: the SP's ACS and entity id the IdP was started with. */
  recipient?: string;
  audience?: string;
  /** Validity, relative to now in seconds (defaults -60 and +300). */
  notBeforeS?: number;
  notOnOrAfterS?: number;
  /** Applied to the signed XML (a tampered assertion). */
  afterSigning?: (xml: string) => string;
  /** Sign with this key instead of the IdP's (a forger's key). */
  signingKey?: KeyObject;
}

export interface SamlTestIdp {
  url: string;
  entityId: string;
  ssoUrl: string;
  metadataUrl: string;
  /** The signing certificate, base64 DER. */
  certificate: string;
  metadataXml(): string;
  /** A base64 SAMLResponse with one signed assertion. */
  signedResponse(options: SamlAssertionOptions): string;
  close(): Promise<void>;
}

const iso = (offsetS: number) => new Date(Date.now() + offsetS * 1000).toISOString();
const id = () => `_${randomBytes(16).toString('hex')}`;
const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The ID of the AuthnRequest in an HTTP-Redirect binding URL (what the SP sent). */
export function authnRequestIdOf(redirectUrl: string): string {
  const request = new URL(redirectUrl).searchParams.get('SAMLRequest');
  if (!request) throw new Error(`no SAMLRequest in ${redirectUrl}`);
  const xml = inflateRawSync(Buffer.from(request, 'base64')).toString('utf8');
  const match = /\sID="([^"]+)"/.exec(xml);
  if (!match) throw new Error('the AuthnRequest has no ID');
  return match[1];
}

/**
 * Starts the IdP on a random loopback port: GET /metadata, GET /sso (HTTP-Redirect AuthnRequest → a login form),
 * POST /sso/login (→ an auto-submitting form posting the signed Response to the SP's ACS; a wrong password gets a
 * Response with status AuthnFailed, as ADFS answers).
 */
export async function startSamlTestIdp(options: { acsUrl: string; spEntityId: string; users: SamlTestUser[] }): Promise<SamlTestIdp> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificate = selfSignedCertificate(publicKey, privateKey, 'Akademia JST test IdP');
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entityId = `${url}/idp`;
  const ssoUrl = `${url}/sso`;

  const metadataXml = () => `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ssoUrl}"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

  function signedResponse(assertion: SamlAssertionOptions): string {
    const { user } = assertion;
    const recipient = assertion.recipient ?? options.acsUrl;
    const audience = assertion.audience ?? options.spEntityId;
    const notBefore = iso(assertion.notBeforeS ?? -60);
    const notOnOrAfter = iso(assertion.notOnOrAfterS ?? 300);
    const attribute = (name: string, values: string[]) =>
      values.length ? `<saml:Attribute Name="${name}">${values.map((value) => `<saml:AttributeValue>${escapeXml(value)}</saml:AttributeValue>`).join('')}</saml:Attribute>` : '';
    const assertionXml =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" IssueInstant="${iso(0)}">` +
      `<saml:Issuer>${entityId}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${escapeXml(user.nameId)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${assertion.inResponseTo}" NotOnOrAfter="${notOnOrAfter}" Recipient="${recipient}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${escapeXml(audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(0)}" SessionIndex="${id()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>${attribute('email', [user.email])}${attribute('displayName', [user.name])}${attribute('groups', user.groups)}${attribute('department', user.department ? [user.department] : [])}</saml:AttributeStatement>` +
      `</saml:Assertion>`;
    const responseXml =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" IssueInstant="${iso(0)}" Destination="${recipient}" InResponseTo="${assertion.inResponseTo}">` +
      `<saml:Issuer>${entityId}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
      assertionXml +
      `</samlp:Response>`;
    const signature = new SignedXml({
      privateKey: (assertion.signingKey ?? privateKey).export({ type: 'pkcs8', format: 'pem' }),
      publicCert: `-----BEGIN CERTIFICATE-----\n${certificate}\n-----END CERTIFICATE-----`,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    signature.addReference({
      xpath: "//*[local-name(.)='Assertion']",
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    });
    signature.computeSignature(responseXml, { location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } });
    const signed = assertion.afterSigning ? assertion.afterSigning(signature.getSignedXml()) : signature.getSignedXml();
    return Buffer.from(signed, 'utf8').toString('base64');
  }

  function failedResponse(inResponseTo: string): string {
    const xml =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" IssueInstant="${iso(0)}" Destination="${options.acsUrl}" InResponseTo="${inResponseTo}">` +
      `<saml:Issuer>${entityId}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode>` +
      `<samlp:StatusMessage>Wrong user name or password</samlp:StatusMessage></samlp:Status></samlp:Response>`;
    return Buffer.from(xml, 'utf8').toString('base64');
  }

  const postToAcs = (res: ServerResponse, samlResponse: string, relayState: string) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><head><title>Test IdP</title></head><body onload="document.forms[0].submit()"><main>
<form method="post" action="${options.acsUrl}"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><input type="hidden" name="RelayState" value="${escapeXml(relayState)}">
<noscript><button type="submit">Continue</button></noscript></form></main></body></html>`);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const requestUrl = new URL(req.url ?? '/', url);
    if (req.method === 'GET' && requestUrl.pathname === '/metadata') {
      res.setHeader('content-type', 'application/samlmetadata+xml');
      res.end(metadataXml());
      return;
    }
    if (req.method === 'GET' && requestUrl.pathname === '/sso') {
      const requestId = authnRequestIdOf(requestUrl.href);
      const relayState = requestUrl.searchParams.get('RelayState') ?? '';
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><head><title>Test IdP sign-in</title></head><body><main><h1>Test SAML IdP</h1>
<form method="post" action="/sso/login"><input type="hidden" name="requestId" value="${requestId}"><input type="hidden" name="RelayState" value="${escapeXml(relayState)}">
<label for="login">Login</label><input id="login" name="login" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in</button></form></main></body></html>`);
      return;
    }
    if (req.method === 'POST' && requestUrl.pathname === '/sso/login') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const requestId = form.get('requestId') ?? '';
        const relayState = form.get('RelayState') ?? '';
        const user = options.users.find((candidate) => candidate.login === form.get('login') && candidate.password === form.get('password'));
        postToAcs(res, user ? signedResponse({ user, inResponseTo: requestId }) : failedResponse(requestId), relayState);
      });
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  });

  return {
    url,
    entityId,
    ssoUrl,
    metadataUrl: `${url}/metadata`,
    certificate,
    metadataXml,
    signedResponse,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
