// The account pages in headless Chromium: axe-core (WCAG 2.1 A/AA), phone width, keyboard, no JavaScript needed.
import type { BrowserContext } from 'playwright-core';
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { expectNoAxeViolations, expectNoHorizontalScroll, expectVisibleFocus, newBrowserContext, tabTo } from '../helpers/browser.js';
import { buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('auth pages in a browser (accessibility)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let context: BrowserContext;
  let officeId: string;
  before(async () => {
    server = await startTestServer();
    officeId = (await buildOrganisation({ name: 'Urząd Gminy Dostępnowo', joinPolicy: 'domains', emailDomains: ['example.test'] }))._id.toHexString();
    // The pages ship no JavaScript of their own; axe is injected by the test (the context bypasses CSP for it).
    context = await newBrowserContext({ viewport: { width: 375, height: 800 } });
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  for (const path of [
    '/rejestracja',
    '/rejestracja?szukaj=dostepnowo',
    '/logowanie',
    '/haslo/reset',
    '/potwierdz-email/wyslij-ponownie',
    '/deklaracja-dostepnosci',
    '/rejestracja?lang=en',
  ]) {
    it(`${path} passes axe and fits a 375 px screen`, async () => {
      const page = await context.newPage();
      await page.goto(server.url + path);
      await expectNoAxeViolations(page, path);
      await expectNoHorizontalScroll(page);
      await page.close();
    });
  }

  it('registration with errors passes axe, and the keyboard reaches the summary links and fields with visible focus', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/rejestracja?urzad=${officeId}`);
    await page.fill('#fullName', 'Jan Kowalski');
    await page.fill('#email', 'to-nie-jest-adres');
    await page.click('form[action="/rejestracja"] button[type="submit"]');
    await page.waitForSelector('.error-summary');
    expect(await page.inputValue('#fullName')).to.equal('Jan Kowalski');
    expect(await page.getAttribute('#email', 'aria-invalid')).to.equal('true');
    await expectNoAxeViolations(page, 'registration with errors');
    await tabTo(page, '.error-summary a[href="#email"]');
    await expectVisibleFocus(page);
    await page.keyboard.press('Enter');
    await tabTo(page, '#consent');
    await expectVisibleFocus(page);
    await page.close();
  });
});
