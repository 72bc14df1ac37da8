// Mandatory training as an office runs it, in headless Chromium on a clock the test moves: HR assigns RODO every 12
// months to a department; the learner cannot start the test before the lessons, passes, and the matrix shows it; a
// year later the assignment reopens, the reminders go out in order and the escalation reaches HR at a real SMTP
// server; a revoked certificate reads "unieważniono"; an empty quiz submission costs no attempt.
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { runAssignmentJobs } from '../../src/assignments/assignments.jobs.js';
import { addDays } from '../../src/calendar/calendar.js';
import { MovableClock } from '../../src/calendar/clock.js';
import { completionRuleOf } from '../../src/courses/completion-rule.js';
import type { Course } from '../../src/courses/course.types.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { createMailTransport, deliverDueMail, messageIdFor } from '../../src/mail/mail-sender.js';
import { expectNoAxeViolations, newBrowserContext, screenshot, signIn } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { answerQuizByKeyboard } from '../helpers/quiz-page.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { mailsTo } from '../helpers/mail.js';
import { startFakeSmtp, type FakeSmtpServer } from '../helpers/smtp.js';

const RODO = 'rodo-w-urzedzie';

describe('e2e: mandatory training a year long (assignment, rule, certificate, reopening, reminders, escalation)', function () {
  this.timeout(240_000);
  useTestDatabase(import.meta.url);
  // A Monday morning in Warsaw; everything the platform decides comes from this clock.
  const clock = new MovableClock(new Date('2026-03-02T08:00:00Z'));
  let server: TestServer;
  let smtp: FakeSmtpServer;
  let course: Course;
  let hrContext: BrowserContext;
  let learnerContext: BrowserContext;
  let hrPage: Page;
  let learnerPage: Page;
  let people: Record<'hr' | 'jan' | 'beata', Awaited<ReturnType<typeof buildLearner>>>;
  let departmentId: string;
  let janFirstNumber: string | undefined;

  const FROM = 'akademia@example.test';
  // The queue books its retries on the system clock, so the sender runs at whichever of the two is later.
  /** Sends what the mail queue holds to the test's SMTP server, as the mail sender job does. */
  const deliverMail = () =>
    deliverDueMail({ transport: createMailTransport(smtp.url), from: FROM, logger: server.platform.logger }, new Date(Math.max(Date.now(), clock.now().getTime())));
  /**
   * The subjects of the mail `email` received at the SMTP server, in the order the queue took them: the queue's
   * messages (their subjects are plain text there) that the server accepted, found by their Message-ID.
   */
  async function subjectsReceivedBy(email: string): Promise<string[]> {
    const accepted = new Set(smtp.received.filter((mail) => mail.to.includes(email)).map((mail) => `<${mail.messageId}>`));
    return (await mailsTo(email)).filter((mail) => accepted.has(messageIdFor(String(mail._id), FROM))).map((mail) => mail.subject);
  }

  /** Opens each lesson the rule requires, waits out its reading-time floor on the test's clock and finishes it. */
  async function finishLessons(page: Page): Promise<void> {
    for (const { lesson, minimumMinutes } of completionRuleOf(course).lessons) {
      await page.goto(`${server.url}/szkolenia/${RODO}/lekcje/${lesson.id}`);
      clock.set(new Date(clock.now().getTime() + (minimumMinutes + 1) * 60_000));
      await Promise.all([page.waitForEvent('load'), page.click('form[action$="/zakoncz"] button[type="submit"]')]);
    }
  }

  /** Starts an attempt from the quiz overview, answers everything right, sends it from the review page. */
  async function passQuiz(page: Page): Promise<void> {
    await page.goto(`${server.url}/szkolenia/${RODO}/test`);
    // An attempt left open (the empty one) is continued from its link; otherwise a new one is started.
    const startButton = page.locator('form[action$="/test"] button[type="submit"]');
    const start = (await startButton.count()) ? startButton : page.locator('main a[href*="/test/"]:not([href$="/wynik"])').first();
    await Promise.all([page.waitForURL(/\/test\/[0-9a-f]{24}$/), start.click()]);
    await answerQuizByKeyboard(page, course, 'right');
    await Promise.all([page.waitForURL(/\/podsumowanie$/), page.click('.quiz-form button[value="review"]')]);
    await Promise.all([page.waitForURL(/\/wynik$/), page.click('form[action$="/podsumowanie"] button[type="submit"]')]);
    expect(await page.textContent('h1')).to.equal('Test zaliczony');
  }

  /** The matrix cell of a person on RODO, as HR reads it. */
  async function matrixCell(name: string): Promise<string> {
    await hrPage.goto(`${server.url}/kadry?courseId=${RODO}&q=${encodeURIComponent(name)}`);
    const row = hrPage.locator('table.completion-matrix tbody tr', { hasText: name });
    expect(await row.count(), `one matrix row for ${name}`).to.equal(1);
    const column = await hrPage.locator('table.completion-matrix thead th').evaluateAll((cells) => cells.findIndex((cell) => /RODO/.test(cell.textContent ?? '')));
    return ((await row.locator('th, td').nth(column).textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  before(async () => {
    smtp = await startFakeSmtp();
    server = await startTestServer({ BASE_URL: 'https://akademia.test', SMTP_URL: smtp.url }, { clock });
    course = server.platform.catalogue.require(RODO);
    const office = await buildOrganisation({ name: 'Urząd Gminy Rybno' });
    departmentId = office.departments[0]._id.toHexString();
    const other = office.departments[1]._id;
    people = {
      hr: await buildLearner({ organisation: office, overrides: { roles: ['hr', 'learner'], fullName: 'Halina Kadrowa', email: 'kadry@rybno.test', departmentId: other } }),
      jan: await buildLearner({ organisation: office, overrides: { fullName: 'Jan Nowak', email: 'jan.nowak@rybno.test', departmentId: office.departments[0]._id } }),
      beata: await buildLearner({ organisation: office, overrides: { fullName: 'Beata Lis', email: 'beata.lis@rybno.test', departmentId: office.departments[0]._id } }),
    };
    hrContext = await newBrowserContext({ locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
    learnerContext = await newBrowserContext({ locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
    hrPage = await hrContext.newPage();
    learnerPage = await learnerContext.newPage();
    await signIn(hrPage, server.url, people.hr.user.email, people.hr.password);
  });
  after(async () => {
    await hrContext?.close();
    await learnerContext?.close();
    await server?.close();
    await smtp?.close();
  });

  it('HR assigns RODO every 12 months to a department, and both of its people are enrolled with a due date', async () => {
    await hrPage.goto(`${server.url}/kadry/przypisz`);
    await hrPage.selectOption('#courseId', RODO);
    await hrPage.check('#target-department');
    await hrPage.selectOption('#departmentId', departmentId);
    await hrPage.check('#kind-mandatory');
    await hrPage.fill('#recurrenceMonths', '12');
    await Promise.all([hrPage.waitForEvent('load'), hrPage.click('form[action="/kadry/przypisz"] button[type="submit"]')]);
    expect(await hrPage.textContent('main')).to.contain('RODO w urzędzie');
    await hrPage.goto(`${server.url}/kadry/przydzialy`);
    const listed = (await hrPage.locator('main').textContent()) ?? '';
    expect(listed).to.contain('RODO w urzędzie').and.to.contain('12');
    await screenshot(hrPage, 'mandatory-01-assignments');
    expect(await matrixCell('Jan Nowak')).to.contain('nie rozpoczęto');
    await deliverMail();
    expect(await subjectsReceivedBy('jan.nowak@rybno.test')).to.deep.equal(['Szkolenie do ukończenia do 01.04.2026: RODO w urzędzie']);
  });

  it('the learner cannot start the test before the lessons; an empty submission costs no attempt; then passes', async () => {
    await signIn(learnerPage, server.url, people.jan.user.email, people.jan.password);
    expect(await learnerPage.textContent('main')).to.contain('RODO w urzędzie');
    await learnerPage.goto(`${server.url}/szkolenia/${RODO}/test`);
    // No start button yet: the page lists what is still missing.
    expect(await learnerPage.locator('form[action$="/test"] button[type="submit"]').count()).to.equal(0);
    expect(await learnerPage.textContent('main')).to.contain(completionRuleOf(course).lessons[0].lesson.title);
    await expectNoAxeViolations(learnerPage, 'quiz overview before the lessons');
    await screenshot(learnerPage, 'mandatory-02-test-locked');

    await finishLessons(learnerPage);
    await learnerPage.goto(`${server.url}/szkolenia/${RODO}/test`);
    await Promise.all([learnerPage.waitForURL(/\/test\/[0-9a-f]{24}$/), learnerPage.click('form[action$="/test"] button[type="submit"]')]);
    // Nothing answered: "Zakończ i wyślij" on the review page is refused and the attempt stays open and unused.
    await Promise.all([learnerPage.waitForURL(/\/podsumowanie$/), learnerPage.click('.quiz-form button[value="review"]')]);
    await Promise.all([learnerPage.waitForEvent('load'), learnerPage.click('form[action$="/podsumowanie"] button[type="submit"]')]);
    const attempts = await QuizAttempt.find({ userId: people.jan.user._id, organisationId: people.jan.user.organisationId }).lean();
    expect(attempts).to.have.length(1);
    expect(attempts[0].submittedAt ?? undefined).to.equal(undefined);
    await learnerPage.goto(`${server.url}/szkolenia/${RODO}/test`);
    expect(await learnerPage.textContent('main')).to.contain('wykorzystano: 0');

    await passQuiz(learnerPage);
    await screenshot(learnerPage, 'mandatory-03-passed');
    // Passed before the due date: the test is closed (the due date was set before the pass, so nothing reopens it).
    await learnerPage.goto(`${server.url}/szkolenia/${RODO}/test`);
    expect(await learnerPage.locator('form[action$="/test"] button[type="submit"]').count()).to.equal(0);
  });

  it('the matrix shows the completion with its certificate number; a revoked certificate reads "unieważniono"', async () => {
    const cell = await matrixCell('Jan Nowak');
    expect(cell)
      .to.contain('ukończono')
      .and.to.match(/AJST-\d{4}-[A-Z0-9-]+/);
    janFirstNumber = /AJST-[A-Z0-9-]+/.exec(cell)![0];

    // Beata passes too; HR revokes her certificate from the office's list.
    await signIn(learnerPage, server.url, people.beata.user.email, people.beata.password);
    await finishLessons(learnerPage);
    await passQuiz(learnerPage);
    expect(await matrixCell('Beata Lis')).to.contain('ukończono');
    await hrPage.goto(`${server.url}/zaswiadczenia`);
    await hrPage.locator('tr', { hasText: 'Beata Lis' }).locator('a[href$="/uniewaznij"]').click();
    await hrPage.fill('#reason', 'Wystawione omyłkowo – test zdawała inna osoba.');
    await Promise.all([hrPage.waitForEvent('load'), hrPage.click('form[action$="/uniewaznij"] button[type="submit"]')]);
    expect(await matrixCell('Beata Lis')).to.contain('unieważniono');
    expect(await matrixCell('Jan Nowak')).to.contain('ukończono');
    await expectNoAxeViolations(hrPage, 'matrix with a revoked certificate');
    await screenshot(hrPage, 'mandatory-04-matrix');
  });

  it('a year later the assignment reopens; reminders go out in order and the escalation reaches HR', async () => {
    await deliverMail();
    const before = (await subjectsReceivedBy('jan.nowak@rybno.test')).length;
    const validUntil = addDays(new Date('2026-03-02T08:00:00Z'), 365);
    // 20 days before the certificate's validity ends: the assignment reopens, due when the validity ends.
    clock.set(addDays(validUntil, -20));
    await runAssignmentJobs(server.platform);
    expect(await matrixCell('Jan Nowak')).to.contain('do odnowienia');
    for (const [day, hour] of [
      [-7, 8],
      [0, 8],
      [7, 8],
    ] as const) {
      clock.set(addDays(validUntil, day));
      clock.set(new Date(clock.now().getTime() + hour * 3_600_000));
      await runAssignmentJobs(server.platform);
    }
    await deliverMail();
    const jan = (await subjectsReceivedBy('jan.nowak@rybno.test')).slice(before);
    expect(jan).to.have.length(4);
    expect(jan[0]).to.match(/^Czas odnowić szkolenie „RODO w urzędzie”/);
    expect(jan[1]).to.match(/^Przypomnienie: „RODO w urzędzie”/);
    expect(jan[2]).to.equal('Dziś mija termin szkolenia „RODO w urzędzie”');
    expect(jan[3]).to.match(/^Minął termin szkolenia „RODO w urzędzie”/);
    const hr = await subjectsReceivedBy('kadry@rybno.test');
    expect(hr).to.include('Po terminie: Jan Nowak – „RODO w urzędzie”');
    expect(await matrixCell('Jan Nowak')).to.contain('po terminie');
  });

  it('the learner renews late: the matrix shows the new certificate, and the first year stays in the history', async () => {
    await signIn(learnerPage, server.url, people.jan.user.email, people.jan.password);
    await passQuiz(learnerPage);
    const cell = await matrixCell('Jan Nowak');
    expect(cell).to.contain('ukończono');
    const renewed = /AJST-[A-Z0-9-]+/.exec(cell)?.[0];
    expect(renewed).to.be.a('string');
    await hrPage.goto(`${server.url}/kadry/osoby/${people.jan.user._id.toHexString()}`);
    const history = (await hrPage.locator('#history').locator('xpath=..').textContent()) ?? '';
    expect(renewed).to.not.equal(janFirstNumber);
    expect(history).to.contain(janFirstNumber).and.to.contain(renewed);
    expect(await hrPage.textContent('main')).to.contain('ukończone lekcje: 6 z 6 (100%)');
    await expectNoAxeViolations(hrPage, 'person record with two completions');
    await screenshot(hrPage, 'mandatory-05-history');
    // The chart counts the renewal in its month; the table beside it says the same in words.
    await hrPage.goto(`${server.url}/kadry/wykres`);
    const lastRow = hrPage.locator('.report-table tbody tr').last();
    expect(await lastRow.locator('th, td').allTextContents()).to.deep.equal(['mar 2027', '1']);
    await expectNoAxeViolations(hrPage, 'completions chart');
    await screenshot(hrPage, 'mandatory-06-chart');
  });
});
