// The header in Chromium: the signed-in name, HR's and admins' areas under one entry, one line at 1280 px, 360 px reflow.
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { expectNoAxeViolations, expectNoHorizontalScroll, newBrowserContext, screenshot, signIn } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The distinct tops of the header's menu items: one value when they all sit on one line. */
async function navLineTops(page: Page): Promise<number[]> {
  return page.evaluate(() => [...new Set([...document.querySelectorAll('.site-header .nav-list > li')].map((li) => Math.round(li.getBoundingClientRect().top)))]);
}

describe('e2e: header (views/partials/header.hbs)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  const people = {} as Record<'learner' | 'hr' | 'admin', Awaited<ReturnType<typeof buildLearner>>>;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    const organisation = await buildOrganisation({ name: 'Gmina Nagłówkowo' });
    // Long real-world names: the line must hold them too.
    people.learner = await buildLearner({ organisation, overrides: { fullName: 'Małgorzata Wiśniewska-Kowalczyk' } });
    people.hr = await buildLearner({ organisation, overrides: { fullName: 'Małgorzata Wiśniewska-Kowalczyk', roles: ['hr', 'learner'] } });
    people.admin = await buildLearner({ organisation, overrides: { fullName: 'Krzysztof Brzęczyszczykiewicz', roles: ['admin', 'hr', 'learner'] } });
    context = await newBrowserContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  for (const role of ['learner', 'hr', 'admin'] as const) {
    for (const language of ['pl', 'en'] as const) {
      it(`${role} [${language}]: the name links to /konto; one line at 1280 px, no sideways scroll at 360 px`, async () => {
        await signIn(page, server.url, people[role].user.email, people[role].password);
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.goto(`${server.url}/moje-szkolenia?lang=${language}`);
        const person = page.locator('.site-header a[href="/konto"]');
        expect(await person.innerText()).to.contain(people[role].user.fullName);
        expect(await navLineTops(page), 'header menu on one line at 1280 px').to.have.length(1);
        // HR and admins: their areas are behind "Zarządzanie", not in the header; their own certificates stay.
        const management = await page.locator('.site-header a[href="/zarzadzanie"]').count();
        expect(management).to.equal(role === 'learner' ? 0 : 1);
        expect(await page.locator('.site-header a[href="/moje-zaswiadczenia"]').count()).to.equal(1);
        if (role !== 'learner') expect(await page.locator('.site-header a[href="/kadry"]').count()).to.equal(0);
        await expectNoAxeViolations(page, `header of ${role} at 1280 px`);
        await screenshot(page, `header-${role}-${language}-1280`);
        await page.setViewportSize({ width: 360, height: 800 });
        await expectNoHorizontalScroll(page);
        await expectNoAxeViolations(page, `header of ${role} at 360 px`);
        await screenshot(page, `header-${role}-${language}-360`);
        if (role !== 'learner') {
          await page.setViewportSize({ width: 1280, height: 800 });
          await Promise.all([page.waitForURL('**/zarzadzanie*'), page.click('.site-header a[href="/zarzadzanie"]')]);
          expect(await page.locator('main a[href="/kadry"]').count()).to.equal(1);
          expect(await page.locator('main a[href="/kadry/oczekujacy"]').count()).to.equal(1);
          expect(await page.locator('main a[href="/urzad/rejestracja"]').count()).to.equal(role === 'admin' ? 1 : 0);
          expect(await page.locator('main a[href="/admin/lrs-klienci"]').count()).to.equal(role === 'admin' ? 1 : 0);
          expect(await page.getAttribute('.site-header a[href="/zarzadzanie"]', 'aria-current')).to.equal('page');
          await expectNoAxeViolations(page, `management page of ${role}`);
          await screenshot(page, `management-${role}-${language}`);
        }
      });
    }
  }
});
