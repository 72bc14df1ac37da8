import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { SignInMethod, type SignInMethodDoc } from '../../src/sso/sign-in-method.model.js';
import { parseIdpMetadata } from '../../src/sso/saml/saml-metadata.js';
import { acceptAssertionOnce, samlAcsUrl, samlOf, samlSpEntityId } from '../../src/sso/saml/saml.service.js';
import type { Profile } from '@node-saml/node-saml';
import { SamlSettings } from '../../src/sso/saml/saml.settings.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildOrganisation } from '../helpers/factories.js';
import { PlainBrowser, type PlainResponse } from '../helpers/plain-browser.js';
import { authnRequestIdOf, startSamlTestIdp, type SamlAssertionOptions, type SamlTestIdp, type SamlTestUser } from '../helpers/saml-identity-provider.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';

const users: SamlTestUser[] = [
  { login: 'anna', password: 'haslo-anny', nameId: 'saml-anna', email: 'Anna.Saml@urzad.test', name: 'Anna Samlowa', groups: ['Pracownicy'], department: 'Finanse' },
  { login: 'kasia', password: 'haslo-kasi', nameId: 'saml-kasia', email: 'kasia.saml@urzad.test', name: 'Katarzyna Kadrowa', groups: ['Kadry'] },
  { login: 'ola', password: 'haslo-oli', nameId: 'saml-ola', email: 'ola.saml@urzad.test', name: 'Ola Odeszła', groups: [] },
  { login: 'ewa', password: 'haslo-ewy', nameId: 'saml-ewa', email: 'ewa.saml@urzad.test', name: 'Ewa Testowa', groups: [] },
];
const [anna, kasia, ola, ewa] = users;

/** The hidden fields and action of the IdP's auto-submitting form. */
function acsPostOf(page: PlainResponse): { action: string; form: Record<string, string> } {
  const action = /<form method="post" action="([^"]+)"/.exec(page.text)![1];
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.text)?.[1] ?? '';
  return { action, form: { SAMLResponse: field('SAMLResponse'), RelayState: field('RelayState') } };
}

describe('sso/saml/saml.routes (SAML 2.0 sign-in against a test IdP)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let idp: SamlTestIdp;
  let office: OrganisationDoc;
  const methodId = new Types.ObjectId();

  before(async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    idp = await startSamlTestIdp({ acsUrl: samlAcsUrl(baseUrl, String(methodId)), spEntityId: samlSpEntityId(baseUrl, String(methodId), { spEntityId: '' }), users });
    server = await startTestServer({ BASE_URL: baseUrl }, { port });
    office = await buildOrganisation();
    const metadata = parseIdpMetadata(idp.metadataXml());
    await SignInMethod.create({
      _id: methodId,
      organisationId: office._id,
      kind: 'saml',
      label: 'ADFS urzędu',
      settings: SamlSettings.parse({
        idp: metadata,
        attributes: { email: 'email', name: 'displayName', groups: 'groups' },
      }),
      mapping: { departmentAttribute: 'department', departments: [{ value: 'Finanse', departmentId: office.departments[1]._id }], groupRoles: [{ group: 'Kadry', role: 'hr' }] },
    });
  });
  after(async () => {
    await server.close();
    await idp.close();
  });

  /** Starts a sign-in at the platform: the AuthnRequest's ID and the RelayState it sent to the IdP. */
  async function startSignIn(browser: PlainBrowser, next?: string): Promise<{ requestId: string; relayState: string; idpUrl: string }> {
    const start = await browser.request(`${server.url}/logowanie/saml/${String(methodId)}${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    expect(start.status).to.equal(303);
    expect(start.location!.startsWith(idp.ssoUrl)).to.equal(true);
    return { requestId: authnRequestIdOf(start.location!), relayState: new URL(start.location!).searchParams.get('RelayState') ?? '', idpUrl: start.location! };
  }

  /** The IdP's answer posted to the ACS as the browser posts it cross-site: without the platform's session cookie. */
  async function postToAcs(browser: PlainBrowser, form: Record<string, string>): Promise<PlainResponse> {
    return browser.request(samlAcsUrl(server.url, String(methodId)), { form, cookies: false });
  }

  /** The whole round trip through the IdP's login form. */
  async function signIn(login: string, password: string, next?: string): Promise<{ browser: PlainBrowser; landing: PlainResponse }> {
    const browser = new PlainBrowser();
    const { idpUrl } = await startSignIn(browser, next);
    const loginPage = await browser.request(idpUrl);
    const answer = await browser.request(`${idp.url}/sso/login`, {
      form: { requestId: /name="requestId" value="([^"]+)"/.exec(loginPage.text)![1], RelayState: /name="RelayState" value="([^"]*)"/.exec(loginPage.text)![1], login, password },
    });
    const { action, form } = acsPostOf(answer);
    expect(action).to.equal(samlAcsUrl(server.url, String(methodId)));
    return { browser, landing: await postToAcs(browser, form) };
  }

  /** A response crafted by the IdP for a request the platform really sent. */
  async function crafted(options: Omit<SamlAssertionOptions, 'inResponseTo'>): Promise<PlainResponse> {
    const browser = new PlainBrowser();
    const { requestId, relayState } = await startSignIn(browser);
    return postToAcs(browser, { SAMLResponse: idp.signedResponse({ ...options, inResponseTo: requestId }), RelayState: relayState });
  }

  async function userBySubject(subject: string): Promise<UserDoc | null> {
    return User.findOne({ organisationId: office._id, 'directory.subject': subject }).lean<UserDoc>();
  }

  function expectRefused(landing: PlainResponse, status = 401): void {
    expect(landing.status, landing.text.slice(0, 300)).to.equal(status);
    expect(landing.text).to.contain('Nie udało się zalogować');
  }

  it('creates the account at the first sign-in, in the mapped department, and follows the RelayState to the local next path', async () => {
    const { browser, landing } = await signIn('anna', 'haslo-anny', '/szkolenia');
    expect(landing.status, landing.text.slice(0, 300)).to.equal(303);
    expect(landing.location).to.equal(`${server.url}/szkolenia`);
    const user = await userBySubject('saml-anna');
    expect(user!.email).to.equal('anna.saml@urzad.test');
    expect(user!.fullName).to.equal('Anna Samlowa');
    expect(String(user!.departmentId)).to.equal(String(office.departments[1]._id));
    const dashboard = await browser.request(`${server.url}/pulpit`);
    expect(dashboard.status, 'signed in by the session the ACS started').to.equal(200);
    expect(dashboard.text).to.contain('Anna Samlowa');
  });

  it('gives HR rights to a member of the "Kadry" group', async () => {
    const { landing } = await signIn('kasia', 'haslo-kasi');
    expect(landing.status).to.equal(303);
    expect((await userBySubject('saml-kasia'))!.roles).to.include.members(['learner', 'hr']);
  });

  it('keeps the person on the platform for ?next=https://evil.example', async () => {
    const { landing } = await signIn('anna', 'haslo-anny', 'https://evil.example/');
    expect(landing.status).to.equal(303);
    expect(landing.location).to.equal(`${server.url}/pulpit`);
  });

  it('shows a clear page when the IdP refuses the password (status AuthnFailed) or does not know the user', async () => {
    for (const [login, password] of [
      ['anna', 'zle-haslo'],
      ['nikt', 'cokolwiek'],
    ]) {
      const { landing } = await signIn(login, password);
      expectRefused(landing);
      expect(landing.text).to.contain('odmówił zalogowania');
    }
  });

  it('refuses an assertion changed after signing (a group added) with a clear page', async () => {
    const landing = await crafted({
      user: ewa,
      afterSigning: (xml) =>
        xml.replace('</saml:AttributeStatement>', '<saml:Attribute Name="groups"><saml:AttributeValue>Kadry</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>'),
    });
    expectRefused(landing);
    expect(landing.text).to.contain('nie przeszła kontroli bezpieczeństwa');
    const changedEmail = await crafted({ user: ewa, afterSigning: (xml) => xml.replace('ewa.saml@urzad.test', 'anna.saml@urzad.test') });
    expectRefused(changedEmail);
    expect(await userBySubject('saml-ewa')).to.equal(null);
  });

  it('refuses an assertion signed with another key than the IdP metadata names', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expectRefused(await crafted({ user: ewa, signingKey: privateKey }));
  });

  it('refuses an assertion for another audience, and one addressed to another recipient', async () => {
    expectRefused(await crafted({ user: ewa, audience: 'https://inna-platforma.example/saml' }));
    expectRefused(await crafted({ user: ewa, recipient: 'https://inna-platforma.example/acs' }));
    expect(await userBySubject('saml-ewa')).to.equal(null);
  });

  it('refuses an expired assertion (NotOnOrAfter ten minutes ago, beyond the 60 s skew), accepts one within the skew', async () => {
    expectRefused(await crafted({ user: ewa, notBeforeS: -900, notOnOrAfterS: -600 }));
    expectRefused(await crafted({ user: ewa, notBeforeS: 600, notOnOrAfterS: 900 }));
    const withinSkew = await crafted({ user: ewa, notBeforeS: 30, notOnOrAfterS: 300 });
    expect(withinSkew.status).to.equal(303);
  });

  it('refuses the same Response posted twice (replay), and an unsolicited one (no request of ours)', async () => {
    const browser = new PlainBrowser();
    const { requestId, relayState } = await startSignIn(browser);
    const form = { SAMLResponse: idp.signedResponse({ user: anna, inResponseTo: requestId }), RelayState: relayState };
    expect((await postToAcs(browser, form)).status).to.equal(303);
    expectRefused(await postToAcs(new PlainBrowser(), form));
    expectRefused(await postToAcs(new PlainBrowser(), { SAMLResponse: idp.signedResponse({ user: anna, inResponseTo: '_not-a-request-we-sent' }) }));
  });

  it('signs in once when the same Response is posted several times at once (the assertion ID is claimed once)', async () => {
    const browser = new PlainBrowser();
    const { requestId } = await startSignIn(browser);
    const form = { SAMLResponse: idp.signedResponse({ user: anna, inResponseTo: requestId }) };
    const answers = await Promise.all([1, 2, 3, 4].map(() => postToAcs(new PlainBrowser(), form)));
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([303, 401, 401, 401]);
  });

  it('claims each verified assertion ID once (acceptAssertionOnce): the second use is a replay', async () => {
    const method = (await SignInMethod.findById(methodId).lean<SignInMethodDoc>())!;
    const context = await samlOf(server.url, method);
    const assertion = { Assertion: { $: { ID: '_assertion-once' }, Subject: [{ SubjectConfirmation: [{ SubjectConfirmationData: [{ $: { Recipient: context.acsUrl } }] }] }] } };
    const profile = { issuer: idp.entityId, nameID: 'saml-anna', nameIDFormat: 'persistent', getAssertion: () => assertion } as Profile;
    await acceptAssertionOnce(context, method, profile);
    let refusal: unknown;
    await acceptAssertionOnce(context, method, profile).catch((error: unknown) => (refusal = error));
    expect(refusal).to.have.property('reason', 'replayed');
  });

  it('refuses a second assertion for one request even with a new assertion ID', async () => {
    const browser = new PlainBrowser();
    const { requestId } = await startSignIn(browser);
    expect((await postToAcs(browser, { SAMLResponse: idp.signedResponse({ user: anna, inResponseTo: requestId }) })).status).to.equal(303);
    expectRefused(await postToAcs(browser, { SAMLResponse: idp.signedResponse({ user: anna, inResponseTo: requestId }) }));
  });

  it('refuses an account the office has deactivated', async () => {
    await signIn('ola', 'haslo-oli');
    await User.updateOne({ organisationId: office._id, 'directory.subject': 'saml-ola' }, { status: 'deactivated', deactivatedAt: new Date() });
    const { landing } = await signIn('ola', 'haslo-oli');
    expectRefused(landing, 403);
    expect(landing.text).to.contain('zostało wyłączone przez urząd');
    expect(ola.nameId).to.equal('saml-ola');
  });

  it('answers garbage, an empty POST and an unknown method with the clear page, never a 500', async () => {
    expectRefused(await postToAcs(new PlainBrowser(), { SAMLResponse: 'bm90IHhtbA==' }));
    expectRefused(await postToAcs(new PlainBrowser(), { SAMLResponse: '%%%' }));
    expectRefused(await postToAcs(new PlainBrowser(), {}));
    const unknown = await new PlainBrowser().request(`${server.url}/logowanie/saml/${String(new Types.ObjectId())}/acs`, { form: { SAMLResponse: 'x' } });
    expect(unknown.status).to.equal(404);
    expect(kasia.login).to.equal('kasia');
  });

  it('reads the IdP from its metadata URL at the sign-in, and says "try again later" when that address does not answer', async () => {
    const byUrl = await SignInMethod.create({
      organisationId: office._id,
      kind: 'saml',
      label: 'Przez adres metadanych',
      settings: SamlSettings.parse({ metadataUrl: idp.metadataUrl }),
    });
    const start = await new PlainBrowser().request(`${server.url}/logowanie/saml/${String(byUrl._id)}`);
    expect(start.status).to.equal(303);
    expect(start.location!.startsWith(`${idp.ssoUrl}?SAMLRequest=`)).to.equal(true);
    const closedPort = await freePort();
    const offline = await SignInMethod.create({
      organisationId: office._id,
      kind: 'saml',
      label: 'Wyłączony',
      settings: SamlSettings.parse({ metadataUrl: `http://127.0.0.1:${closedPort}/metadata` }),
    });
    const landing = await new PlainBrowser().request(`${server.url}/logowanie/saml/${String(offline._id)}`);
    expectRefused(landing, 503);
    expect(landing.text).to.contain('nie odpowiada');
  });

  it('publishes the SP metadata: entity id and the ACS from BASE_URL, assertions wanted signed', async () => {
    const metadata = await new PlainBrowser().request(`${server.url}/saml/${String(methodId)}/metadata`);
    expect(metadata.status).to.equal(200);
    expect(metadata.text).to.contain(`entityID="${samlSpEntityId(server.url, String(methodId), { spEntityId: '' })}"`);
    expect(metadata.text).to.contain(`Location="${samlAcsUrl(server.url, String(methodId))}"`);
    expect(metadata.text).to.contain('WantAssertionsSigned="true"');
    expect((await new PlainBrowser().request(`${server.url}/saml/${String(new Types.ObjectId())}/metadata`)).status).to.equal(404);
  });
});
