// SCORM packages in Chromium, as their users would meet them: an author's bad zips refused with their problems listed,
// a SCORM 1.2 and a SCORM 2004 package imported; a clerk enrols, the SCO finds the API, suspends, and on reopening
// resumes where it left (suspend_data and location read back); passing completes the enrolment, issues the
// certificate and shows in HR's matrix. Every page around the player passes the tour's checks (axe and the rest).
import { expect } from 'chai';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { ScormAttempt } from '../../src/scorm/scorm-attempt.model.js';
import { ScormPackage } from '../../src/scorm/scorm-package.model.js';
import { newBrowserContext, signIn } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { checkPage } from '../helpers/page-checks.js';
import { hostilePackage, packageWithoutManifest, scormPackage } from '../helpers/scorm-packages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PACKAGES = [
  { version: '1.2' as const, courseId: 'scorm-pl-akademia-test-scorm12', title: 'Pakiet SCORM 1.2: ochrona danych', scorePercent: 90 },
  { version: '2004' as const, courseId: 'scorm-pl-akademia-test-scorm2004', title: 'Pakiet SCORM 2004: dostęp do informacji', scorePercent: 85 },
];

async function send(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.click(selector)]);
}

async function uploadPackage(page: Page, server: TestServer, name: string, buffer: Buffer): Promise<void> {
  await page.goto(`${server.url}/studio/scorm`);
  await page.setInputFiles('#plik', { name, mimeType: 'application/zip', buffer });
  await send(page, 'form[action="/studio/scorm"] button[type="submit"]');
}

/** The SCO's frame once its script has run (the API span says what LMSInitialize / Initialize returned). */
async function scoFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('#scorm-sco[src]');
  const frame = (await handle.contentFrame())!;
  await frame.waitForFunction(() => document.getElementById('api')?.textContent !== '');
  return frame;
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

describe('e2e: SCORM packages in Chromium', function () {
  this.timeout(240_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  const contexts: BrowserContext[] = [];
  let author: Page;
  let clerk: Page;
  let hr: Page;
  let clerkId: string;
  let officeId: string;
  let clerkLogin: { email: string; password: string };

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    const office = await buildOrganisation({ name: 'Gmina Scormowa' });
    const people = {
      author: await buildLearner({ organisation: office, overrides: { fullName: 'Cezary Autor', roles: ['author'] } }),
      clerk: await buildLearner({ organisation: office, overrides: { fullName: 'Anna Urzędniczka' } }),
      hr: await buildLearner({ organisation: office, overrides: { fullName: 'Halina Kadrowa', roles: ['admin', 'hr'] } }),
    };
    clerkId = String(people.clerk.user._id);
    officeId = String(office._id);
    clerkLogin = { email: people.clerk.user.email, password: people.clerk.password };
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

  it('refuses bad zips with their problems listed next to the upload field, storing nothing', async () => {
    await author.goto(`${server.url}/studio/scorm`);
    await checkPage(author, 'SCORM import', 'pl', 'scorm-import');

    await uploadPackage(author, server, 'zly.zip', hostilePackage());
    const hostile = await author.locator('#plik-problems li').allTextContents();
    expect(
      hostile.some((line) => line.includes('../../etc/cron.d/evil') && line.includes('path traversal')),
      hostile.join('\n'),
    ).to.equal(true);
    expect(
      hostile.some((line) => line.includes('sco/link.html') && line.includes('symbolic link')),
      hostile.join('\n'),
    ).to.equal(true);
    expect(await author.getAttribute('#plik', 'aria-describedby')).to.equal('plik-problems');
    await checkPage(author, 'SCORM import refused', 'pl');

    await uploadPackage(author, server, 'bez-manifestu.zip', await packageWithoutManifest());
    expect(await author.locator('#plik-problems li').allTextContents()).to.deep.equal(['(zip) Brak pliku imsmanifest.xml w głównym folderze pliku ZIP: to nie jest pakiet SCORM.']);

    await uploadPackage(author, server, 'poza.zip', await scormPackage('1.2', { href: '../poza/index.html' }));
    const outside = await author.locator('#plik-problems li').allTextContents();
    expect(outside).to.deep.equal(['imsmanifest.xml Zasób „res-1” wskazuje „../poza/index.html”, czyli adres poza pakietem (adres bezwzględny lub „..”).']);

    await uploadPackage(author, server, 'absolutny.zip', await scormPackage('2004', { href: 'https://example.invalid/sco.html' }));
    expect((await author.locator('#plik-problems li').allTextContents())[0]).to.contain('https://example.invalid/sco.html');

    // In English too.
    await author.goto(`${server.url}/studio/scorm?lng=en`);
    expect(await ScormPackage.countDocuments({})).to.equal(0);
  });

  it('imports a SCORM 1.2 and a SCORM 2004 package as courses of the catalogue', async () => {
    for (const pkg of PACKAGES) {
      await uploadPackage(author, server, `${pkg.version}.zip`, await scormPackage(pkg.version));
      expect(author.url()).to.equal(`${server.url}/szkolenia/${pkg.courseId}`);
      expect(await author.locator('.notice--success').textContent()).to.contain('Zaimportowano pakiet SCORM');
      const course = server.platform.catalogue.get(pkg.courseId)!;
      expect(course.scorm?.scormVersion).to.equal(pkg.version);
      expect(course.lessons.map((lesson) => lesson.id)).to.deep.equal(['sco-1']);
    }
  });

  for (const pkg of PACKAGES) {
    it(`plays the SCORM ${pkg.version} SCO: suspends, resumes on reopening, and passing completes the enrolment`, async () => {
      await clerk.goto(`${server.url}/szkolenia/${pkg.courseId}`);
      await checkPage(clerk, `SCORM ${pkg.version} course page`, 'pl', `scorm-course-${pkg.version}`);
      // No final test: the SCO assesses the learner, and the test's address leads back to the course.
      expect(await clerk.locator('h2', { hasText: 'Test końcowy' }).count()).to.equal(0);
      expect(await clerk.textContent('.completion-rule')).to.contain('lekcji SCORM');
      await send(clerk, `form[action="/szkolenia/${pkg.courseId}/zapis"] button[type="submit"]`);
      expect(clerk.url()).to.equal(`${server.url}/szkolenia/${pkg.courseId}/lekcje/sco-1`);

      let frame = await scoFrame(clerk);
      expect(await frame.textContent('#api')).to.equal('true');
      expect(await frame.textContent('#entry')).to.equal('ab-initio');
      expect(await frame.textContent('#learner')).to.equal('Anna Urzędniczka');
      await checkPage(clerk, `SCORM ${pkg.version} player`, 'pl', `scorm-player-${pkg.version}`);
      await frame.click('#suspend-button');
      await frame.waitForFunction(() => document.getElementById('done')?.textContent === 'suspended');
      expect(await frame.textContent('#committed')).to.equal('true');
      const enrolment = (await Enrolment.findOne({ organisationId: officeId, userId: clerkId, courseId: pkg.courseId }).lean<EnrolmentDoc>())!;
      const attempt = await until('the suspended attempt', () => ScormAttempt.findById(`${enrolment._id.toHexString()}:sco-1`).lean());
      expect(JSON.parse(attempt.cmi)['cmi.suspend_data']).to.equal('odwiedzone=1;odpowiedz=B');
      expect(attempt.status).to.equal('incomplete');

      // Closed and opened again: a fresh page resumes the attempt.
      await clerk.goto(`${server.url}/moje-szkolenia`);
      await clerk.goto(`${server.url}/szkolenia/${pkg.courseId}/lekcje/sco-1`);
      frame = await scoFrame(clerk);
      expect(await frame.textContent('#entry')).to.equal('resume');
      expect(await frame.textContent('#suspend')).to.equal('odwiedzone=1;odpowiedz=B');
      expect(await frame.textContent('#location')).to.equal('strona-2');
      expect(await clerk.textContent('#scorm-status')).to.contain('wracasz do miejsca');

      await frame.click('#pass-button');
      await frame.waitForFunction(() => document.getElementById('done')?.textContent === 'passed');
      const progress = await until('the completed enrolment', async () => {
        const found = await LearningProgress.findById(enrolment._id).lean();
        return found?.status === 'completed' ? found : null;
      });
      expect(progress.lessonsCompleted).to.deep.equal(['sco-1']);
      const certificate = await until('the certificate', () => Certificate.findOne({ organisationId: officeId, userId: clerkId, courseId: pkg.courseId }).lean());
      expect(certificate.scorePercent).to.equal(pkg.scorePercent);
      await clerk.goto(`${server.url}/szkolenia/${pkg.courseId}/test`);
      expect(clerk.url()).to.equal(`${server.url}/szkolenia/${pkg.courseId}`);
      expect(await clerk.textContent('.enrolment-box')).to.contain('Ukończone');
    });
  }

  it('says so to a learner without JavaScript, and HR sees both completions in the matrix', async () => {
    const context = await newBrowserContext({ locale: 'pl-PL', javaScriptEnabled: false });
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, server.url, clerkLogin.email, clerkLogin.password);
    await page.goto(`${server.url}/szkolenia/${PACKAGES[0].courseId}/lekcje/sco-1`);
    expect(await page.locator('noscript').innerText()).to.contain('działa tylko z włączonym JavaScriptem');
    expect(await page.getAttribute('#scorm-sco', 'src')).to.equal(null);

    await hr.goto(`${server.url}/kadry`);
    await checkPage(hr, 'HR matrix with SCORM courses', 'pl');
    const row = hr.locator('tr', { hasText: 'Anna Urzędniczka' });
    const text = (await row.textContent()) ?? '';
    expect(text.match(/ukończono/g)?.length ?? 0, text).to.equal(2);
  });
});
