// The learner's whole journey in headless Chromium, by keyboard: register, confirm, sign in, enrol, learn, pass the quiz.
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import type { Course } from '../../src/courses/course.types.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { buildOrganisation } from '../helpers/factories.js';
import { expectNoAxeViolations, expectNoHorizontalScroll, expectVisibleFocus, newBrowserContext, screenshot, tabTo } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { linkIn, mailsTo } from '../helpers/mail.js';
import { answerQuizByKeyboard } from '../helpers/quiz-page.js';
import { changedCatalogue, startTestServer, type TestServer } from '../helpers/server.js';

const EMAIL = 'anna.kowalska@example.test';
const PASSWORD = 'Bardzo-tajne-haslo-2026';

/** Presses a key and waits for the page the browser lands on. */
async function pressAndLand(page: Page, key: 'Enter' | 'Space', url: RegExp): Promise<void> {
  await Promise.all([page.waitForURL(url), page.keyboard.press(key)]);
}

describe('e2e: learner journey in Chromium', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let course: Course;

  before(async () => {
    // The example course waits 10 minutes after a failed attempt; the journey retries at once.
    const catalogue = await changedCatalogue('test/fixtures/courses', 'przyklad-kurs', (loaded) => ({ ...loaded, quiz: { ...loaded.quiz, cooldownMinutes: 0 } }));
    course = catalogue.require('przyklad-kurs');
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { catalogue });
    await buildOrganisation({ name: 'Urząd Gminy Przykładowo', slug: 'ug-przykladowo', joinPolicy: 'domains', emailDomains: [EMAIL.split('@')[1]] });
    context = await newBrowserContext({ locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  it('registers, confirms, logs in, enrols, reads, checks, fails and passes the quiz, and sees the course completed', async () => {
    // Registration through the form.
    await page.goto(`${server.url}/rejestracja`);
    await expectNoAxeViolations(page, 'registration: find the office');
    await page.fill('#szukaj', 'Przykładowo');
    await Promise.all([page.waitForLoadState('load'), page.click('form[role="search"] button[type="submit"]')]);
    await Promise.all([page.waitForURL(/urzad=/), page.click('.office-results a >> text=Urząd Gminy Przykładowo')]);
    await expectNoAxeViolations(page, 'registration form');
    await page.fill('#fullName', 'Anna Kowalska');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.fill('#passwordConfirm', PASSWORD);
    await page.check('#consent');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/rejestracja"] button[type="submit"]')]);
    await expectNoAxeViolations(page, 'after registration');

    // The confirmation link from the outbox.
    const mails = await mailsTo(EMAIL);
    expect(mails).to.have.length(1);
    const link = new URL(linkIn(mails[0]));
    await page.goto(`${server.url}${link.pathname}${link.search}`);
    await expectNoAxeViolations(page, 'e-mail confirmed');

    // Login lands on "Mój pulpit", still empty.
    await page.goto(`${server.url}/logowanie`);
    await expectNoAxeViolations(page, 'login form');
    await tabTo(page, '#email');
    await page.keyboard.type(EMAIL);
    await tabTo(page, '#password');
    await page.keyboard.type(PASSWORD);
    await pressAndLand(page, 'Enter', /\/pulpit$/);
    expect(await page.textContent('main')).to.contain('Nie masz jeszcze żadnych szkoleń.');
    await expectNoAxeViolations(page, 'dashboard (empty)');

    // From here on: keyboard only.
    await tabTo(page, 'a[href="/szkolenia"]');
    await expectVisibleFocus(page);
    await pressAndLand(page, 'Enter', /\/szkolenia$/);
    await expectNoAxeViolations(page, 'catalogue');
    await screenshot(page, '01-catalogue');

    await tabTo(page, 'a[href="/szkolenia/przyklad-kurs"]');
    await pressAndLand(page, 'Enter', /\/szkolenia\/przyklad-kurs$/);
    expect(await page.textContent('h1')).to.equal('Przykładowy kurs');
    await expectNoAxeViolations(page, 'course page');
    await screenshot(page, '02-course');

    await tabTo(page, '.enrol-form button[type="submit"]');
    await expectVisibleFocus(page);
    await pressAndLand(page, 'Enter', /\/lekcje\/wprowadzenie$/);
    // (The "Zapisano" notice is not asserted: a late favicon request of the previous page may take the one-shot flash.)
    expect(await page.textContent('h1')).to.equal('Wprowadzenie');
    await expectNoAxeViolations(page, 'lesson 1');
    await screenshot(page, '03-lesson-1');

    // The knowledge check: Tab into the radio group, Space to choose, Enter to send.
    await tabTo(page, '#sprawdz-check-zasady-1 input[name="answer"]');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).to.equal('a');
    await page.keyboard.press('Space');
    await tabTo(page, '#sprawdz-check-zasady-1 button[type="submit"]');
    // Post/redirect/get: the answer lands on the lesson itself, scrolled to the check's feedback.
    await pressAndLand(page, 'Enter', /\/lekcje\/wprowadzenie#sprawdz-check-zasady-1$/);
    expect(await page.textContent('#sprawdz-check-zasady-1 .check-feedback')).to.contain('Dobrze!');
    expect(await page.isChecked('#sprawdz-check-zasady-1 input[value="a"]')).to.equal(true);
    await expectNoAxeViolations(page, 'lesson 1 with check feedback');
    await screenshot(page, '04-check-feedback');

    // "Zakończ lekcję i przejdź dalej" (the fixture sets no reading-time floor) finishes the lesson and opens the next.
    await tabTo(page, 'form[action$="/lekcje/wprowadzenie/zakoncz"] button[type="submit"]');
    await expectVisibleFocus(page);
    await pressAndLand(page, 'Enter', /\/lekcje\/podsumowanie$/);
    expect(await page.getAttribute('.course-toc a[aria-current="page"]', 'href')).to.equal('/szkolenia/przyklad-kurs/lekcje/podsumowanie');
    expect(await page.textContent('.course-toc')).to.contain('ukończona');
    await expectNoAxeViolations(page, 'lesson 2');

    // The test cannot start before the last lesson is finished: its page says what is still missing.
    await tabTo(page, 'a.pager__next[href$="/test"]');
    await pressAndLand(page, 'Enter', /\/szkolenia\/przyklad-kurs\/test$/);
    expect(await page.textContent('.completion-missing')).to.contain('Podsumowanie');
    expect(await page.locator('form[action$="/test"] button[type="submit"]').count()).to.equal(0);
    await expectNoAxeViolations(page, 'quiz overview before the lessons are finished');
    await tabTo(page, '.completion-missing a[href$="/lekcje/podsumowanie"]');
    await pressAndLand(page, 'Enter', /\/lekcje\/podsumowanie$/);
    await tabTo(page, 'form[action$="/lekcje/podsumowanie/zakoncz"] button[type="submit"]');
    await pressAndLand(page, 'Enter', /\/szkolenia\/przyklad-kurs\/test$/);
    await expectNoAxeViolations(page, 'quiz overview');

    // First attempt: everything wrong.
    await tabTo(page, 'form[action$="/test"] button[type="submit"]');
    await pressAndLand(page, 'Enter', /\/test\/[0-9a-f]{24}$/);
    await expectNoAxeViolations(page, 'quiz attempt 1');
    await screenshot(page, '05-quiz-form');
    await answerQuizByKeyboard(page, course, 'wrong');
    // The page's script saved the answers on change (no button pressed): coming back shows them as chosen.
    await page.waitForFunction(() => /Zapisano odpowiedzi/.test(document.getElementById('quiz-autosave-status')?.textContent ?? ''));
    const attemptId = page.url().split('/').pop();
    const chosen = await page.locator('.quiz-form input:checked').count();
    const fields = chosen + (await page.locator('.quiz-form select').evaluateAll((selects) => selects.filter((s) => (s as HTMLSelectElement).value !== '').length));
    expect(fields).to.be.greaterThan(0);
    // The last change's save may still be on its way: wait until every field the page shows is stored.
    for (let i = 0; i < 50 && ((await QuizAttempt.findById(attemptId).lean())?.savedAnswers?.length ?? 0) !== fields; i++) await page.waitForTimeout(100);
    expect((await QuizAttempt.findById(attemptId).lean())!.savedAnswers).to.have.length(fields);
    await page.reload();
    expect(await page.locator('.quiz-form input:checked').count()).to.equal(chosen);
    await tabTo(page, '.quiz-form button[value="review"]');
    await pressAndLand(page, 'Enter', /\/podsumowanie$/);
    await tabTo(page, 'form[action$="/podsumowanie"] button[type="submit"]');
    await pressAndLand(page, 'Enter', /\/wynik$/);
    expect(await page.textContent('h1')).to.equal('Test niezaliczony');
    await expectNoAxeViolations(page, 'failed result');
    await screenshot(page, '06-quiz-failed');

    // Second attempt at once (cool-down 0): everything right.
    await tabTo(page, `a.button[href$="/test"]`);
    await pressAndLand(page, 'Enter', /\/test$/);
    await tabTo(page, 'form[action$="/test"] button[type="submit"]');
    await pressAndLand(page, 'Enter', /\/test\/[0-9a-f]{24}$/);
    await answerQuizByKeyboard(page, course, 'right');
    await tabTo(page, '.quiz-form button[value="review"]');
    await pressAndLand(page, 'Enter', /\/podsumowanie$/);
    await tabTo(page, 'form[action$="/podsumowanie"] button[type="submit"]');
    await pressAndLand(page, 'Enter', /\/wynik$/);
    expect(await page.textContent('h1')).to.equal('Test zaliczony');
    expect(await page.textContent('main')).to.contain('Wynik: 100%');
    await expectNoAxeViolations(page, 'passed result');
    await screenshot(page, '07-quiz-passed');

    await tabTo(page, 'a.button[href="/moje-szkolenia"]');
    await pressAndLand(page, 'Enter', /\/moje-szkolenia$/);
    const card = page.locator('.enrolment-card', { hasText: 'Przykładowy kurs' });
    expect(await card.locator('.status').textContent()).to.equal('Ukończone');
    expect(await card.locator('progress').getAttribute('value')).to.equal('100');
    await expectNoAxeViolations(page, 'my courses (completed)');
    await screenshot(page, '08-my-courses');
  });

  it('works at phone width (375 px) without sideways scrolling', async () => {
    const phone = await newBrowserContext({ locale: 'pl-PL', viewport: { width: 375, height: 812 }, storageState: await context.storageState() });
    try {
      const small = await phone.newPage();
      for (const [path, name] of [
        ['/moje-szkolenia', '09-phone-my-courses'],
        ['/szkolenia', '10-phone-catalogue'],
        ['/szkolenia/przyklad-kurs/lekcje/wprowadzenie', '11-phone-lesson'],
        ['/szkolenia/przyklad-kurs/test', '12-phone-quiz'],
      ] as const) {
        await small.goto(`${server.url}${path}`);
        expect(small.url()).to.not.contain('/logowanie');
        await expectNoHorizontalScroll(small);
        await expectNoAxeViolations(small, `${path} at 375 px`);
        await screenshot(small, name);
      }
    } finally {
      await phone.close();
    }
  });
});
