// cmi5 in Chromium, as its users would meet it: an author's broken package refused with its problems listed, a cmi5
// package imported through the studio; a clerk enrols, launches the AU, whose page (@xapi/cmi5's browser bundle,
// shipped in the package) fetches its token, initialises, passes, completes and terminates; a statement after
// `terminated` is refused; the clerk comes back by the returnURL, the AU shows as satisfied, the certificate is
// issued and verifiable, and HR's matrix shows the completion. The import page and the AU list pass the tour's
// checks (axe and the rest).
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { Cmi5Package } from '../../src/cmi5/cmi5-package.model.js';
import { newBrowserContext, signIn } from '../helpers/browser.js';
import { brokenCmi5Package, cmi5Package, COURSE_ID } from '../helpers/cmi5-packages.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { checkPage } from '../helpers/page-checks.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

async function send(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.click(selector)]);
}

async function until<T>(what: string, read: () => Promise<T | null | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('e2e: cmi5 package in Chromium', function () {
  this.timeout(240_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  const contexts: BrowserContext[] = [];
  let author: Page;
  let clerk: Page;
  let hr: Page;
  let clerkId: string;
  let officeId: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    const office = await buildOrganisation({ name: 'Gmina Cmi5' });
    const people = {
      author: await buildLearner({ organisation: office, overrides: { fullName: 'Cezary Autor', roles: ['author'] } }),
      clerk: await buildLearner({ organisation: office, overrides: { fullName: 'Anna Urzędniczka' } }),
      hr: await buildLearner({ organisation: office, overrides: { fullName: 'Halina Kadrowa', roles: ['admin', 'hr'] } }),
    };
    clerkId = String(people.clerk.user._id);
    officeId = String(office._id);
    const pages: Record<string, Page> = {};
    for (const [role, person] of Object.entries(people)) {
      const context = await newBrowserContext({ locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      pages[role] = await context.newPage();
      await signIn(pages[role], server.url, person.user.email, person.password);
    }
    ({ author, clerk, hr } = pages as Record<keyof typeof people, Page>);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await server?.close();
  });

  it('refuses a broken cmi5.xml with its problems listed next to the upload field, then imports a package', async () => {
    await author.goto(`${server.url}/studio`);
    await send(author, 'a[href="/studio/cmi5"]');
    await checkPage(author, 'cmi5 import', 'pl', 'cmi5-import');
    await author.setInputFiles('#plik', { name: 'zly.zip', mimeType: 'application/zip', buffer: await brokenCmi5Package() });
    await send(author, 'form[action="/studio/cmi5"] button[type="submit"]');
    const problems = await author.locator('#plik-problems li').allTextContents();
    expect(
      problems.some((line) => line.startsWith('cmi5.xml') && line.includes('moveOn „Sometimes”')),
      problems.join('\n'),
    ).to.equal(true);
    expect(await author.getAttribute('#plik', 'aria-describedby')).to.equal('plik-problems');
    await checkPage(author, 'cmi5 import refused', 'pl', 'cmi5-import-refused');
    expect(await Cmi5Package.countDocuments({})).to.equal(0);

    await author.setInputFiles('#plik', { name: 'kurs.zip', mimeType: 'application/zip', buffer: await cmi5Package() });
    await send(author, 'form[action="/studio/cmi5"] button[type="submit"]');
    expect(author.url()).to.equal(`${server.url}/szkolenia/${COURSE_ID}`);
    expect(await author.locator('.notice--success').textContent()).to.contain('Zaimportowano pakiet cmi5');
  });

  it('a clerk launches the AU: it initialises, passes, completes, terminates; the certificate is issued', async () => {
    await clerk.goto(`${server.url}/szkolenia`);
    expect(await clerk.locator('body').textContent()).to.contain('Kurs cmi5: ochrona danych');
    await clerk.goto(`${server.url}/szkolenia/${COURSE_ID}`);
    expect(await clerk.textContent('.completion-rule')).to.contain('modułów cmi5');
    await send(clerk, `form[action="/szkolenia/${COURSE_ID}/zapis"] button[type="submit"]`);
    // Enrolling leads to the first lesson, which for a cmi5 course is the AU list.
    expect(clerk.url()).to.equal(`${server.url}/szkolenia/${COURSE_ID}/moduly#au-1`);
    expect(await clerk.textContent('#au-1 .au__status')).to.equal('nierozpoczęty');
    await checkPage(clerk, 'cmi5 AU list', 'pl', 'cmi5-aus');

    await send(clerk, '#au-1 button[type="submit"]');
    expect(clerk.url()).to.contain(`/cmi5-pakiety/${COURSE_ID}/1/au/index.html?`);
    await clerk.waitForFunction(() => document.getElementById('state')?.textContent === 'initialized' || document.getElementById('error')?.textContent !== '');
    expect(await clerk.textContent('#error')).to.equal('');
    expect(await clerk.textContent('#mastery')).to.equal('0.8');
    await clerk.click('#pass');
    await clerk.waitForFunction(() => document.getElementById('state')?.textContent === 'terminated' || document.getElementById('error')?.textContent !== '');
    expect(await clerk.textContent('#error')).to.equal('');
    // cmi5 forbids anything after terminated: the LRS refuses it (403), the AU sees the refusal.
    await clerk.click('#after');
    await clerk.waitForFunction(() => document.getElementById('after-result')?.textContent !== '');
    expect(await clerk.textContent('#after-result')).to.equal('refused 403');

    const certificate = await until('the certificate', () => Certificate.findOne({ organisationId: officeId, userId: clerkId, courseId: COURSE_ID }).lean());
    expect(certificate.scorePercent).to.equal(90);
    await send(clerk, '#back');
    expect(clerk.url()).to.equal(`${server.url}/szkolenia/${COURSE_ID}/moduly#au-1`);
    expect(await clerk.textContent('#au-1 .au__status')).to.equal('spełniony');
    expect(await clerk.textContent('#cmi5-progress')).to.contain('szkolenie ukończone');
    await clerk.goto(`${server.url}/szkolenia/${COURSE_ID}`);
    expect(await clerk.textContent('.enrolment-box')).to.contain('Ukończone');
    await clerk.goto(`${server.url}/weryfikacja/${certificate.code}`);
    expect(await clerk.locator('main').textContent()).to.contain('Kurs cmi5: ochrona danych');

    // HR's matrix shows the completion as for a native course.
    await hr.goto(`${server.url}/kadry`);
    expect((await hr.locator('tr', { hasText: 'Anna Urzędniczka' }).textContent()) ?? '').to.contain('ukończono');

    await clerk.goto(`${server.url}/szkolenia/${COURSE_ID}/moduly?lang=en`);
    await checkPage(clerk, 'cmi5 AU list (en)', 'en', 'cmi5-aus', ['Anna Urzędniczka']);
  });
});
