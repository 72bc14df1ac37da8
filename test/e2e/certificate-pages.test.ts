// The certificate pages in headless Chromium: verification, lookup, "Moje zaświadczenia" and HR's revoke form.
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { BrowserContext, Page } from 'playwright-core';
import { Certificate, type CertificateDoc } from '../../src/certificates/certificate.model.js';
import { CertificateFile } from '../../src/certificates/certificate-file.model.js';
import { expectNoAxeViolations, expectNoHorizontalScroll, expectVisibleFocus, newBrowserContext, screenshot, signIn, tabTo } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('certificate pages in Chromium (accessibility, phone width, uploads without JavaScript)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let code: string;
  let id: string;
  let learner: Awaited<ReturnType<typeof buildLearner>>;
  let hr: Awaited<ReturnType<typeof buildLearner>>;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', BASE_URL: 'https://akademia.test' });
    const organisation = await buildOrganisation({ name: 'Urząd Miasta Łódź' });
    learner = await buildLearner({ organisation, overrides: { fullName: 'Zażółć Gęślą Jaźń' } });
    hr = await buildLearner({ organisation, overrides: { roles: ['hr', 'learner'], fullName: 'Halina Kadrowa' } });
    ({ code, id } = await buildCertificate(server.platform, learner.user, { completedAt: new Date('2026-02-02T10:00:00Z') }));
    // An older, expired one for the history.
    await buildCertificate(server.platform, learner.user, { scorePercent: 80, completedAt: new Date('2024-02-02T10:00:00Z') });
    context = await newBrowserContext({ javaScriptEnabled: true, locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await server.close();
  });

  it('the verification page is accessible, fits a phone, and checks an uploaded PDF by keyboard', async () => {
    await page.goto(`${server.url}/weryfikacja/${code}`);
    expect(await page.textContent('h1')).to.equal(`Zaświadczenie ${code}`);
    await expectNoAxeViolations(page, 'verification page');
    await screenshot(page, 'certificate-verify');

    const file = await CertificateFile.findOne({ _id: new Types.ObjectId(id), organisationId: (await Certificate.findById(id).lean<CertificateDoc>())!.organisationId });
    await page.setInputFiles('#plik', { name: `${code}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(file!.pdf) });
    await tabTo(page, 'form[action$="/plik"] button[type="submit"]');
    await expectVisibleFocus(page);
    await Promise.all([page.waitForURL(`**/weryfikacja/${code}/plik`), page.keyboard.press('Enter')]);
    expect(await page.textContent('h1')).to.equal('Wynik sprawdzenia pliku');
    expect(await page.textContent('#file-result')).to.contain('Plik jest identyczny z wystawionym zaświadczeniem');
    await expectNoAxeViolations(page, 'verification page with the PDF result');

    // A changed file: its result is the first thing under the heading, and the record below says it is about the number.
    const edited = Buffer.from(file!.pdf);
    edited.write('X', edited.length - 40, 'latin1');
    await page.setInputFiles('#plik', { name: `${code}.pdf`, mimeType: 'application/pdf', buffer: edited });
    await Promise.all([page.waitForURL(`**/weryfikacja/${code}/plik`), page.click('form[action$="/plik"] button[type="submit"]')]);
    const firstAfterHeading = await page.$eval('main h1', (h1) => h1.nextElementSibling?.textContent ?? '');
    expect(firstAfterHeading).to.contain('Plik NIE jest identyczny');
    expect(await page.textContent('main h2')).to.equal(`Zaświadczenie nr ${code} w rejestrze platformy`);
    await expectNoAxeViolations(page, 'verification page with a changed PDF');
    await screenshot(page, 'certificate-verify-file-differs');

    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${server.url}/weryfikacja/${code}`);
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'certificate-verify-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('the lookup page shows a field error tied to the field', async () => {
    await page.goto(`${server.url}/weryfikacja`);
    await expectNoAxeViolations(page, 'lookup page');
    await page.fill('#code', 'ABC');
    await Promise.all([page.waitForURL('**/weryfikacja?code=ABC'), page.press('#code', 'Enter')]);
    expect(await page.getAttribute('#code', 'aria-invalid')).to.equal('true');
    expect(await page.getAttribute('#code', 'aria-describedby')).to.equal('code-hint code-error');
    expect(await page.inputValue('#code')).to.equal('ABC');
    await expectNoAxeViolations(page, 'lookup page with an error');
  });

  it('"Moje zaświadczenia" lists the current certificate and the history, accessibly', async () => {
    await signIn(page, server.url, learner.user.email, learner.password);
    await page.goto(`${server.url}/moje-zaswiadczenia`);
    expect(await page.textContent('main')).to.contain(code);
    expect(await page.locator('a[href="/moje-zaswiadczenia"]').count()).to.be.greaterThan(0); // header link
    await expectNoAxeViolations(page, 'my certificates');
    await screenshot(page, 'certificate-mine');
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("HR's list and revoke form are accessible and show field errors", async () => {
    await signIn(page, server.url, hr.user.email, hr.password);
    await page.goto(`${server.url}/zaswiadczenia`);
    expect(await page.textContent('main')).to.contain('Zażółć Gęślą Jaźń');
    await expectNoAxeViolations(page, 'HR certificate list');
    await screenshot(page, 'certificate-manage');
    // At every desktop width the whole table, its action column included, is in view: nothing hides to the right.
    for (const width of [1024, 1280, 1440, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      const fit = await page.$eval('.certificate-table', (table) => {
        const box = table.closest('.table-scroll')!;
        const actions = table.querySelector('tbody tr td:last-child')!.getBoundingClientRect();
        return { hidden: box.scrollWidth - box.clientWidth, actionsRight: actions.right, boxRight: box.getBoundingClientRect().right };
      });
      expect(fit.hidden, `${width} px: table wider than its box`).to.be.at.most(0);
      expect(fit.actionsRight, `${width} px: action column cut`).to.be.at.most(fit.boxRight + 0.5);
    }
    await screenshot(page, 'certificate-manage-1920');
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/zaswiadczenia/${id}/uniewaznij`);
    await expectNoAxeViolations(page, 'revoke form');
    await Promise.all([page.waitForLoadState('load'), page.click('main button[type="submit"]')]);
    expect(await page.getAttribute('#reason', 'aria-invalid')).to.equal('true');
    await expectNoAxeViolations(page, 'revoke form with an error');
    await page.fill('#reason', 'Szkolenie ukończyła inna osoba');
    await Promise.all([page.waitForURL('**/zaswiadczenia'), page.click('main button[type="submit"]')]);
    expect(await page.textContent('main')).to.contain(`Zaświadczenie ${code} zostało unieważnione.`);
    await page.goto(`${server.url}/weryfikacja/${code}`);
    expect(await page.textContent('.certificate-status')).to.contain('Unieważnione');
    await expectNoAxeViolations(page, 'verification page, revoked');
    await screenshot(page, 'certificate-verify-revoked');
  });
});
