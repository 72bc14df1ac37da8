// Issue 14's "Done when" in Chromium, as its users would: a visitor reads the installation's own privacy pages from the
// footer; a clerk who learnt downloads her data, then asks for erasure; HR's look at her record is in the access trail (the admin's and hers);
// the office admin erases her; HR's matrix, the statements and the
// verification page behave as described; years later the retention job withdraws her certificate.
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { MovableClock } from '../../src/calendar/clock.js';
import { PersonErasure } from '../../src/privacy/person-erasure.model.js';
import { runPendingDataExports } from '../../src/privacy/data-export.service.js';
import { runPendingErasures } from '../../src/privacy/person-erasure.service.js';
import { runRetention } from '../../src/privacy/retention.js';
import { newBrowserContext, signIn } from '../helpers/browser.js';
import { enrolAndCompleteSteps, exampleCourse } from '../helpers/completion.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, loginAgent } from '../helpers/factories.js';
import { checkPage, DESKTOP, submit } from '../helpers/page-checks.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { statementsAnywhere } from '../helpers/statements.js';

const OPERATOR = 'Związek Gmin Testowych – operator platformy';
const IOD_EMAIL = 'iod@zgt.example';

describe('e2e: privacy in the platform itself (public pages, erasure, retention)', function () {
  this.timeout(180_000);
  useTestDatabase(import.meta.url);
  const clock = new MovableClock();
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', OPERATOR_NAME: OPERATOR, IOD_EMAIL, IOD_NAME: 'Irena Inspektorka' }, { clock });
    context = await newBrowserContext({ viewport: DESKTOP });
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  it('the footer leads to the four public pages, each naming this installation’s operator and IOD', async () => {
    await page.goto(`${server.url}/`);
    const links = await page.locator('footer a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(links).to.include.members(['/polityka-prywatnosci', '/regulamin', '/kontakt', '/pliki-cookie', '/deklaracja-dostepnosci']);
    for (const path of ['/polityka-prywatnosci', '/regulamin', '/kontakt', '/pliki-cookie']) {
      await Promise.all([page.waitForURL(`**${path}`), page.click(`footer a[href="${path}"]`)]);
      expect(await page.locator('main').textContent(), path).to.contain(OPERATOR);
      if (path !== '/pliki-cookie' && path !== '/regulamin') expect(await page.locator('main').textContent(), path).to.contain(IOD_EMAIL);
      await checkPage(page, `public page ${path}`, 'pl');
    }
  });

  it('a clerk asks for erasure, the admin erases her; the matrix, the statements and the verification page follow', async () => {
    const office = await buildOrganisation({ name: 'Urząd Gminy Prywatna' });
    const ewa = await buildLearner({ organisation: office, overrides: { fullName: 'Ewa Zapomniana' } });
    const admin = await buildLearner({ organisation: office, overrides: { fullName: 'Adam Admin', roles: ['admin', 'hr', 'learner'] } });
    await enrolAndCompleteSteps(await loginAgent(server.url, ewa.user.email, ewa.password), await exampleCourse());
    const certificate = await buildCertificate(server.platform, ewa.user);
    expect((await statementsAnywhere()).filter((record) => String(record.json).includes(ewa.user.learnerId)).length).to.be.greaterThan(0);

    await signIn(page, server.url, ewa.user.email, ewa.password);
    // First she downloads her data: the file is built in the background, then offered with its expiry.
    await page.goto(`${server.url}/konto`);
    await Promise.all([page.waitForURL('**/konto/moje-dane'), page.click('a[href="/konto/moje-dane"]')]);
    await submit(page, 'form[action="/konto/moje-dane"]');
    await checkPage(page, 'my data, being prepared', 'pl');
    expect(await runPendingDataExports(server.platform)).to.equal(1);
    await page.reload();
    await checkPage(page, 'my data, ready', 'pl');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[download]')]);
    const zipPath = await download.path();
    const listing = execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' });
    expect(listing).to.contain('dane.json').and.contain('podejscia.csv').and.contain(`zaswiadczenia/${certificate.code}.pdf`);
    const data = JSON.parse(execFileSync('unzip', ['-p', zipPath, 'dane.json'], { encoding: 'utf8' })) as {
      statements: unknown[];
      enrolments: unknown[];
      person: { fullName: string };
    };
    expect(data.person.fullName).to.equal('Ewa Zapomniana');
    expect(data.statements.length).to.be.greaterThan(0);
    expect(data.enrolments.length).to.equal(1);

    await page.goto(`${server.url}/konto`);
    await Promise.all([page.waitForURL('**/konto/usuniecie-danych'), page.click('a[href="/konto/usuniecie-danych"]')]);
    await page.fill('#note', 'Odchodzę z urzędu.');
    await submit(page, 'form[action="/konto/usuniecie-danych"]');
    expect(await page.locator('[role="status"]').allTextContents()).to.satisfy((texts: string[]) => texts.some((text) => text.includes('czeka na decyzję')));

    await signIn(page, server.url, admin.user.email, admin.password);
    await page.goto(`${server.url}/kadry`);
    expect(await page.locator('main').textContent()).to.contain('Ewa Zapomniana');
    // HR's look at her record goes into the access trail, which the admin reads (and she will see it too).
    await page.goto(`${server.url}/kadry/osoby/${ewa.user._id.toHexString()}`);
    await page.goto(`${server.url}/zarzadzanie`);
    await Promise.all([page.waitForURL('**/urzad/dostep-do-danych'), page.click('a[href="/urzad/dostep-do-danych"]')]);
    const trail = await page.locator('main').textContent();
    expect(trail).to.contain('Przegląd karty osoby').and.contain('Adam Admin').and.contain('Ewa Zapomniana');
    await checkPage(page, 'access trail', 'pl');
    await signIn(page, server.url, ewa.user.email, ewa.password);
    await page.goto(`${server.url}/konto`);
    await Promise.all([page.waitForURL('**/konto/kto-przegladal'), page.click('a[href="/konto/kto-przegladal"]')]);
    expect(await page.locator('main').textContent())
      .to.contain('Adam Admin')
      .and.contain('Przegląd karty osoby');
    await checkPage(page, 'who viewed my data', 'pl');
    await signIn(page, server.url, admin.user.email, admin.password);
    await page.goto(`${server.url}/urzad/dziennik`);
    await Promise.all([page.waitForURL('**/urzad/usuwanie-danych'), page.click('a[href="/urzad/usuwanie-danych"]')]);
    await Promise.all([page.waitForURL('**/urzad/usuwanie-danych/*'), page.click('a[href^="/urzad/usuwanie-danych/"]')]);
    await page.fill('#reason', 'Prośba osoby z 3.12.2026');
    await page.check('#confirm');
    await submit(page, 'form[action^="/urzad/usuwanie-danych/"]');
    await runPendingErasures(server.platform);
    for (let wait = 0; wait < 50 && !(await PersonErasure.findById(ewa.user._id.toHexString()).lean())?.finishedAt; wait++) await page.waitForTimeout(200);
    await page.reload();
    expect(await page.locator('main').textContent())
      .to.contain('Zakończono')
      .and.not.contain('Ewa Zapomniana');
    await checkPage(page, 'erasures after an erasure', 'pl');

    await page.goto(`${server.url}/kadry`);
    expect(await page.locator('main').textContent()).to.not.contain('Ewa Zapomniana');
    const statements = await statementsAnywhere();
    expect(statements.filter((record) => String(record.json).includes(ewa.user.learnerId))).to.have.length(0);
    expect(statements.filter((record) => String(record.json).includes('/xapi/pseudonyms')).length).to.be.greaterThan(0);
    // She can no longer sign in.
    await context.clearCookies();
    await page.goto(`${server.url}/logowanie`);
    await page.fill('#email', ewa.user.email);
    await page.fill('#password', ewa.password);
    await submit(page, 'form[action="/logowanie"][method="post"]');
    expect(page.url()).to.contain('/logowanie');

    // Her certificate still proves the training for the office's period (ten years by default) ...
    await page.goto(`${server.url}/weryfikacja/${certificate.code}`);
    expect(await page.locator('main').textContent()).to.contain('Ewa Zapomniana');
    // ... and after it, the retention job withdraws it: the page says only that the number existed.
    clock.advance({ months: 12 * 10 + 1 });
    expect((await runRetention(server.platform))?.counts.certificates).to.equal(1);
    const answer = await page.goto(`${server.url}/weryfikacja/${certificate.code}`);
    expect(answer?.status()).to.equal(410);
    const text = await page.locator('main').textContent();
    expect(text).to.contain('nie jest już przechowywane').and.not.contain('Ewa Zapomniana');
    await checkPage(page, 'withdrawn certificate', 'pl');
  });
});
