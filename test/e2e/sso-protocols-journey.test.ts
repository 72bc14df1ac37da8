// Issue 15 in the browser for OpenID Connect and SAML: the office admin configures OIDC (discovery of a real test provider),
// a clerk known only to the directory signs in and lands in the right department, and a tampered SAML assertion is refused.
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { BrowserContext, Page } from 'playwright-core';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { SignInMethod } from '../../src/sso/sign-in-method.model.js';
import { parseIdpMetadata } from '../../src/sso/saml/saml-metadata.js';
import { samlAcsUrl, samlSpEntityId } from '../../src/sso/saml/saml.service.js';
import { SamlSettings } from '../../src/sso/saml/saml.settings.js';
import { expectNoAxeViolations, newBrowserContext, screenshot, signIn } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { startOidcTestProvider, type OidcTestProvider } from '../helpers/oidc-identity-provider.js';
import { startSamlTestIdp, type SamlTestIdp, type SamlTestUser } from '../helpers/saml-identity-provider.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';

const DOMAIN = 'ug-katalog.example';
const samlUser: SamlTestUser = { login: 'ewa', password: 'haslo-ewy', nameId: 'saml-ewa', email: `ewa@${DOMAIN}`, name: 'Ewa Samlowa', groups: ['Pracownicy'] };

describe('e2e: OpenID Connect and SAML sign-in (issue 15)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let oidc: OidcTestProvider;
  let saml: SamlTestIdp;
  let office: OrganisationDoc;
  let context: BrowserContext;
  let page: Page;
  const samlMethodId = new Types.ObjectId();

  before(async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    oidc = await startOidcTestProvider({
      accounts: [
        { login: 'marek', password: 'haslo-marka', sub: 'entra-marek', email: `marek@${DOMAIN}`, name: 'Marek Katalogowy', groups: ['Pracownicy'], department: 'Finanse' },
        { login: 'kasia', password: 'haslo-kasi', sub: 'entra-kasia', email: `kasia@${DOMAIN}`, name: 'Katarzyna Kadrowa', groups: ['Kadry'] },
      ],
      // A client needs one registered URI; the method's own (created in the browser) is accepted by the prefix.
      redirectUris: [`${baseUrl}/logowanie/oidc/`],
      redirectUriPrefix: `${baseUrl}/logowanie/oidc/`,
    });
    saml = await startSamlTestIdp({
      acsUrl: samlAcsUrl(baseUrl, String(samlMethodId)),
      spEntityId: samlSpEntityId(baseUrl, String(samlMethodId), { spEntityId: '' }),
      users: [samlUser],
    });
    server = await startTestServer({ BASE_URL: baseUrl }, { port });
    office = await buildOrganisation({
      name: 'Gmina Katalogowo',
      emailDomains: [DOMAIN],
      departments: [{ name: 'Referat Organizacyjny' }, { name: 'Referat Finansowy' }],
    } as Partial<OrganisationDoc>);
    await SignInMethod.create({
      _id: samlMethodId,
      organisationId: office._id,
      kind: 'saml',
      label: 'ADFS urzędu',
      settings: SamlSettings.parse({ idp: parseIdpMetadata(saml.metadataXml()), attributes: { email: 'email', name: 'displayName', groups: 'groups' } }),
    });
    context = await newBrowserContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await server?.close();
    await oidc?.close();
    await saml?.close();
  });

  async function userByEmail(email: string): Promise<UserDoc | null> {
    return User.findOne({ organisationId: office._id, email }).lean<UserDoc>();
  }

  it('the office admin adds OpenID Connect in the browser and "Sprawdź" names the provider found by discovery', async () => {
    const { user: admin, password } = await buildLearner({ organisation: office, overrides: { roles: ['learner', 'admin'], fullName: 'Adam Administrator' } });
    await signIn(page, server.url, admin.email, password);
    await page.goto(`${server.url}/urzad/logowanie/nowy/oidc`);
    await expectNoAxeViolations(page, 'new OIDC method form');
    await page.fill('#label', 'Entra ID urzędu');
    await page.check('#enabled');
    await page.fill('#discoveryUrl', oidc.discoveryUrl);
    await page.fill('#clientId', oidc.clientId);
    await page.fill('#clientSecret', oidc.clientSecret);
    await page.fill('#scopes', 'openid email profile groups');
    await page.fill('#groupsClaim', 'groups');
    await page.fill('#departmentAttribute', 'department');
    await page.fill('#departmentValue-1', 'Finanse');
    await page.selectOption('#departmentId-1', { label: 'Referat Finansowy' });
    await page.fill('#groupName-1', 'Kadry');
    await page.selectOption('#groupRole-1', 'hr');
    await Promise.all([page.waitForURL(/\/urzad\/logowanie\/[0-9a-f]{24}$/), page.click('form[action$="/nowy/oidc"] button[type="submit"]')]);
    const methodId = /\/urzad\/logowanie\/([0-9a-f]{24})$/.exec(page.url())![1];
    // The redirect URI to register at the provider is shown, built from BASE_URL.
    expect(await page.locator('main').innerText()).to.contain(`${server.url}/logowanie/oidc/${methodId}/powrot`);
    expect(await page.inputValue('#clientSecret'), 'the secret is never shown again').to.equal('');
    // The edit page shows what was stored (the secret excepted), also when opened afresh.
    await page.reload();
    expect(await page.inputValue('#label')).to.equal('Entra ID urzędu');
    expect(await page.inputValue('#discoveryUrl')).to.equal(oidc.discoveryUrl);
    expect(await page.inputValue('#groupName-1')).to.equal('Kadry');
    expect(await page.locator('main').innerText()).to.contain('Odczytuje konfigurację dostawcy spod adresu wykrywania');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/sprawdz"] button[type="submit"]')]);
    expect(await page.locator('main').innerText()).to.contain(`dostawca ${oidc.issuer}`);
    await expectNoAxeViolations(page, 'OIDC method form after the check');
    await screenshot(page, 'sso-oidc-admin-form');
    const stored = await SignInMethod.findById(methodId).lean();
    expect(stored!.sealedSecret).to.match(/^sb1\./);
    expect(JSON.stringify(stored!.settings)).to.not.contain(oidc.clientSecret);
  });

  it('the office admin adds SAML from the IdP metadata URL: "Sprawdź" reads it, the platform metadata address is shown to copy', async () => {
    await page.goto(`${server.url}/urzad/logowanie/nowy/saml`);
    await page.fill('#label', 'ADFS (metadane z adresu)');
    await page.fill('#metadataXml', '<to nie są metadane>');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/nowy/saml"] button[type="submit"]')]);
    expect(await page.locator('#metadataXml-error').innerText()).to.contain('To nie są poprawne metadane');
    await expectNoAxeViolations(page, 'SAML form with an error');
    await page.fill('#metadataXml', '');
    await page.fill('#metadataUrl', saml.metadataUrl);
    await Promise.all([page.waitForURL(/\/urzad\/logowanie\/[0-9a-f]{24}$/), page.click('form[action$="/nowy/saml"] button[type="submit"]')]);
    const methodId = /\/urzad\/logowanie\/([0-9a-f]{24})$/.exec(page.url())![1];
    expect(await page.locator('main').innerText()).to.contain(`${server.url}/saml/${methodId}/metadata`);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/sprawdz"] button[type="submit"]')]);
    expect(await page.locator('main').innerText()).to.contain(`dostawca ${saml.entityId}`);
    await expectNoAxeViolations(page, 'SAML method form after the check');
    await screenshot(page, 'sso-saml-admin-form');
    const metadata = await page.request.get(`${server.url}/saml/${methodId}/metadata`);
    expect(await metadata.text()).to.contain(`Location="${server.url}/logowanie/saml/${methodId}/acs"`);
  });

  it('a clerk known only to the directory signs in with OIDC from the sign-in page and lands in the right department', async () => {
    await context.clearCookies();
    await page.goto(`${server.url}/logowanie?email=${encodeURIComponent(`marek@${DOMAIN}`)}`);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(oidc.issuer)), page.getByRole('link', { name: /Entra ID urzędu/ }).click()]);
    await page.fill('#login', 'marek');
    await page.fill('#password', 'haslo-marka');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(server.url) && !url.pathname.startsWith('/logowanie')), page.click('button[type="submit"]')]);
    expect(new URL(page.url()).pathname).to.equal('/pulpit');
    expect(await page.locator('body').innerText()).to.contain('Marek Katalogowy');
    const clerk = await userByEmail(`marek@${DOMAIN}`);
    expect(String(clerk!.departmentId)).to.equal(String(office.departments[1]._id));
    expect(clerk!.passwordHash ?? null, 'no platform password').to.equal(null);
    await screenshot(page, 'sso-oidc-clerk-dashboard');
  });

  it('a member of the "Kadry" group gets HR rights', async () => {
    await context.clearCookies();
    await page.goto(`${server.url}/logowanie?email=${encodeURIComponent(`kasia@${DOMAIN}`)}`);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(oidc.issuer)), page.getByRole('link', { name: /Entra ID urzędu/ }).click()]);
    await page.fill('#login', 'kasia');
    await page.fill('#password', 'haslo-kasi');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(server.url)), page.click('button[type="submit"]')]);
    expect((await userByEmail(`kasia@${DOMAIN}`))!.roles).to.include('hr');
    const reports = await page.goto(`${server.url}/kadry`);
    expect(reports!.status()).to.be.lessThan(400);
  });

  it('a tampered SAML assertion is refused with a clear page', async () => {
    await context.clearCookies();
    await Promise.all([page.waitForURL((url) => url.href.startsWith(saml.ssoUrl)), page.goto(`${server.url}/logowanie/saml/${String(samlMethodId)}`)]);
    const requestId = await page.inputValue('input[name="requestId"]');
    const relayState = await page.inputValue('input[name="RelayState"]');
    // The IdP signed for Ewa; someone changes her groups on the way (after signing) and posts it to the ACS.
    const tampered = saml.signedResponse({
      user: samlUser,
      inResponseTo: requestId,
      afterSigning: (xml) => xml.replace('<saml:AttributeValue>Pracownicy</saml:AttributeValue>', '<saml:AttributeValue>Kadry</saml:AttributeValue>'),
    });
    await page.setContent(
      `<!doctype html><html lang="en"><head><title>IdP</title></head><body><main><form method="post" action="${samlAcsUrl(server.url, String(samlMethodId))}"><input type="hidden" name="SAMLResponse" value="${tampered}"><input type="hidden" name="RelayState" value="${relayState}"><button type="submit">Continue</button></form></main></body></html>`,
    );
    const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(response!.status()).to.equal(401);
    expect(await page.locator('h1').innerText()).to.equal('Nie udało się zalogować');
    expect(await page.locator('main').innerText()).to.contain('nie przeszła kontroli bezpieczeństwa');
    await expectNoAxeViolations(page, 'refused SAML sign-in');
    await screenshot(page, 'sso-saml-tampered-refused');
    expect(await userByEmail(samlUser.email)).to.equal(null);
  });

  it('the untampered SAML sign-in through the IdP form works (auto-submitted POST to the ACS)', async () => {
    await context.clearCookies();
    await Promise.all([page.waitForURL((url) => url.href.startsWith(saml.ssoUrl)), page.goto(`${server.url}/logowanie/saml/${String(samlMethodId)}?next=%2Fszkolenia`)]);
    await page.fill('#login', 'ewa');
    await page.fill('#password', 'haslo-ewy');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${server.url}/szkolenia`)), page.click('button[type="submit"]')]);
    expect(await userByEmail(samlUser.email)).to.not.equal(null);
  });
});
