// Accessibility tour: every page, as visitor, learner, HR and admin, in Polish and English, at 1280 and 375 px.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { newBrowserContext, signIn } from '../helpers/browser.js';
import { checkPage, DESKTOP, expectKeyboardPassage, submit, visit, type Language } from '../helpers/page-checks.js';
import { useTestDatabase } from '../helpers/database.js';
import { User } from '../../src/auth/user.model.js';
import { buildCertificate, buildLearner, buildOrganisation, buildQuizAttempt } from '../helpers/factories.js';
import { hostilePackage, scormPackage } from '../helpers/scorm-packages.js';
import { brokenCmi5Package, cmi5Package } from '../helpers/cmi5-packages.js';
import { Organisation } from '../../src/organisations/organisation.model.js';
import { linkIn, mailsTo } from '../helpers/mail.js';
import { assignCourse, enrolLearner } from '../../src/learning/enrolment.service.js';
import { toSessionUser } from '../../src/auth/session-user.js';
import { addDays, endOfWarsawDay, warsawIsoDay } from '../../src/calendar/calendar.js';
import { revokeCertificate } from '../../src/certificates/certificate-admin.service.js';
import { changedCatalogue, startTestServer, type TestServer } from '../helpers/server.js';
import { MovableClock } from '../../src/calendar/clock.js';
import { completeRequiredStepsOf } from '../helpers/completion.js';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { withdrawCertificatesPastRetention } from '../../src/certificates/certificate-personal-data.js';
import { runPendingDataExports } from '../../src/privacy/data-export.service.js';
import { docxFile } from '../helpers/media-files.js';
import { SignInMethod } from '../../src/sso/sign-in-method.model.js';
import { OidcSettings } from '../../src/sso/oidc/oidc.settings.js';

type Person = Awaited<ReturnType<typeof buildLearner>>;
const COURSE = '/szkolenia/przyklad-kurs';

describe('e2e: accessibility tour of every page (pl and en, 1280 and 375 px)', function () {
  this.timeout(180_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  /** The platform's clock: moved past lesson 2's reading-time floor. */
  const clock = new MovableClock();
  let context: BrowserContext;
  let page: Page;
  const learners = {} as Record<Language, Person>;
  let hr: Person;
  let admin: Person;
  let operator: Person;
  let associationAdmin: Person;
  let officeId: string;
  let certificate: { code: string; id: string };
  let withdrawnCode: string;
  let closedOffice: { _id: { toHexString(): string } };
  /** Per language, a person with a failed quiz attempt, whose record HR opens (and grants an extra attempt). */
  const records = {} as Record<Language, Person>;
  /** Per language, a learner who used all three attempts (the quiz page names the office's HR to ask). */
  const exhausted = {} as Record<Language, Person>;
  /** Per language, a person whose dashboard has an overdue assigned course and a revoked certificate. */
  const dashboards = {} as Record<Language, Person>;
  /** A copy of test/fixtures/courses whose lesson 1 also links a handout (it already shows an image). */
  let coursesDir: string;
  /** The office's LDAP sign-in method, pointing at a port nobody listens on (the directory is "down"). */
  let directoryMethodId: string;

  before(async () => {
    // Lesson 2 has a reading-time floor of 2 minutes, so the tour meets the "too early" message (the clock moves on).
    // Lesson 1 shows an image; in a copy of the fixture courses it also links a handout, so one lesson page holds both
    // (the fixture itself stays without handouts: other tests add their own to copies of it).
    coursesDir = mkdtempSync(path.join(os.tmpdir(), 'tour-courses-'));
    cpSync('test/fixtures/courses', coursesDir, { recursive: true });
    mkdirSync(path.join(coursesDir, 'przyklad-kurs', 'handouts'));
    writeFileSync(path.join(coursesDir, 'przyklad-kurs', 'handouts', 'wzor-wniosku.docx'), await docxFile());
    const lessonOne = path.join(coursesDir, 'przyklad-kurs', 'lessons', '01-wprowadzenie.md');
    const image = '![Schemat procesu obsługi wniosku](images/schemat-procesu.png)\n';
    writeFileSync(lessonOne, readFileSync(lessonOne, 'utf8').replace(image, `${image}\nPobierz [wzór wniosku](handouts/wzor-wniosku.docx) i wypełnij go.\n`));
    const catalogue = await changedCatalogue(coursesDir, 'przyklad-kurs', (loaded) => ({
      ...loaded,
      quiz: { ...loaded.quiz, cooldownMinutes: 0 },
      lessons: loaded.lessons.map((lesson) => (lesson.id === 'podsumowanie' ? { ...lesson, minimumMinutes: 2 } : lesson)),
    }));
    server = await startTestServer({ COURSES_DIR: coursesDir, VERIFY_RATE_LIMIT_PER_MINUTE: '1000' }, { catalogue, clock });
    // Proper names (people, offices) need no language mark (WCAG 3.1.2): these keep the Polish check simple.
    const association = await buildOrganisation({ name: 'Stowarzyszenie Gmin Testowych', kind: 'association' });
    const organisation = await buildOrganisation({ name: 'Gmina Testowo', teryt: '9999011', memberOf: [association._id], joinPolicy: 'domains', emailDomains: ['example.test'] });
    officeId = organisation._id.toHexString();
    const directoryMethod = await SignInMethod.create({
      organisationId: organisation._id,
      kind: 'ldap',
      label: 'Active Directory',
      settings: {
        url: 'ldap://127.0.0.1:9',
        startTls: false,
        bindDn: 'cn=svc,dc=example,dc=test',
        searchBase: 'dc=example,dc=test',
        userFilter: '(uid={{username}})',
        loginAttribute: 'uid',
        emailAttribute: 'mail',
        nameAttribute: 'cn',
        subjectAttribute: 'entryUUID',
        groupMode: 'memberOf',
        groupAttribute: 'memberOf',
        disabledCheck: 'none',
      },
      sealedSecret: server.platform.secretBox.seal('haslo-uslugi', 'sso-ldap-secret'),
    });
    directoryMethodId = directoryMethod._id.toHexString();
    closedOffice = await buildOrganisation({ name: 'Gmina Bramowo', teryt: '0201011' });
    // Someone waiting for HR's approval, so that /kadry/oczekujacy lists a person with its two forms.
    await User.create({ organisationId: organisation._id, email: 'czeka@example.test', fullName: 'Piotr Przybysz', status: 'pending', roles: ['learner'] });
    const platformOrganisation = await buildOrganisation({ name: 'Operator platformy', slug: 'platforma', kind: 'platform' });
    operator = await buildLearner({ organisation: platformOrganisation, overrides: { fullName: 'Olga Operator', roles: ['operator'] } });
    associationAdmin = await buildLearner({ organisation: association, overrides: { fullName: 'Zenon Zarzad', roles: ['admin', 'hr'] } });
    for (const language of ['pl', 'en'] as const) {
      learners[language] = await buildLearner({ organisation, overrides: { fullName: `Anna Nowak ${language.toUpperCase()}` } });
    }
    hr = await buildLearner({ organisation, overrides: { fullName: 'Halina Kadrowa', roles: ['hr', 'learner'] } });
    admin = await buildLearner({ organisation, overrides: { fullName: 'Adam Admin', roles: ['admin', 'hr', 'learner'] } });
    for (const language of ['pl', 'en'] as const) {
      certificate = await buildCertificate(server.platform, learners[language].user);
    }
    const course = server.platform.catalogue.require('przyklad-kurs');
    for (const language of ['pl', 'en'] as const) {
      const ewa = await buildLearner({ organisation, overrides: { fullName: `Ewa Kowalska ${language.toUpperCase()}` } });
      records[language] = ewa;
      const ewaLearner = { id: ewa.user._id.toHexString(), organisationId: organisation._id.toHexString(), learnerId: ewa.user.learnerId, fullName: ewa.user.fullName };
      const { enrolment } = await enrolLearner(server.platform, { learner: ewaLearner, course });
      await buildQuizAttempt({
        organisationId: organisation._id,
        enrolmentId: enrolment._id,
        userId: ewa.user._id,
        courseId: course.id,
        courseVersion: course.version,
        number: 1,
        questions: [],
        startedAt: new Date(Date.now() - 20 * 60_000),
        submittedAt: new Date(Date.now() - 10 * 60_000),
        scoreRaw: 1,
        scoreMax: 10,
        scoreScaled: 0.1,
        passed: false,
      });
    }
    for (const language of ['pl', 'en'] as const) {
      const piotr = await buildLearner({ organisation, overrides: { fullName: `Piotr Zielony ${language.toUpperCase()}` } });
      exhausted[language] = piotr;
      const piotrLearner = { id: piotr.user._id.toHexString(), organisationId: organisation._id.toHexString(), learnerId: piotr.user.learnerId, fullName: piotr.user.fullName };
      const { enrolment } = await enrolLearner(server.platform, { learner: piotrLearner, course });
      // The lessons first: before them the quiz page lists what is missing, not who can grant another attempt.
      await completeRequiredStepsOf(server.platform, piotrLearner, course);
      for (const number of [1, 2, 3]) {
        await buildQuizAttempt({
          organisationId: organisation._id,
          enrolmentId: enrolment._id,
          userId: piotr.user._id,
          courseId: course.id,
          courseVersion: course.version,
          number,
          questions: [],
          startedAt: new Date(Date.now() - (40 - number * 10) * 60_000),
          submittedAt: new Date(Date.now() - (35 - number * 10) * 60_000),
          scoreRaw: 1,
          scoreMax: 10,
          scoreScaled: 0.1,
          passed: false,
        });
      }
      const person = await buildLearner({ organisation, overrides: { fullName: `Jan Terminowy ${language.toUpperCase()}` } });
      dashboards[language] = person;
      await assignCourse(server.platform, {
        learner: toSessionUser(person.user),
        course,
        dueDate: endOfWarsawDay(warsawIsoDay(addDays(new Date(), -1))),
        assignedBy: hr.user._id.toHexString(),
      });
      await buildCertificate(server.platform, person.user);
      const revoked = await buildCertificate(server.platform, person.user);
      await revokeCertificate(server.platform, { actor: toSessionUser(hr.user), certificateId: revoked.id, reason: 'Duplikat' });
    }
    // A certificate withdrawn after its holder's erasure and the office's period: its number only says it existed.
    const gone = await buildCertificate(server.platform, (await buildLearner({ organisation, overrides: { fullName: 'Wanda Usunieta' } })).user);
    await Certificate.updateOne({ _id: gone.id, organisationId: organisation._id }, { $set: { heldUntil: new Date(Date.now() - 1000) } });
    await withdrawCertificatesPastRetention(new Date());
    withdrawnCode = gone.code;
    context = await newBrowserContext({ viewport: DESKTOP });
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await server?.close();
    if (coursesDir) rmSync(coursesDir, { recursive: true, force: true });
  });

  for (const language of ['pl', 'en'] as const) {
    describe(`in ${language === 'pl' ? 'Polish' : 'English'}`, () => {
      const go = (path: string) => visit(page, server.url, path, language);

      it('anonymous visitor: home, accounts, verification, statement and errors', async () => {
        await page.context().clearCookies();
        await go('/');
        await checkPage(page, 'home', language, 'home');
        await go('/logowanie');
        await checkPage(page, 'login', language);
        await page.fill('#email', 'nikt@example.test');
        await page.fill('#password', 'zle-haslo-zle-haslo');
        await submit(page, 'form[action="/logowanie"][method="post"]');
        expect(await page.locator('.error-summary').count()).to.equal(1);
        await checkPage(page, 'login with errors', language, 'login-errors');
        await go('/rejestracja');
        await checkPage(page, 'registration: find the office', language, 'register-search');
        await page.fill('#szukaj', 'zzzz');
        await submit(page, 'form[action="/rejestracja"][method="get"]');
        await checkPage(page, 'registration: no office found', language);
        await go(`/rejestracja?urzad=${closedOffice._id.toHexString()}`);
        await checkPage(page, 'registration: invitation-only office', language, 'register-invitation-only');
        await go('/rejestracja');
        await page.fill('#szukaj', 'testowo');
        await submit(page, 'form[action="/rejestracja"][method="get"]');
        await checkPage(page, 'registration: offices found', language);
        await Promise.all([page.waitForURL(/urzad=/), page.click('.office-results a')]);
        await checkPage(page, 'registration', language);
        await page.fill('#fullName', 'Ktoś Wpisał');
        await submit(page, 'form[action="/rejestracja"]');
        expect(await page.inputValue('#fullName')).to.equal('Ktoś Wpisał');
        expect(await page.locator('[aria-invalid="true"]').count()).to.be.greaterThan(0);
        await checkPage(page, 'registration with errors', language, 'register-errors');
        // Registration through to the confirmation link from the outbox.
        const email = `nowa-${language}@example.test`;
        await page.fill('#fullName', 'Ewa Nowa');
        await page.fill('#email', email);
        await page.fill('#password', 'Bardzo-tajne-haslo-2026');
        await page.fill('#passwordConfirm', 'Bardzo-tajne-haslo-2026');
        await page.check('#consent');
        await submit(page, 'form[action="/rejestracja"]');
        // Post/redirect/get: a page of its own, with the address typed shown this once.
        expect(new URL(page.url()).pathname).to.equal('/sprawdz-poczte');
        expect(await page.locator('main strong').textContent()).to.equal(email);
        await checkPage(page, 'registration sent, check the mailbox', language);
        const confirmation = new URL(linkIn((await mailsTo(email))[0]));
        await go(`${confirmation.pathname}${confirmation.search}`);
        await checkPage(page, 'e-mail confirmed', language);
        await go('/haslo/reset');
        await checkPage(page, 'password reset request', language);
        await submit(page, 'form[action="/haslo/reset"]');
        await checkPage(page, 'password reset request with errors', language);
        await page.fill('#email', email);
        await submit(page, 'form[action="/haslo/reset"]');
        await checkPage(page, 'password reset requested', language);
        const reset = new URL(linkIn((await mailsTo(email)).at(-1)!));
        await go(reset.pathname);
        await checkPage(page, 'new password form', language);
        await page.fill('#password', 'krotkie');
        await submit(page, 'form');
        await checkPage(page, 'new password form with errors', language, 'new-password-errors');
        await go('/haslo/reset/nieznany-token-0000000000000000');
        await checkPage(page, 'password reset, unknown link', language);
        await go('/potwierdz-email/wyslij-ponownie');
        await checkPage(page, 'resend confirmation', language);
        await page.fill('#email', 'nikt@example.test');
        await submit(page, 'form[action="/potwierdz-email/wyslij-ponownie"]');
        await checkPage(page, 'resend confirmation sent', language);
        await go('/potwierdz-email/nieznany-token-0000000000000000');
        await checkPage(page, 'confirmation, unknown link', language);
        await go('/weryfikacja');
        await checkPage(page, 'verification lookup', language);
        await go('/weryfikacja?code=x');
        await checkPage(page, 'verification lookup with errors', language);
        await go(`/weryfikacja/${certificate.code}`);
        await checkPage(page, 'verification record', language, 'verify');
        await page.setInputFiles('#plik', { name: 'list.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 nie to') });
        await Promise.all([page.waitForURL('**/plik'), page.locator('form[action$="/plik"] button[type="submit"]').click()]);
        await checkPage(page, 'verification record with a PDF result', language);
        await go(`/weryfikacja/${withdrawnCode}`);
        await checkPage(page, 'verification of a withdrawn certificate', language);
        await go('/deklaracja-dostepnosci');
        await checkPage(page, 'accessibility statement', language);
        // The public pages the footer leads to (privacy notice, terms, contact and help, cookies).
        for (const [path, label] of [
          ['/polityka-prywatnosci', 'privacy notice'],
          ['/regulamin', 'terms of service'],
          ['/kontakt', 'contact and help'],
          ['/pliki-cookie', 'cookies'],
        ]) {
          await go(path);
          await checkPage(page, label, language, label === 'privacy notice' ? 'privacy-notice' : undefined);
        }
        await go('/nie-ma-takiej-strony');
        expect(await page.title()).to.not.equal('');
        await checkPage(page, '404', language, '404');
        // What is on offer, before any account: the public catalogue and a course page with "sign in to enrol".
        await go('/szkolenia');
        expect(await page.locator(`a[href="${COURSE}"]`).count()).to.equal(1);
        await checkPage(page, 'catalogue (visitor)', language, 'catalogue-visitor');
        await go(COURSE);
        expect(await page.locator('form[action$="/zapis"]').count()).to.equal(0);
        await checkPage(page, 'course (visitor)', language, 'course-visitor');
        await Promise.all([page.waitForURL(/\/logowanie\?next=/), page.click(`a[href^="/logowanie?next="]`)]);
        await checkPage(page, 'login to enrol', language);
        // A deep link that needs a login: the login page says why.
        await go(`${COURSE}/lekcje/wprowadzenie`);
        expect(new URL(page.url()).pathname).to.equal('/logowanie');
        expect(await page.locator('.login-reason').count()).to.equal(1);
        await checkPage(page, 'login from a deep link', language, 'login-deep-link');
      });

      it('learner: catalogue, course, lessons, checks, quiz, result, my courses, my certificates, errors', async () => {
        await signIn(page, server.url, learners[language].user.email, learners[language].password);
        await go('/pulpit');
        await checkPage(page, 'dashboard (no courses)', language, 'dashboard-empty');
        await go('/moje-szkolenia');
        await checkPage(page, 'my courses (empty)', language);
        await go('/szkolenia');
        await checkPage(page, 'catalogue', language, 'catalogue');
        await go(COURSE);
        await checkPage(page, 'course (not enrolled)', language);
        await Promise.all([page.waitForURL(/\/lekcje\//), page.click('.enrol-form button[type="submit"]')]);
        // The lesson page with an image (its alt text) and a handout (in the text and under "Materiały do pobrania").
        expect(await page.locator('img[alt="Schemat procesu obsługi wniosku"]').count()).to.equal(1);
        expect(await page.locator('a[href$="/handouts/wzor-wniosku.docx"][download]').count()).to.equal(2);
        expect(await page.locator('#lesson-handouts-title').count()).to.equal(1);
        await checkPage(page, 'lesson 1', language, 'lesson');
        await expectKeyboardPassage(page, `lesson 1 [${language}]`);
        await submit(page, '#sprawdz-check-zasady-1 form');
        expect(await page.locator('#sprawdz-check-zasady-1 .field-error').count()).to.equal(1);
        await checkPage(page, 'lesson 1, check sent empty', language);
        await page.check('#sprawdz-check-zasady-1 input[value="a"]');
        await submit(page, '#sprawdz-check-zasady-1 form');
        expect(await page.locator('#sprawdz-check-zasady-1 .check-feedback').count()).to.equal(1);
        await checkPage(page, 'lesson 1, check feedback', language, 'lesson-feedback');
        // Before the lessons are finished the test page (and the course page) say what is still missing.
        await go(`${COURSE}/test`);
        expect(await page.locator('.completion-missing li').count()).to.equal(2);
        await checkPage(page, 'quiz overview, lessons still missing', language, 'quiz-missing');
        await go(COURSE);
        await checkPage(page, 'course, lessons still missing', language);
        await go(`${COURSE}/lekcje/wprowadzenie`);
        await Promise.all([page.waitForURL(/\/lekcje\/podsumowanie$/), page.click('form[action$="/zakoncz"] button[type="submit"]')]);
        await checkPage(page, 'lesson 2', language);
        await submit(page, 'form[action$="/zakoncz"]');
        expect(await page.locator('#lesson-finish-error[role="alert"]').count()).to.equal(1);
        await checkPage(page, 'lesson 2, finished too early', language, 'lesson-too-early');
        clock.set(new Date(clock.now().getTime() + 3 * 60_000));
        await Promise.all([page.waitForURL(/\/test$/), page.click('form[action$="/zakoncz"] button[type="submit"]')]);
        await go(`${COURSE}/lekcje/podsumowanie`);
        await checkPage(page, 'lesson 2, finished', language);
        await go(COURSE);
        await checkPage(page, 'course (enrolled)', language, 'course');
        await go(`${COURSE}/test`);
        await checkPage(page, 'quiz overview', language, 'quiz-overview');
        await Promise.all([page.waitForURL(/\/test\/[0-9a-f]{24}$/), page.click(`form[action$="/test"] button[type="submit"]`)]);
        await checkPage(page, 'quiz attempt', language, 'quiz');
        await expectKeyboardPassage(page, `quiz attempt [${language}]`);
        // Nothing answered: the review says so, and sending it is refused (the attempt stays open).
        await Promise.all([page.waitForURL(/\/podsumowanie$/), page.click('.quiz-form button[value="review"]')]);
        await checkPage(page, 'quiz review, nothing answered', language);
        await submit(page, 'form[action$="/podsumowanie"]');
        expect(await page.locator('.notice--error[role="alert"]').count()).to.equal(1);
        await checkPage(page, 'quiz review, empty submission refused', language, 'quiz-review-refused');
        await Promise.all([page.waitForURL(/\/test\/[0-9a-f]{24}#pytanie-1$/), page.click('a[href$="#pytanie-1"]')]);
        await page.locator('.quiz-form input[type="radio"]').first().check();
        await Promise.all([page.waitForURL(/\/test\/[0-9a-f]{24}$/), page.click('.quiz-form button[value="save"]')]);
        await checkPage(page, 'quiz attempt, answers saved', language);
        expect(await page.locator('.quiz-form input[type="radio"]:checked').count()).to.equal(1);
        await Promise.all([page.waitForURL(/\/podsumowanie$/), page.click('.quiz-form button[value="review"]')]);
        await checkPage(page, 'quiz review', language, 'quiz-review');
        await Promise.all([page.waitForURL(/\/wynik$/), page.click('form[action$="/podsumowanie"] button[type="submit"]')]);
        await checkPage(page, 'quiz result', language, 'quiz-result');
        await go(`${COURSE}/test`);
        await checkPage(page, 'quiz overview with attempts', language);
        await go('/moje-szkolenia');
        await checkPage(page, 'my courses', language, 'my-courses');
        await go('/pulpit');
        await checkPage(page, 'dashboard (a course under way, a certificate)', language);
        await go('/moje-zaswiadczenia');
        await checkPage(page, 'my certificates', language, 'my-certificates');
        await go('/zaswiadczenia');
        await checkPage(page, '403 (learner on the HR page)', language, '403');
        await go('/moje-zaswiadczenia/to-nie-jest-id/pdf');
        await checkPage(page, '400 (malformed id)', language, '400');
        await go('/szkolenia/nie-ma-takiego-kursu');
        await checkPage(page, '404 (unknown course)', language);
        await go('/konto');
        await checkPage(page, 'my account', language, 'account');
        await page.fill('#currentPassword', 'zle-haslo-zle-haslo');
        await submit(page, 'form[action="/konto/haslo"]');
        expect(await page.locator('.error-summary').count()).to.equal(1);
        await checkPage(page, 'my account, password form with errors', language, 'account-errors');
        await page.fill('#fullName', '');
        await submit(page, 'form[action="/konto/imie"]');
        await checkPage(page, 'my account, name form with errors', language);
        await signIn(page, server.url, dashboards[language].user.email, dashboards[language].password);
        await go('/pulpit');
        expect(await page.locator('.dashboard-assigned .status--overdue').count()).to.equal(1);
        expect(await page.locator('.dashboard-certificates .status--revoked').count()).to.equal(1);
        await checkPage(page, 'dashboard (overdue course, revoked certificate)', language, 'dashboard');
      });

      it('learner out of attempts: the quiz page names who can grant another', async () => {
        await signIn(page, server.url, exhausted[language].user.email, exhausted[language].password);
        await go(`${COURSE}/test`);
        expect(await page.locator('.quiz-contacts li').count()).to.be.greaterThan(0);
        await checkPage(page, 'quiz overview, out of attempts', language, 'quiz-out-of-attempts');
      });

      it('HR: organisation certificates, revoke and name-correction forms with errors', async () => {
        await signIn(page, server.url, hr.user.email, hr.password);
        await go('/zaswiadczenia');
        await checkPage(page, 'HR certificates', language, 'hr-certificates');
        const revokeUrl = await page.locator('a[href$="/uniewaznij"]').first().getAttribute('href');
        const correctUrl = await page.locator('a[href$="/popraw-dane"]').first().getAttribute('href');
        await go(revokeUrl!);
        await checkPage(page, 'revoke form', language);
        await submit(page, 'form[action$="/uniewaznij"]');
        await checkPage(page, 'revoke form with errors', language, 'revoke-errors');
        await go(correctUrl!);
        await checkPage(page, 'name correction form', language);
        await page.fill('#fullName', '');
        await submit(page, 'form[action$="/popraw-dane"]');
        await checkPage(page, 'name correction form with errors', language);
        await go('/zarzadzanie');
        await checkPage(page, 'management areas (HR)', language, 'hr-management');
        await go('/kadry/oczekujacy');
        await checkPage(page, 'people awaiting approval', language, 'hr-pending');
        await go('/kadry');
        await checkPage(page, 'HR report', language, 'hr-report');
        await go('/kadry?status=overdue&sort=status&q=jan');
        expect(await page.locator('.matrix-cell--overdue').count()).to.be.greaterThan(0);
        await checkPage(page, 'HR report filtered, searched and sorted', language, 'hr-report-filtered');
        await go('/kadry/zaleglosci');
        expect(await page.locator('.matrix-cell--overdue').count()).to.be.greaterThan(0);
        await checkPage(page, 'HR overdue list', language, 'hr-overdue');
        await go('/kadry/terminy');
        await checkPage(page, 'HR due-within-14-days list (empty)', language);
        await go('/kadry/wykres');
        expect(await page.locator('svg[role="img"] title').count()).to.equal(1);
        await checkPage(page, 'HR completions chart', language, 'hr-chart');
        await go('/kadry?page=zero');
        await checkPage(page, '400 (HR report with a bad filter)', language);
        // Known gap: the course options carry no language to mark them with.
        const untranslated = ['Przykładowy kurs'];
        await go('/kadry/przypisz');
        await checkPage(page, 'HR assignment form', language, 'hr-assign', untranslated);
        await page.fill('#recurrenceMonths', '1000');
        await submit(page, 'form[action="/kadry/przypisz"]');
        expect(await page.locator('.error-summary').count()).to.equal(1);
        await checkPage(page, 'HR assignment form with errors', language, 'hr-assign-errors', untranslated);
        // A valid assignment (HR's own office, every 12 months) lands on the list of assignments.
        await page.selectOption('#courseId', { index: 1 });
        await page.check('#target-people');
        await page.check('#people');
        await page.fill('#recurrenceMonths', '12');
        await submit(page, 'form[action="/kadry/przypisz"]');
        expect(new URL(page.url()).pathname).to.equal('/kadry/przydzialy');
        await checkPage(page, 'HR assignments list', language, 'hr-assignments', untranslated);
        const withdrawUrl = await page.locator('a[href$="/wycofaj"]').first().getAttribute('href');
        await go(withdrawUrl!);
        await checkPage(page, 'HR assignment withdrawal confirmation', language, undefined, untranslated);
        await go('/admin/lrs-klienci');
        await checkPage(page, '403 (HR on the admin page)', language);
      });

      it('HR: a person record, its extra-attempt form with errors and granted', async () => {
        await signIn(page, server.url, hr.user.email, hr.password);
        const record = `/kadry/osoby/${records[language].user._id.toHexString()}`;
        await go(record);
        await checkPage(page, 'person record', language, 'person-record');
        const form = `form[action="${record}/proby/dodatkowa"]`;
        await submit(page, form);
        expect(await page.locator('.error-summary').count()).to.equal(1);
        await checkPage(page, 'person record with a refused grant', language, 'person-record-errors');
        await page.fill('#dodatkowa-przyklad-kurs-reason', language === 'pl' ? 'Awaria sieci podczas testu' : 'Network failure during the test');
        await submit(page, form);
        await checkPage(page, 'person record after a grant', language);
      });

      it('privacy: a learner asks for erasure (blank, with errors, sent), the admin sees the request and the order form', async () => {
        await signIn(page, server.url, records[language].user.email, records[language].password);
        await go('/konto/usuniecie-danych');
        await checkPage(page, 'erasure request', language, 'erasure-request');
        // Past the field's own limit (as a script or an old browser might send it): the server's message shows.
        await page.evaluate(() => document.querySelector('#note')?.removeAttribute('maxlength'));
        await page.fill('#note', 'x'.repeat(2001));
        await submit(page, 'form[action="/konto/usuniecie-danych"]');
        expect(await page.locator('.error-summary').count()).to.equal(1);
        await checkPage(page, 'erasure request with errors', language);
        await page.fill('#note', language === 'pl' ? 'Odchodzę z pracy.' : 'I am leaving.');
        await submit(page, 'form[action="/konto/usuniecie-danych"]');
        await checkPage(page, 'erasure request sent', language);
        await go('/konto/kto-przegladal');
        await checkPage(page, 'who viewed my data', language, 'my-viewers');
        await go('/konto/moje-dane');
        await checkPage(page, 'my data', language, 'my-data');
        await submit(page, 'form[action="/konto/moje-dane"]');
        await checkPage(page, 'my data, being prepared', language);
        await runPendingDataExports(server.platform);
        await go('/konto/moje-dane');
        expect(await page.locator('a[download]').count()).to.equal(1);
        await checkPage(page, 'my data, ready', language);
        await signIn(page, server.url, admin.user.email, admin.password);
        await go('/urzad/usuwanie-danych');
        // The Polish learner's note is her own text, shown as she wrote it on the English page too.
        await checkPage(page, 'erasure requests and orders', language, 'erasures', ['Odchodzę z pracy.']);
        await go('/kadry/osoby');
        await go('/urzad/dostep-do-danych');
        expect(await page.locator('table tbody tr').count()).to.be.greaterThan(0);
        await checkPage(page, 'access trail', language, 'access-trail');
        await go(`/urzad/usuwanie-danych/${records[language].user._id.toHexString()}`);
        await checkPage(page, 'erasure order', language, 'erasure-order');
        await submit(page, `form[action="/urzad/usuwanie-danych/${records[language].user._id.toHexString()}"]`);
        expect(await page.locator('.error-summary').count()).to.equal(1);
        await checkPage(page, 'erasure order with errors', language);
      });

      it('admin: the audit trail', async () => {
        await signIn(page, server.url, admin.user.email, admin.password);
        await go('/urzad/dziennik');
        // The course title inside an entry's details is the course's own (Polish) text; a list item cannot mark it.
        await checkPage(page, 'audit trail', language, 'audit-trail', ['Course: Przykładowy kurs', 'Course assignment: Przykładowy kurs']);
      });

      it('admin: the OpenID Connect and SAML sign-in method forms (blank, with errors, stored) and a refused directory sign-in', async () => {
        await signIn(page, server.url, admin.user.email, admin.password);
        await go('/urzad/logowanie/nowy/oidc');
        await checkPage(page, 'new OIDC sign-in method', language, 'sso-oidc-new');
        await page.fill('#label', 'Entra ID');
        await page.fill('#discoveryUrl', 'http://login.example.test/');
        await submit(page, 'form[action$="/nowy/oidc"]');
        await checkPage(page, 'new OIDC sign-in method with errors', language, 'sso-oidc-errors');
        await go('/urzad/logowanie/nowy/saml');
        await checkPage(page, 'new SAML sign-in method', language);
        await page.fill('#label', 'ADFS');
        await page.fill('#metadataXml', '<not-metadata/>');
        await submit(page, 'form[action$="/nowy/saml"]');
        await checkPage(page, 'new SAML sign-in method with errors', language, 'sso-saml-errors');
        const stored = await SignInMethod.create({
          organisationId: officeId,
          kind: 'oidc',
          label: 'Keycloak',
          enabled: false,
          settings: OidcSettings.parse({ discoveryUrl: 'https://sso.example.test/realms/urzad/.well-known/openid-configuration', clientId: 'akademia' }),
          sealedSecret: server.platform.secretBox.seal('sekret', 'sso-oidc-secret'),
        });
        await go(`/urzad/logowanie/${String(stored._id)}`);
        await checkPage(page, 'stored OIDC sign-in method (redirect URI to copy)', language);
        await page.context().clearCookies();
        await go(`/logowanie/oidc/${String(stored._id)}`);
        await checkPage(page, 'directory sign-in refused', language, 'sso-sign-in-failed');
      });

      it('HR and admin: people list, add form with errors, import with its dry run, edit page with errors', async () => {
        await signIn(page, server.url, hr.user.email, hr.password);
        await go('/kadry/osoby');
        await checkPage(page, 'people list', language, 'people-list');
        await go('/kadry/osoby?q=anna&status=active');
        await checkPage(page, 'people list, searched', language);
        await go('/kadry/osoby/nowa');
        await checkPage(page, 'add a person', language);
        await page.fill('#email', 'not-an-address');
        await submit(page, 'form[action="/kadry/osoby/nowa"]');
        expect(await page.locator('.error-summary').count()).to.equal(1);
        await checkPage(page, 'add a person with errors', language, 'people-add-errors');
        await go('/kadry/osoby/import');
        await checkPage(page, 'people import', language);
        await submit(page, 'form[action="/kadry/osoby/import"]');
        expect(await page.locator('[aria-invalid="true"]').count()).to.equal(1);
        await checkPage(page, 'people import with errors', language);
        const csv = `name;email;department\nKarol Nowy ${language};karol-${language}@example.test;Referat Organizacyjny\nBad Row;not-an-address;Referat Kosmiczny\n`;
        await page.setInputFiles('#plik', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await submit(page, 'form[action="/kadry/osoby/import"]');
        expect(await page.locator('form[action^="/kadry/osoby/import/"]').count()).to.equal(1);
        await checkPage(page, 'people import dry run', language, 'people-import-review');
        await signIn(page, server.url, admin.user.email, admin.password);
        const edit = `/kadry/osoby/${learners[language].user._id.toHexString()}/edycja`;
        await go(edit);
        await checkPage(page, 'edit a person', language, 'people-edit');
        await submit(page, 'form[action$="/dezaktywuj"]');
        expect(await page.locator('.error-summary').count()).to.equal(1);
        await checkPage(page, 'edit a person with errors', language);
      });

      it('SCORM: the import page (empty, refused), the course page and the player of an imported package', async () => {
        const office = (await Organisation.findById(officeId).lean())!;
        const author = await buildLearner({ organisation: office, overrides: { fullName: `Cezary Autor ${language.toUpperCase()}`, roles: ['author', 'learner'] } });
        await signIn(page, server.url, author.user.email, author.password);
        await go('/studio/scorm');
        await checkPage(page, 'SCORM import', language, 'scorm-import');
        await page.setInputFiles('#plik', { name: 'zly.zip', mimeType: 'application/zip', buffer: hostilePackage() });
        await submit(page, 'form[action="/studio/scorm"]');
        expect(await page.locator('#plik-problems li').count()).to.be.at.least(2);
        await checkPage(page, 'SCORM import refused', language, 'scorm-import-refused');
        await page.setInputFiles('#plik', { name: 'pakiet.zip', mimeType: 'application/zip', buffer: await scormPackage('1.2') });
        await submit(page, 'form[action="/studio/scorm"]');
        await checkPage(page, 'SCORM course page', language, 'scorm-course');
        await submit(page, 'form[action$="/zapis"]');
        await page.waitForSelector('#scorm-sco[src]');
        await checkPage(page, 'SCORM player', language, 'scorm-player');
      });

      it('cmi5: the import page (empty, refused), the course page and the AU list of an imported package', async () => {
        const office = (await Organisation.findById(officeId).lean())!;
        const author = await buildLearner({ organisation: office, overrides: { fullName: `Cezary Cmi5 ${language.toUpperCase()}`, roles: ['author', 'learner'] } });
        await signIn(page, server.url, author.user.email, author.password);
        await go('/studio/cmi5');
        await checkPage(page, 'cmi5 import', language, 'cmi5-import');
        await page.setInputFiles('#plik', { name: 'zly.zip', mimeType: 'application/zip', buffer: await brokenCmi5Package() });
        await submit(page, 'form[action="/studio/cmi5"]');
        expect(await page.locator('#plik-problems li').count()).to.be.at.least(2);
        await checkPage(page, 'cmi5 import refused', language, 'cmi5-import-refused');
        await page.setInputFiles('#plik', { name: 'kurs.zip', mimeType: 'application/zip', buffer: await cmi5Package() });
        await submit(page, 'form[action="/studio/cmi5"]');
        await checkPage(page, 'cmi5 course page', language, 'cmi5-course');
        await submit(page, 'form[action$="/zapis"]');
        expect(await page.locator('.au-list > li').count()).to.equal(1);
        await checkPage(page, 'cmi5 AU list', language, 'cmi5-aus');
      });

      it('admin: LRS clients, with errors and with a new secret shown', async () => {
        await signIn(page, server.url, admin.user.email, admin.password);
        await go('/admin/lrs-klienci');
        await checkPage(page, 'LRS clients', language, 'lrs-clients');
        await submit(page, 'form[action="/admin/lrs-klienci"]');
        await checkPage(page, 'LRS clients with errors', language);
        await page.fill('#name', `Moodle ${language}`);
        await submit(page, 'form[action="/admin/lrs-klienci"]');
        expect(await page.locator('#created-heading').count()).to.equal(1);
        await checkPage(page, 'LRS client created', language, 'lrs-created');
        // "Usuń" leads to a confirmation page of its own (nothing is deleted by the link).
        const deleteUrl = await page.locator('main td a[href$="/usun"]').first().getAttribute('href');
        expect(deleteUrl).to.match(/^\/admin\/lrs-klienci\/[0-9a-f]{24}\/usun$/);
        await go(deleteUrl!);
        await checkPage(page, 'LRS client deletion confirmation', language, 'lrs-delete');
        await go('/zarzadzanie');
        await checkPage(page, 'management areas (admin)', language, 'admin-management');
        await go('/urzad/rejestracja');
        await checkPage(page, 'who may join', language, 'join-policy');
        await page.check('#joinPolicy-domains');
        await page.fill('#emailDomains', 'http://ug.example/x');
        await submit(page, 'form[action="/urzad/rejestracja"]');
        expect(await page.locator('.error-summary').count()).to.equal(1);
        await checkPage(page, 'who may join, with errors', language, 'join-policy-errors');
      });

      it('operator, office admin and association admin: the administration pages, with errors', async () => {
        await signIn(page, server.url, operator.user.email, operator.password);
        await go('/operator');
        await checkPage(page, 'operator: associations and offices', language, 'operator');
        await go('/operator/urzedy/nowy');
        await checkPage(page, 'operator: new office', language);
        await page.fill('#teryt', '12');
        await submit(page, 'form[action="/operator/urzedy/nowy"]');
        expect(await page.locator('#teryt-error').count()).to.equal(1);
        await checkPage(page, 'operator: new office with errors', language, 'operator-office-errors');
        await go('/operator/zwiazki/nowy');
        await submit(page, 'form[action="/operator/zwiazki/nowy"]');
        await checkPage(page, 'operator: new association with errors', language);
        await go(`/operator/organizacje/${officeId}/administrator`);
        await submit(page, 'form[action$="/administrator"]');
        await checkPage(page, 'operator: appoint an administrator with errors', language);

        await signIn(page, server.url, admin.user.email, admin.password);
        await go('/urzad/ustawienia');
        await checkPage(page, 'office settings', language, 'office-settings');
        await page.fill('#accentColour', 'czerwony');
        await page.setInputFiles('#logo', { name: 'herb.png', mimeType: 'image/png', buffer: Buffer.from('<html>nie herb</html>') });
        await submit(page, 'form[action="/urzad/ustawienia"]');
        expect(await page.locator('#logo-error').count()).to.equal(1);
        await checkPage(page, 'office settings with errors', language, 'office-settings-errors');
        await go('/urzad/dzialy');
        await checkPage(page, 'departments', language);
        await submit(page, 'form[action="/urzad/dzialy"]');
        await checkPage(page, 'departments with errors', language);
        const departmentUrl = await page.locator('a[href^="/urzad/dzialy/"]').first().getAttribute('href');
        await go(departmentUrl!);
        await checkPage(page, 'one department', language);
        await submit(page, 'form[action$="/scal"]');
        await checkPage(page, 'one department, merge with errors', language);

        await signIn(page, server.url, associationAdmin.user.email, associationAdmin.password);
        await go('/zwiazek');
        await checkPage(page, 'association: member offices', language, 'association');
      });

      it('directory sign-in: the admin pages (list, kinds, LDAP form with errors, edit, sync), the sign-in forms, the failure page', async () => {
        await signIn(page, server.url, admin.user.email, admin.password);
        await go('/urzad/logowanie');
        await checkPage(page, 'sign-in methods', language, 'sso-methods');
        await go('/urzad/logowanie/nowy');
        await checkPage(page, 'sign-in methods: choose a kind', language);
        await go('/urzad/logowanie/nowy/ldap');
        await checkPage(page, 'new LDAP method', language, 'sso-ldap-form');
        await page.fill('#url', 'http://dc1.urzad.local');
        await page.fill('#groupName-1', 'Kadry');
        await submit(page, 'form[action="/urzad/logowanie/nowy/ldap"]');
        expect(await page.locator('#url-error').count()).to.equal(1);
        expect(await page.locator('#bindPassword-error').count()).to.equal(0);
        await checkPage(page, 'new LDAP method with errors', language, 'sso-ldap-errors');
        await go(`/urzad/logowanie/${directoryMethodId}`);
        await checkPage(page, 'LDAP method', language);
        await submit(page, `form[action="/urzad/logowanie/${directoryMethodId}/sprawdz"]`);
        await checkPage(page, 'LDAP method, connection check failed', language);
        await go(`/urzad/logowanie/${directoryMethodId}/synchronizacja`);
        await checkPage(page, 'LDAP sync, directory down', language);
        // Removing asks first; the tour only looks (the method stays for the sign-in forms below).
        await go(`/urzad/logowanie/${directoryMethodId}/usun`);
        expect(await page.locator(`main form[action="/urzad/logowanie/${directoryMethodId}/usun"]`).count()).to.equal(1);
        await checkPage(page, 'remove a sign-in method: the confirmation', language);
        await page.context().clearCookies();
        await go('/logowanie?email=ktos%40example.test');
        expect(await page.locator(`form[action="/logowanie/ldap/${directoryMethodId}"]`).count()).to.equal(1);
        await checkPage(page, 'login with the office directory', language, 'sso-login');
        await page.fill(`#ldap-username-${directoryMethodId}`, 'jkowalska');
        await page.fill(`#ldap-password-${directoryMethodId}`, 'haslo');
        await submit(page, `form[action="/logowanie/ldap/${directoryMethodId}"]`);
        await checkPage(page, 'directory sign-in failed', language, 'sso-failed');
      });
    });
  }
});
