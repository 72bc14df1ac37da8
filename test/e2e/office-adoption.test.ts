// Issue 11's "Done when", as a new office would live it in the browser: operator bootstrap, a new office and its
// administrator, departments, herb and signatory, an HR person, a 200-row import, a deactivation, an extra attempt,
// a refused self-registration, and a certificate printed with the herb and the signatory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { expectNoAxeViolations, newBrowserContext, screenshot, signIn } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildQuizAttempt } from '../helpers/factories.js';
import { linkIn, mailsTo } from '../helpers/mail.js';
import { changedCatalogue, startTestServer, type TestServer } from '../helpers/server.js';
import { User } from '../../src/auth/user.model.js';
import { enrolLearner } from '../../src/learning/enrolment.service.js';
import { QuizAttemptGrant } from '../../src/learning/quiz-attempt-grant.model.js';
import { Organisation, type OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { createOperator } from '../../src/organisations/operator.service.js';

/** pngjs ships no types: an image of RGBA bytes and its synchronous encoder are all this file uses. */
interface PngImage {
  data: Buffer;
}
interface PngModule {
  PNG: { new (options: { width: number; height: number }): PngImage; sync: { write(png: PngImage): Buffer } };
}
const pngjs = createRequire(import.meta.url)('pngjs') as PngModule;

const OUTPUT_DIR = path.resolve('test-output', 'office-adoption');
const DOMAIN = 'ug-adopcja.example';
const PASSWORD = 'Bardzo-tajne-haslo-2026';
const SIGNATORY = 'Jan Kowalczyk';
const SIGNATORY_ROLE = 'Wójt Gminy';

/** A 64×64 herb: a red shield on white with a yellow band, so it is visible on the rendered certificate. */
function herbPng(): Buffer {
  const png = new pngjs.PNG({ width: 64, height: 64 });
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const i = (y * 64 + x) * 4;
      const inShield = x > 8 && x < 56 && y > 4 && y < 60 - Math.abs(x - 32) / 3;
      const band = inShield && y > 26 && y < 36;
      const [r, g, b] = band ? [250, 210, 0] : inShield ? [200, 16, 46] : [255, 255, 255];
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  }
  return pngjs.PNG.sync.write(png);
}

/**
 * 200 data rows (lines 2–201 of the file, the header being line 1), three of them bad: a malformed e-mail on line
 * 12, a department the office does not have on line 102, no name on line 152.
 */
function peopleCsv(departments: [string, string]): { csv: string; badLines: number[] } {
  const lines = ['imię i nazwisko;e-mail;dział;stanowisko'];
  for (let n = 1; n <= 200; n++) {
    const line = n + 1;
    const department = departments[n % 2];
    if (line === 12) lines.push(`Zły Adres ${n};to-nie-jest-adres;${department};podinspektor`);
    else if (line === 102) lines.push(`Nieznany Dział ${n};osoba${n}@${DOMAIN};Referat Kosmiczny;podinspektor`);
    else if (line === 152) lines.push(`;osoba${n}@${DOMAIN};${department};podinspektor`);
    else lines.push(`Pracownik Numer${n};osoba${n}@${DOMAIN};${department};podinspektor`);
  }
  return { csv: `${lines.join('\n')}\n`, badLines: [12, 102, 152] };
}

describe('e2e: a new office adopts the platform (issue 11, done when)', function () {
  this.timeout(300_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let office: OrganisationDoc;
  const visited: string[] = [];
  /** The learner whose attempts HR extends in step 5 and who receives the certificate in step 7. */
  let ewa: Awaited<ReturnType<typeof buildLearner>>;
  const departments: [string, string] = ['Referat Organizacyjny', 'Referat Finansowy'];
  const operator = { email: 'olga.operator@platforma.example', fullName: 'Olga Operator' };
  const admin = { email: `adam.admin@${DOMAIN}`, fullName: 'Adam Administrator' };
  const hr = { email: `halina.kadrowa@${DOMAIN}`, fullName: 'Halina Kadrowa' };

  before(async () => {
    // No cooldown between attempts, so that the failed attempts below can follow one another.
    const catalogue = await changedCatalogue('test/fixtures/courses', 'przyklad-kurs', (loaded) => ({ ...loaded, quiz: { ...loaded.quiz, cooldownMinutes: 0 } }));
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { catalogue });
    context = await newBrowserContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    // A fresh folder per run: the certificate PDF and its page-1 PNG (test-output is gitignored) are this run's.
    rmSync(OUTPUT_DIR, { recursive: true, force: true });
    mkdirSync(OUTPUT_DIR, { recursive: true });
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  /** Opens a path of the app and checks it with axe (every page this file sees goes through here or `checked`). */
  async function go(pathname: string, label: string): Promise<void> {
    const response = await page.goto(`${server.url}${pathname}`);
    expect(response?.status(), `${label}: ${pathname}`).to.be.below(400);
    await checked(label);
  }
  async function checked(label: string): Promise<void> {
    visited.push(`${label} ${new URL(page.url()).pathname}`);
    await expectNoAxeViolations(page, label);
  }
  /** Submits a form by its submit button and waits for the page that follows, then checks that page. */
  async function submit(formSelector: string, label: string): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.locator(`${formSelector} button[type="submit"]`).first().click()]);
    await checked(label);
  }
  /** Opens the newest invitation mailed to `email`, chooses a password and signs in. */
  async function acceptInvitation(email: string, label: string): Promise<void> {
    const mails = await mailsTo(email);
    expect(mails, `mail to ${email}`).to.have.length.greaterThan(0);
    const link = new URL(linkIn(mails.at(-1)!));
    expect(link.pathname).to.match(/^\/zaproszenie\//);
    // The invited person opens the link in their own browser, where nobody is signed in.
    await page.context().clearCookies();
    await go(link.pathname, `${label}: accept the invitation`);
    await page.fill('#password', PASSWORD);
    await page.fill('#passwordConfirm', PASSWORD);
    await submit('main form', `${label}: invitation accepted`);
    await screenshot(page, `office-adoption-${label}-accepted`);
    await signIn(page, server.url, email, PASSWORD);
    await checked(`${label}: signed in`);
  }
  async function peopleCount(): Promise<number> {
    await go('/kadry/osoby', 'people list');
    const summary = await page.locator('main p[role="status"]').innerText();
    const match = /(\d+)/.exec(summary);
    expect(match, `people count in "${summary}"`).to.not.equal(null);
    return Number(match![1]);
  }

  it('1. the operator is created on the command line, accepts the invitation and signs in', async () => {
    // What `npm run operator:create` does: the link is printed as well as mailed.
    const outcome = await createOperator(server.platform, operator);
    expect(outcome.invited).to.equal(true);
    if (!outcome.invited) return;
    expect(linkIn({ text: outcome.link })).to.equal(linkIn((await mailsTo(operator.email)).at(-1)!));
    await acceptInvitation(operator.email, 'operator');
    await go('/operator', 'operator: associations and offices');
  });

  it('2. the operator creates the office and appoints its administrator, who adds two departments', async () => {
    await go('/operator/urzedy/nowy', 'operator: new office');
    await page.fill('#name', 'Gmina Adopcja');
    await page.selectOption('#officeType', 'gmina');
    await page.fill('#teryt', '1206052');
    await page.fill('#emailDomains', DOMAIN);
    await submit('form[action="/operator/urzedy/nowy"]', 'operator: appoint the administrator');
    office = (await Organisation.findOne({ teryt: '1206052' }).lean<OrganisationDoc>())!;
    expect(office, 'the office was created').to.not.equal(null);
    expect(office.officeType).to.equal('gmina');
    expect(office.emailDomains).to.deep.equal([DOMAIN]);
    expect(new URL(page.url()).pathname).to.equal(`/operator/organizacje/${office._id.toHexString()}/administrator`);
    await page.fill('#fullName', admin.fullName);
    await page.fill('#email', admin.email);
    await submit('form[action$="/administrator"]', 'operator: administrator appointed');

    await acceptInvitation(admin.email, 'admin');
    // Departments are the office administrator's to keep: the operator's new-office form has no department field.
    await go('/urzad/dzialy', 'admin: departments');
    for (const name of departments) {
      await page.fill('#name', name);
      await submit('form[action="/urzad/dzialy"]', `admin: department ${name} added`);
    }
    const names = (await Organisation.findById(office._id).lean<OrganisationDoc>())!.departments.map((department) => department.name);
    expect(names).to.include.members(departments);
  });

  it('3. the admin sets the herb and the signatory and invites an HR person, who signs in', async () => {
    await go('/urzad/ustawienia', 'admin: office settings');
    if (!(await page.inputValue('#officialName'))) await page.fill('#officialName', 'Urząd Gminy Adopcja');
    await page.fill('#signatoryName', SIGNATORY);
    await page.fill('#signatoryRole', SIGNATORY_ROLE);
    await page.setInputFiles('#logo', { name: 'herb.png', mimeType: 'image/png', buffer: herbPng() });
    await submit('form[action="/urzad/ustawienia"]', 'admin: office settings saved');
    expect(await page.locator('.error-summary').count(), 'settings saved without errors').to.equal(0);
    await screenshot(page, 'office-adoption-settings');

    await go('/kadry/osoby/nowa', 'admin: add a person');
    await page.fill('#fullName', hr.fullName);
    await page.fill('#email', hr.email);
    await page.check('#role-hr');
    await submit('form[action="/kadry/osoby/nowa"]', 'admin: person added');
    expect(await page.locator('.error-summary').count()).to.equal(0);
    await go('/zarzadzanie', 'admin: management areas');

    await acceptInvitation(hr.email, 'HR');
    const signedIn = await User.findOne({ organisationId: office._id, email: hr.email }).lean();
    expect(signedIn?.roles).to.include('hr');
    expect(signedIn?.status).to.equal('active');
  });

  it('4. HR imports 200 rows, three bad ones named by line; re-importing the same file creates no duplicates', async () => {
    const before = await peopleCount();
    const { csv, badLines } = peopleCsv(departments);
    const upload = async (label: string): Promise<void> => {
      await go('/kadry/osoby/import', `${label}: import`);
      await page.setInputFiles('#plik', { name: 'pracownicy.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await submit('form[action="/kadry/osoby/import"]', `${label}: dry run`);
    };
    await upload('HR, first import');
    const rejected = await page.locator('tr.import-row--rejected th').allInnerTexts();
    expect(rejected.map((text) => Number(/\d+/.exec(text)?.[0]))).to.deep.equal(badLines);
    await screenshot(page, 'office-adoption-import-dry-run');
    await submit('form[action^="/kadry/osoby/import/"]', 'HR, first import: imported');
    const afterFirst = await peopleCount();
    expect(afterFirst - before).to.equal(197);

    await upload('HR, same file again');
    expect(await page.locator('tr.import-row--rejected').count()).to.equal(3);
    expect(await page.locator('section[aria-labelledby="created-title"] tbody tr').count(), 'nothing new to create').to.equal(0);
    if ((await page.locator('form[action^="/kadry/osoby/import/"]').count()) > 0) {
      await submit('form[action^="/kadry/osoby/import/"]', 'HR, same file again: imported');
    }
    expect(await peopleCount()).to.equal(afterFirst);
    expect(await User.countDocuments({ organisationId: office._id, email: `osoba2@${DOMAIN}` })).to.equal(1);
  });

  it('5. HR deactivates one person and grants another an extra attempt', async () => {
    const leaving = (await User.findOne({ organisationId: office._id, email: `osoba3@${DOMAIN}` }).lean())!;
    await go(`/kadry/osoby/${leaving._id.toHexString()}/edycja`, 'HR: edit a person');
    await page.fill('#status-reason', 'Rozwiązanie umowy o pracę');
    await submit('form[action$="/dezaktywuj"]', 'HR: person deactivated');
    expect((await User.findById(leaving._id).lean())!.status).to.equal('deactivated');

    // A learner of the office who has used up all three attempts of the course's quiz.
    ewa = await buildLearner({ organisation: office, overrides: { fullName: 'Ewa Kowalska', email: `ewa.kowalska@${DOMAIN}` } });
    const course = server.platform.catalogue.require('przyklad-kurs');
    const learner = { id: ewa.user._id.toHexString(), organisationId: office._id.toHexString(), learnerId: ewa.user.learnerId, fullName: ewa.user.fullName };
    const { enrolment } = await enrolLearner(server.platform, { learner, course });
    for (const number of [1, 2, 3]) {
      await buildQuizAttempt({
        organisationId: office._id,
        enrolmentId: enrolment._id,
        userId: ewa.user._id,
        courseId: course.id,
        courseVersion: course.version,
        number,
        questions: [],
        startedAt: new Date(Date.now() - (40 - number * 10) * 60_000),
        submittedAt: new Date(Date.now() - (35 - number * 10) * 60_000),
        scoreRaw: 1,
        scoreMax: 10,
        scoreScaled: 0.1,
        passed: false,
      });
    }
    const record = `/kadry/osoby/${ewa.user._id.toHexString()}`;
    await go(record, 'HR: person record, attempts used up');
    await page.fill('#dodatkowa-przyklad-kurs-reason', 'Awaria sieci podczas testu');
    await submit(`form[action="${record}/proby/dodatkowa"]`, 'HR: extra attempt granted');
    expect(await page.locator('.error-summary').count()).to.equal(0);
    const grants = await QuizAttemptGrant.find({ organisationId: office._id, userId: ewa.user._id }).lean();
    expect(grants.map((grant) => [grant.kind, grant.reason])).to.deep.equal([['extra_attempt', 'Awaria sieci podczas testu']]);
    // The trail is the administrator's to read (HR gets 403 there): both of HR's changes are in it, with their reasons.
    await signIn(page, server.url, admin.email, PASSWORD);
    await go('/urzad/dziennik', 'admin: audit trail');
    const trail = await page.locator('main').innerText();
    expect(trail).to.contain('Rozwiązanie umowy o pracę');
    expect(trail).to.contain('Awaria sieci podczas testu');
    await go('/konto', 'admin: my account');
  });

  it('6. a stranger finds the office but cannot self-register into it (invitation only)', async () => {
    await page.context().clearCookies();
    await go('/rejestracja', 'stranger: find the office');
    await page.fill('#szukaj', 'adopcja');
    await submit('form[action="/rejestracja"][method="get"]', 'stranger: offices found');
    await Promise.all([page.waitForURL(/urzad=/), page.click('.office-results a')]);
    await checked('stranger: invitation-only office');
    expect(await page.locator('main').innerText()).to.contain('Gmina Adopcja');
    expect(await page.locator('main .notice').innerText()).to.match(/zaprosz/i);
    expect(await page.locator('form[action="/rejestracja"][method="post"]').count()).to.equal(0);
    expect(await page.locator('#password').count()).to.equal(0);
  });

  it('7. the next certificate shows the herb and the signatory', async () => {
    const issued = await buildCertificate(server.platform, ewa.user);
    await signIn(page, server.url, ewa.user.email, ewa.password);
    await go('/moje-zaswiadczenia', 'learner: my certificates');
    // The PDF over HTTP as the learner, with the browser's session.
    const response = await page.request.get(`${server.url}/moje-zaswiadczenia/${issued.id}/pdf`);
    expect(response.status()).to.equal(200);
    expect(response.headers()['content-type']).to.equal('application/pdf');
    const file = path.join(OUTPUT_DIR, `${issued.code}.pdf`);
    writeFileSync(file, await response.body());
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).to.contain(SIGNATORY);
    expect(text).to.contain(SIGNATORY_ROLE);
    // pdfimages -list: two header lines, then one line per embedded image (the herb).
    const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(images, 'an image (the herb) is embedded in the certificate').to.have.length.greaterThan(0);
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, path.join(OUTPUT_DIR, 'certificate-page-1')]);
  });

  it('8. every page visited passed axe', () => {
    expect(visited.length).to.be.greaterThan(20);
  });
});
