// The authoring studio in Chromium, as its users would: an association's author writes a short course with an image, a
// handout and a captioned video, a second author reviews and approves it, a clerk of a member office passes it, and
// version 1.1.0 (a change of the law) reaches new enrolments while an earlier enrolment finishes on 1.0.0. Every
// studio page passes the accessibility tour's checks (axe, language, headings, reflow).
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { MovableClock } from '../../src/calendar/clock.js';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { runPendingRecertifications } from '../../src/certificates/certificate-recertification.js';
import { expectNoAxeViolations, newBrowserContext, screenshot, signIn } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { CAPTIONS, mp4File, pdfFile, pngFile } from '../helpers/media-files.js';
import { checkPage, visit } from '../helpers/page-checks.js';
import { answerQuizByKeyboard } from '../helpers/quiz-page.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const COURSE_ID = 'dostepnosc-cyfrowa';
const STUDIO = `/studio/${COURSE_ID}`;
const LESSON_BODY = [
  '## Czym jest WCAG 2.1',
  '',
  'Standard dostępności treści internetowych.',
  '',
  '![Schemat czterech zasad WCAG](images/zasady-wcag.png)',
  '',
  'Pobierz [wzór deklaracji dostępności](handouts/wzor-deklaracji.pdf) i uzupełnij go.',
  '',
  '```video',
  'src: video/wprowadzenie.mp4',
  'captions: video/wprowadzenie.vtt',
  'title: Wprowadzenie do dostępności cyfrowej',
  '```',
  '',
].join('\n');

/** Clicks a submit button and waits for the page the form lands on. */
async function send(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.click(selector)]);
}

async function upload(page: Page, folder: string, file: { name: string; mimeType: string; buffer: Buffer }, altText = ''): Promise<void> {
  await page.check(`#folder-${folder}`);
  await page.setInputFiles('#plik', file);
  await page.fill('#altText', altText);
  await send(page, 'form[enctype="multipart/form-data"] button[type="submit"]');
  expect(await page.locator('.notice--success[role="status"]').textContent(), `upload of ${file.name}`).to.contain('Dodano plik');
}

/** The enrolled learner's path through a published course: read every lesson (the clock passes the reading time), pass. */
async function takeCourse(page: Page, server: TestServer, clock: MovableClock): Promise<void> {
  const course = server.platform.catalogue.get(COURSE_ID)!;
  for (const lesson of course.lessons) {
    await page.goto(`${server.url}/szkolenia/${COURSE_ID}/lekcje/${lesson.id}`);
    clock.set(new Date(clock.now().getTime() + 30 * 60_000));
    await send(page, `form[action$="/lekcje/${lesson.id}/zakoncz"] button[type="submit"]`);
  }
  await page.goto(`${server.url}/szkolenia/${COURSE_ID}/test`);
  await send(page, `form[action$="/test"] button[type="submit"]`);
  await answerQuizByKeyboard(page, course, 'right');
  await send(page, '.quiz-form button[value="review"]');
  await send(page, 'form[action$="/podsumowanie"] button[type="submit"]');
  expect(await page.textContent('h1')).to.equal('Test zaliczony');
}

describe('e2e: authoring studio in Chromium', function () {
  this.timeout(240_000);
  useTestDatabase(import.meta.url);
  const clock = new MovableClock();
  let server: TestServer;
  const contexts: BrowserContext[] = [];
  let author: Page;
  let reviewer: Page;
  let clerk: Page;
  let earlyClerk: Page;
  let lateClerk: Page;
  let officeAdmin: Page;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { clock });
    const association = await buildOrganisation({ name: 'Związek Gmin Dostępnych', kind: 'association', departments: undefined });
    const office = await buildOrganisation({ name: 'Gmina Dostępna', memberOf: [association._id] });
    const people = {
      author: await buildLearner({ organisation: association, overrides: { fullName: 'Cezary Autor', roles: ['author'] } }),
      reviewer: await buildLearner({ organisation: association, overrides: { fullName: 'Ewa Recenzentka', roles: ['author'] } }),
      clerk: await buildLearner({ organisation: office, overrides: { fullName: 'Anna Urzędniczka' } }),
      earlyClerk: await buildLearner({ organisation: office, overrides: { fullName: 'Bogdan Wczesny' } }),
      lateClerk: await buildLearner({ organisation: office, overrides: { fullName: 'Celina Późna' } }),
      officeAdmin: await buildLearner({ organisation: office, overrides: { fullName: 'Adam Administrator', roles: ['admin', 'hr'] } }),
    };
    const pages: Record<string, Page> = {};
    for (const [role, person] of Object.entries(people)) {
      const context = await newBrowserContext({ locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      pages[role] = await context.newPage();
      await signIn(pages[role], server.url, person.user.email, person.password);
    }
    ({ author, reviewer, clerk, earlyClerk, lateClerk, officeAdmin } = pages as Record<keyof typeof people, Page>);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await server?.close();
  });

  it('writes, reviews, publishes and versions a course that clerks take, every studio page accessible', async () => {
    // The studio's list and a new course.
    await author.goto(`${server.url}/studio`);
    await checkPage(author, 'studio list (empty)', 'pl', 'studio-list');
    await author.click('a[href="/studio/nowe"]');
    await send(author, 'form[action="/studio/nowe"] button[type="submit"]');
    await checkPage(author, 'new course refused', 'pl');
    await author.fill('#title', 'Dostępność cyfrowa w urzędzie');
    await author.fill('#courseId', COURSE_ID);
    await send(author, 'form[action="/studio/nowe"] button[type="submit"]');
    expect(author.url()).to.match(new RegExp(`${STUDIO}$`));
    await checkPage(author, 'course overview', 'pl', 'studio-course');

    // Files: an image with its text alternative, a handout, a video with captions.
    await author.goto(`${server.url}${STUDIO}/pliki`);
    await checkPage(author, 'files', 'pl', 'studio-files');
    await upload(author, 'images', { name: 'zasady-wcag.png', mimeType: 'image/png', buffer: await pngFile(64) }, 'Schemat czterech zasad WCAG');
    await upload(author, 'handouts', { name: 'wzor-deklaracji.pdf', mimeType: 'application/pdf', buffer: await pdfFile('Wzór deklaracji dostępności') });
    await upload(author, 'video', { name: 'wprowadzenie.mp4', mimeType: 'video/mp4', buffer: mp4File() });
    await upload(author, 'video', { name: 'wprowadzenie.vtt', mimeType: 'text/vtt', buffer: Buffer.from(CAPTIONS) });

    // The lesson: preview without saving (media from the draft), then save.
    await author.goto(`${server.url}${STUDIO}/lekcje/wprowadzenie`);
    await author.fill('#body', LESSON_BODY);
    await send(author, 'button[name="action"][value="preview"]');
    expect(await author.locator('.lesson__body img[alt="Schemat czterech zasad WCAG"]').count()).to.equal(1);
    expect(await author.locator('.lesson__body img').evaluate((img: HTMLImageElement) => img.naturalWidth)).to.equal(64);
    expect(await author.locator('.lesson__body video track[kind="captions"]').count()).to.equal(1);
    await checkPage(author, 'lesson preview', 'pl', 'studio-lesson-preview');
    await send(author, 'button[name="action"][value="save"]');
    expect(await author.locator('.notice--success[role="status"]').textContent()).to.contain('Zapisano');

    // The settings, the test and a question, each page checked; one page in English too.
    await author.goto(`${server.url}${STUDIO}/ustawienia`);
    await checkPage(author, 'settings', 'pl', 'studio-settings');
    await author.fill('#passThreshold', '150');
    await send(author, 'form[action$="/ustawienia"] button[type="submit"]');
    await checkPage(author, 'settings refused', 'pl');
    await author.fill('#passThreshold', '60');
    await send(author, 'form[action$="/ustawienia"] button[type="submit"]');
    await visit(author, server.url, `${STUDIO}/ustawienia`, 'en');
    await checkPage(author, 'settings', 'en');
    await visit(author, server.url, `${STUDIO}/test`, 'pl');
    await checkPage(author, 'test', 'pl', 'studio-quiz');
    await author.goto(`${server.url}${STUDIO}/pytania/q-1`);
    await checkPage(author, 'question', 'pl', 'studio-question');
    await author.goto(`${server.url}${STUDIO}/lekcje/wprowadzenie/usun`);
    await checkPage(author, 'remove lesson (confirmation)', 'pl');

    // Review: sent by the author, commented and approved by the second author.
    await author.goto(`${server.url}${STUDIO}`);
    await send(author, `form[action="${STUDIO}/recenzja"] button`);
    expect(await author.locator(`form[action="${STUDIO}/zatwierdzenie"]`).count(), 'the author cannot approve their own work').to.equal(0);
    await reviewer.goto(`${server.url}${STUDIO}`);
    await reviewer.fill('#comment-text', 'Dobrze. Warto dodać przykład z BIP gminy.');
    await send(reviewer, `form[action="${STUDIO}/komentarze"] button`);
    await send(reviewer, `form[action="${STUDIO}/zatwierdzenie"] button`);
    await checkPage(reviewer, 'course overview (approved, with a comment)', 'pl', 'studio-approved');

    // Publish 1.0.0; a clerk of the member office finds it at once and passes it.
    await author.goto(`${server.url}${STUDIO}/publikacja`);
    await checkPage(author, 'publish', 'pl', 'studio-publish');
    await send(author, `form[action="${STUDIO}/publikacja"] button[type="submit"]`);
    expect(await author.locator('.notice--success[role="status"]').textContent()).to.contain('Opublikowano wersję 1.0.0');

    await clerk.goto(`${server.url}/szkolenia`);
    expect(await clerk.locator(`a[href="/szkolenia/${COURSE_ID}"]`).count()).to.be.greaterThan(0);
    await clerk.goto(`${server.url}/szkolenia/${COURSE_ID}`);
    await send(clerk, `form[action="/szkolenia/${COURSE_ID}/zapis"] button[type="submit"]`);
    await clerk.goto(`${server.url}/szkolenia/${COURSE_ID}/lekcje/wprowadzenie`);
    expect(await clerk.locator('.lesson__body img').evaluate((img: HTMLImageElement) => img.naturalWidth), 'the published image loads').to.equal(64);
    // In the text and again under "Materiały do pobrania".
    expect(await clerk.locator('a[download][href*="/handouts/wzor-deklaracji.pdf"]').count()).to.equal(2);
    expect(await clerk.locator('video track[kind="captions"][src*="/video/wprowadzenie.vtt"]').count()).to.equal(1);
    await expectNoAxeViolations(clerk, 'lesson of a studio course');
    await screenshot(clerk, 'studio-course-lesson');
    await takeCourse(clerk, server, clock);
    // An earlier enrolment that will finish on 1.0.0.
    await earlyClerk.goto(`${server.url}/szkolenia/${COURSE_ID}`);
    await send(earlyClerk, `form[action="/szkolenia/${COURSE_ID}/zapis"] button[type="submit"]`);

    // Version 1.1.0: a changed lesson, marked as a change of the law, reviewed again.
    await author.goto(`${server.url}${STUDIO}/lekcje/wprowadzenie`);
    await author.fill('#body', LESSON_BODY.replace('Standard dostępności treści internetowych.', 'Od 2026 r. obowiązuje nowy standard dostępności.'));
    await send(author, 'button[name="action"][value="save"]');
    await author.goto(`${server.url}${STUDIO}/roznice`);
    expect(await author.locator('ins').allTextContents()).to.satisfy((texts: string[]) => texts.some((text) => text.includes('nowy standard')));
    await checkPage(author, 'diff', 'pl', 'studio-diff');
    await author.goto(`${server.url}${STUDIO}`);
    await send(author, `form[action="${STUDIO}/recenzja"] button`);
    await reviewer.goto(`${server.url}${STUDIO}`);
    await send(reviewer, `form[action="${STUDIO}/zatwierdzenie"] button`);
    await author.goto(`${server.url}${STUDIO}/publikacja`);
    expect(await author.inputValue('#version')).to.equal('1.1.0');
    await author.check('#legalChange');
    await send(author, `form[action="${STUDIO}/publikacja"] button[type="submit"]`);
    await checkPage(author, 'publish refused (no note)', 'pl');
    await author.fill('#changeNote', 'Nowy standard dostępności od 2026 r.');
    await send(author, `form[action="${STUDIO}/publikacja"] button[type="submit"]`);
    expect(await author.locator('.notice--success[role="status"]').textContent()).to.contain('Opublikowano wersję 1.1.0');
    await author.goto(`${server.url}${STUDIO}/wyniki`);
    await checkPage(author, 'results', 'pl', 'studio-results');

    // New enrolments get 1.1.0; the earlier one stays on 1.0.0.
    await lateClerk.goto(`${server.url}/szkolenia/${COURSE_ID}`);
    await send(lateClerk, `form[action="/szkolenia/${COURSE_ID}/zapis"] button[type="submit"]`);
    await lateClerk.goto(`${server.url}/szkolenia/${COURSE_ID}/lekcje/wprowadzenie`);
    expect(await lateClerk.textContent('.lesson__body')).to.contain('nowy standard dostępności');
    await earlyClerk.goto(`${server.url}/szkolenia/${COURSE_ID}/lekcje/wprowadzenie`);
    expect(await earlyClerk.textContent('.lesson__body')).to.contain('Standard dostępności treści internetowych.');

    // The clerk who passed 1.0.0 is told the law changed (the re-certification job's run), and HR sees it too.
    const run = await runPendingRecertifications(server.platform);
    expect(run.mailed).to.equal(1);
    await clerk.goto(`${server.url}/szkolenia/${COURSE_ID}`);
    expect(await clerk.textContent('main')).to.contain('Nowy standard dostępności od 2026 r.');
    await checkPage(clerk, 'course page after a change of law', 'pl', 'studio-law-changed');
    // The clerk moves on to 1.1.0 and passes its test: a new certificate, of the new version.
    await send(clerk, `form[action="/szkolenia/${COURSE_ID}/nowa-wersja"] button[type="submit"]`);
    await clerk.goto(`${server.url}/szkolenia/${COURSE_ID}/lekcje/wprowadzenie`);
    expect(await clerk.textContent('.lesson__body')).to.contain('nowy standard dostępności');
    await clerk.goto(`${server.url}/szkolenia/${COURSE_ID}/test`);
    await send(clerk, `form[action$="/test"] button[type="submit"]`);
    await answerQuizByKeyboard(clerk, server.platform.catalogue.get(COURSE_ID)!, 'right');
    await send(clerk, '.quiz-form button[value="review"]');
    await send(clerk, 'form[action$="/podsumowanie"] button[type="submit"]');
    expect(await clerk.textContent('h1')).to.equal('Test zaliczony');
    const certificates = await Certificate.find({ courseId: COURSE_ID }).setOptions({ acrossOrganisations: true }).lean();
    expect(certificates.map((certificate) => certificate.courseVersion).sort()).to.deep.equal(['1.0.0', '1.1.0']);

    // Sharing (the author's page) and the office admin's list of the courses open to the office.
    await author.goto(`${server.url}${STUDIO}/udostepnianie`);
    await checkPage(author, 'sharing', 'pl', 'studio-sharing');
    await officeAdmin.goto(`${server.url}/urzad/szkolenia`);
    expect(await officeAdmin.textContent('main')).to.contain('Dostępność cyfrowa w urzędzie');
    await checkPage(officeAdmin, 'office courses', 'pl', 'office-courses');
    await visit(officeAdmin, server.url, '/urzad/szkolenia', 'en');
    await checkPage(officeAdmin, 'office courses', 'en');

    // The list again, and the import page.
    await author.goto(`${server.url}/studio`);
    await checkPage(author, 'studio list', 'pl');
    await author.goto(`${server.url}/studio/import`);
    await checkPage(author, 'import', 'pl', 'studio-import');
    await visit(author, server.url, STUDIO, 'en');
    await checkPage(author, 'course overview', 'en');
  });
});
