// Issue 15's "Done when" for LDAP, in Chromium as new users would: the office admin configures its directory, a clerk
// who exists only there signs in and lands in their department, an HR-group member gets HR's pages, and after the
// clerk is disabled in the directory the sync (run by hand, dry run first) deactivates them and they cannot sign in.
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { expectNoAxeViolations, newBrowserContext, screenshot, signIn } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PEOPLE_BASE, SERVICE_DN, SERVICE_PASSWORD, groupLdif, personLdif, startSlapd, type Slapd } from '../helpers/slapd.js';

const CLERK = { uid: 'mzielinska', fullName: 'Maria Zielińska', mail: 'mzielinska@ug-katalog.example', password: 'Haslo-Do-Komputera-1', department: 'FIN' };
const HR_PERSON = { uid: 'kkadrowa', fullName: 'Katarzyna Kadrowa', mail: 'kkadrowa@ug-katalog.example', password: 'Haslo-Do-Komputera-2', department: 'ORG' };

describe('e2e: signing in with the office directory (LDAP)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let slapd: Slapd;
  let office: OrganisationDoc;
  let admin: { user: UserDoc; password: string };
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    slapd = await startSlapd([personLdif(CLERK), personLdif(HR_PERSON), groupLdif('Kadry', [HR_PERSON.uid])].join('\n'));
    server = await startTestServer();
    office = await buildOrganisation({ name: 'Gmina Katalogowo', emailDomains: ['ug-katalog.example'] });
    admin = await buildLearner({ organisation: office, overrides: { fullName: 'Adam Administrator', roles: ['learner', 'admin'], email: 'admin@ug-katalog.example' } });
    context = await newBrowserContext();
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await server?.close();
    await slapd?.stop();
  });

  const userByEmail = (email: string) => User.findOne({ email }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();

  async function directorySignIn(username: string, password: string): Promise<void> {
    await page.context().clearCookies();
    await page.goto(`${server.url}/logowanie`);
    await page.fill('#directory-email', `${username}@ug-katalog.example`);
    await Promise.all([page.waitForURL(/email=/), page.click('text=Pokaż sposoby logowania urzędu')]);
    await page.fill('input[id^="ldap-username-"]', username);
    await page.fill('input[id^="ldap-password-"]', password);
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Zaloguj się: Katalog Gminy Katalogowo")')]);
  }

  it('the office admin configures LDAP in the browser and checks the connection', async () => {
    await signIn(page, server.url, admin.user.email, admin.password);
    await page.goto(`${server.url}/zarzadzanie`);
    await Promise.all([page.waitForURL(/\/urzad\/logowanie$/), page.click('a[href="/urzad/logowanie"]')]);
    await Promise.all([page.waitForURL(/\/nowy$/), page.click('text=Dodaj sposób logowania')]);
    await Promise.all([page.waitForURL(/\/nowy\/ldap$/), page.click('text=LDAP / Active Directory')]);
    await page.fill('#label', 'Katalog Gminy Katalogowo');
    await page.fill('#url', slapd.url);
    await page.fill('#bindDn', SERVICE_DN);
    await page.fill('#bindPassword', SERVICE_PASSWORD);
    await page.fill('#searchBase', PEOPLE_BASE);
    await page.fill('#userFilter', '(&(objectClass=inetOrgPerson)(uid={{username}}))');
    await page.fill('#loginAttribute', 'uid');
    await page.fill('#nameAttribute', 'displayName');
    await page.fill('#subjectAttribute', 'entryUUID');
    await page.check('#disabledCheck-attribute');
    await page.fill('#disabledAttribute', 'employeeType');
    await page.fill('#disabledValue', 'disabled');
    await page.fill('#departmentAttribute', 'departmentNumber');
    await page.fill('#departmentValue-1', 'FIN');
    await page.selectOption('#departmentId-1', { label: 'Referat Finansowy' });
    await page.fill('#departmentValue-2', 'ORG');
    await page.selectOption('#departmentId-2', { label: 'Referat Organizacyjny' });
    await page.fill('#groupName-1', 'Kadry');
    await page.selectOption('#groupRole-1', 'hr');
    await screenshot(page, 'sso-ldap-configure');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Zapisz")')]);
    expect(await page.textContent('body')).to.contain('Dodano sposób logowania');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Sprawdź połączenie")')]);
    expect(await page.textContent('body')).to.contain('Połączenie działa');
    // The password is never shown again: the field is empty, with the "leave empty to keep" hint.
    expect(await page.inputValue('#bindPassword')).to.equal('');
    expect(await page.content()).to.not.contain(SERVICE_PASSWORD);
    await expectNoAxeViolations(page, 'LDAP method after the check');
    await screenshot(page, 'sso-ldap-checked');
  });

  it('a clerk who exists only in the directory signs in with the directory password and lands in their department', async () => {
    expect(await userByEmail(CLERK.mail)).to.equal(null);
    await directorySignIn(CLERK.uid, CLERK.password);
    expect(new URL(page.url()).pathname).to.equal('/pulpit');
    expect(await page.textContent('header')).to.contain(CLERK.fullName.split(' ')[0]);
    await screenshot(page, 'sso-ldap-clerk-dashboard');
    const clerk = (await userByEmail(CLERK.mail))!;
    const finance = office.departments.find((d) => d.name === 'Referat Finansowy')!;
    expect(String(clerk.departmentId)).to.equal(String(finance._id));
    expect(clerk.roles).to.deep.equal(['learner']);
    const hrPage = await page.goto(`${server.url}/kadry/osoby`);
    expect(hrPage!.status()).to.equal(403);
  });

  it('a member of the "Kadry" group gets HR rights', async () => {
    await directorySignIn(HR_PERSON.uid, HR_PERSON.password);
    expect(new URL(page.url()).pathname).to.equal('/pulpit');
    const people = await page.goto(`${server.url}/kadry/osoby`);
    expect(people!.status()).to.equal(200);
    expect(await page.textContent('main')).to.contain(CLERK.fullName);
    await screenshot(page, 'sso-ldap-hr-people');
  });

  it('after the clerk is disabled in the directory, the sync run by hand deactivates them and they cannot sign in', async () => {
    await slapd.modify(`dn: uid=${CLERK.uid},${PEOPLE_BASE}\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n`);
    await signIn(page, server.url, admin.user.email, admin.password);
    await page.goto(`${server.url}/urzad/logowanie`);
    await Promise.all([page.waitForURL(/synchronizacja$/), page.click('a[href$="/synchronizacja"]')]);
    const dryRun = (await page.textContent('main'))!;
    expect(dryRun).to.contain(CLERK.fullName);
    expect(dryRun).to.contain('konto wyłączone w katalogu');
    expect((await userByEmail(CLERK.mail))!.status, 'the dry run changes nothing').to.equal('active');
    await expectNoAxeViolations(page, 'LDAP sync dry run');
    await screenshot(page, 'sso-ldap-sync-dry-run');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Zastosuj")')]);
    expect(await page.textContent('main')).to.contain('Zastosowano: wyłączono 1');
    await screenshot(page, 'sso-ldap-sync-applied');
    expect((await userByEmail(CLERK.mail))!.status).to.equal('deactivated');

    await directorySignIn(CLERK.uid, CLERK.password);
    expect(new URL(page.url()).pathname).to.equal(`/logowanie/ldap/${String((await userByEmail(CLERK.mail))!.directory!.methodId)}`);
    expect(await page.textContent('main')).to.contain('konto w katalogu urzędu jest wyłączone');
    await expectNoAxeViolations(page, 'directory sign-in refused');
    await screenshot(page, 'sso-ldap-clerk-refused');
  });
});
