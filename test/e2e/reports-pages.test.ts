// HR's report pages in headless Chromium: the completion matrix with its reminders form, and the assignment form.
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { assignCourse } from '../../src/learning/enrolment.service.js';
import { endOfWarsawDay, warsawIsoDay } from '../../src/calendar/calendar.js';
import { expectNoAxeViolations, expectNoHorizontalScroll, expectVisibleFocus, newBrowserContext, screenshot, signIn, tabTo } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('reports pages in Chromium (accessibility, phone width, forms without JavaScript)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    server = await startTestServer({ BASE_URL: 'https://akademia.test' });
    const office = await buildOrganisation({ name: 'Urząd Miasta Łódź' });
    const [first, second] = office.departments.map((d) => d._id);
    const hr = await buildLearner({ organisation: office, overrides: { roles: ['hr', 'learner'], fullName: 'Halina Kadrowa', departmentId: first } });
    const people = [
      await buildLearner({ organisation: office, overrides: { fullName: 'Grzegorz Brzęczyszczykiewicz', departmentId: first } }),
      await buildLearner({ organisation: office, overrides: { fullName: 'Żaneta Źdźbło', departmentId: second } }),
    ];
    const course = server.platform.catalogue.require('rodo-w-urzedzie');
    for (const { user } of people) {
      await assignCourse(server.platform, {
        learner: { id: user._id.toHexString(), organisationId: office._id.toHexString(), learnerId: user.learnerId, fullName: user.fullName },
        course,
        dueDate: endOfWarsawDay(warsawIsoDay(new Date(Date.now() - 2 * 86_400_000))),
        assignedBy: hr.user._id.toHexString(),
      });
    }
    context = await newBrowserContext({ javaScriptEnabled: true, locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    await signIn(page, server.url, hr.user.email, hr.password);
  });
  after(async () => {
    await context?.close();
    await server.close();
  });

  it('the matrix is accessible, keyboard-reachable, and fits a phone (the table scrolls in its own box)', async () => {
    await page.goto(`${server.url}/kadry`);
    expect(await page.textContent('h1')).to.equal('Ukończenia szkoleń');
    expect(await page.textContent('table.completion-matrix')).to.contain('po terminie');
    await expectNoAxeViolations(page, 'completion matrix');
    await screenshot(page, 'reports-matrix');
    await tabTo(page, 'form[action="/kadry/przypomnienia"] button');
    await expectVisibleFocus(page);
    // Without JavaScript the reminders form posts and the page says what happened. The redirect lands on /kadry
    // again, so wait for the new document's load event: waitForLoadState could answer for the old page, whose
    // <main> is there too, and read it before the notice.
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(await page.locator('main').textContent()).to.contain('Do kolejki trafiły 2 przypomnienia.');
    await expectNoAxeViolations(page, 'completion matrix with the reminders notice');

    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${server.url}/kadry`);
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'reports-matrix-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('the assignment form ties errors to fields, keeps what was typed, and passes axe', async () => {
    await page.goto(`${server.url}/kadry/przypisz`);
    await expectNoAxeViolations(page, 'assignment form');
    await page.selectOption('#courseId', 'dialog-techniczny');
    await page.fill('#dueDate', '2020-01-01');
    await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/kadry/przypisz')),
      page.click('main form[action="/kadry/przypisz"] button[type="submit"]'),
    ]);
    await page.waitForLoadState();
    expect(await page.textContent('.error-summary')).to.contain('Termin nie może być w przeszłości.');
    expect(await page.textContent('.error-summary')).to.contain('Wybierz referat.');
    expect(await page.getAttribute('#dueDate', 'aria-invalid')).to.equal('true');
    expect(await page.getAttribute('#dueDate', 'aria-describedby')).to.equal('dueDate-hint dueDate-error');
    expect(await page.getAttribute('#departmentId', 'aria-describedby')).to.equal('departmentId-hint departmentId-error');
    expect(await page.inputValue('#courseId')).to.equal('dialog-techniczny');
    // Every link in the error summary leads to a control on the page.
    for (const href of await page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
      expect(await page.locator(href!).count(), href!).to.equal(1);
    }
    await expectNoAxeViolations(page, 'assignment form with errors');
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'reports-assign-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
