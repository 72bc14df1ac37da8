// Post/redirect/get in Chromium: every form that changes something answers 303, and F5 on the page after it sends nothing again.
import { expect } from 'chai';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { newBrowserContext, signIn } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { statementsAnywhere } from '../helpers/statements.js';
import { User } from '../../src/auth/user.model.js';
import { addDays, warsawIsoDay } from '../../src/calendar/calendar.js';
import { assignmentsOf } from '../../src/assignments/assignment.model.js';
import { Reminder } from '../../src/assignments/reminder.model.js';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { Enrolment } from '../../src/learning/enrolment.model.js';
import { MailMessage } from '../../src/mail/mail-message.model.js';
import { LrsClient } from '../../src/xapi/lrs-client.model.js';

type Person = Awaited<ReturnType<typeof buildLearner>>;
const COURSE = '/szkolenia/przyklad-kurs';
const LESSON = `${COURSE}/lekcje/wprowadzenie`;
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';

describe('e2e: post/redirect/get — F5 after a form submits nothing again', function () {
  this.timeout(180_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let officeId: string;
  let learner: Person;
  let renamed: Person;
  let hr: Person;
  let admin: Person;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    const office = await buildOrganisation({ name: 'Gmina Odświeżowo', joinPolicy: 'domains', emailDomains: ['example.test'] });
    officeId = office._id.toHexString();
    learner = await buildLearner({ organisation: office, overrides: { fullName: 'Anna Nowak' } });
    renamed = await buildLearner({ organisation: office, overrides: { fullName: 'Ewa Kowalsak' } });
    hr = await buildLearner({ organisation: office, overrides: { fullName: 'Halina Kadrowa', roles: ['hr', 'learner'] } });
    admin = await buildLearner({ organisation: office, overrides: { fullName: 'Adam Admin', roles: ['admin', 'hr', 'learner'] } });
    context = await newBrowserContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  const mails = () => MailMessage.countDocuments({});

  /** Clicks the form's button; the POST's own status (a redirect is reported before it is followed) and where the browser landed. */
  async function send(formSelector: string): Promise<{ status: number; landed: URL }> {
    const [response] = await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'POST' && res.request().isNavigationRequest()),
      page.locator(`${formSelector} button[type="submit"]`).first().click(),
    ]);
    await page.waitForLoadState('load');
    return { status: response.status(), landed: new URL(page.url()) };
  }

  /** F5: the page comes again by GET, and nothing but GETs leave the browser. */
  async function refresh(): Promise<void> {
    const sent: string[] = [];
    const watch = (request: Request) => {
      if (request.method() !== 'GET') sent.push(`${request.method()} ${request.url()}`);
    };
    page.on('request', watch);
    try {
      const response = await page.reload({ waitUntil: 'load' });
      expect(response?.request().method(), 'the reload').to.equal('GET');
      expect(response?.status(), `the reload of ${page.url()}`).to.equal(200);
    } finally {
      page.off('request', watch);
    }
    expect(sent, 'requests other than GET sent by the reload').to.deep.equal([]);
  }

  it('enrolling, and the in-lesson check: the feedback after the redirect, no second answer on F5', async () => {
    await signIn(page, server.url, learner.user.email, learner.password);
    await page.goto(`${server.url}${COURSE}`);
    const enrolled = await send('.enrol-form');
    expect(enrolled.status).to.equal(303);
    expect(enrolled.landed.pathname).to.equal(LESSON);
    await refresh();
    expect(await Enrolment.countDocuments({ organisationId: officeId, userId: learner.user._id })).to.equal(1);

    await page.check('#sprawdz-check-zasady-1 input[value="a"]');
    const answered = await send('#sprawdz-check-zasady-1 form');
    expect(answered.status).to.equal(303);
    expect(`${answered.landed.pathname}${answered.landed.hash}`).to.equal(`${LESSON}#sprawdz-check-zasady-1`);
    expect(await page.textContent('#sprawdz-check-zasady-1 .check-feedback')).to.contain('Dobrze!');
    expect(await page.isChecked('#sprawdz-check-zasady-1 input[value="a"]')).to.equal(true);
    expect(await statementsAnywhere({ verbId: ANSWERED })).to.have.length(1);

    await refresh();
    expect(await statementsAnywhere({ verbId: ANSWERED }), 'answered statements after F5').to.have.length(1);
    // The feedback was shown once; the lesson is itself again.
    expect(await page.locator('#sprawdz-check-zasady-1 .check-feedback').count()).to.equal(0);
  });

  it('a new LRS client: its secret on the page after the redirect, gone on F5 and on the back button; one client', async () => {
    await signIn(page, server.url, admin.user.email, admin.password);
    await page.goto(`${server.url}/admin/lrs-klienci`);
    const before = await LrsClient.countDocuments({ organisationId: officeId });
    await page.fill('#name', 'Moodle gminy');
    const created = await send('form[action="/admin/lrs-klienci"]');
    expect(created.status).to.equal(303);
    expect(created.landed.pathname).to.equal('/admin/lrs-klienci');
    const secret = (await page.locator('.lrs-credentials div:nth-child(2) code').textContent())!;
    expect(secret).to.have.length.greaterThan(20);
    expect(await LrsClient.countDocuments({ organisationId: officeId })).to.equal(before + 1);

    await refresh();
    expect(await LrsClient.countDocuments({ organisationId: officeId }), 'clients after F5').to.equal(before + 1);
    expect(await page.locator('#created-heading').count()).to.equal(0);
    expect(await page.content()).to.not.contain(secret);
    expect(await page.locator('main').textContent()).to.contain('Moodle gminy');

    await page.goto(`${server.url}/zarzadzanie`);
    await page.goBack({ waitUntil: 'load' });
    expect(new URL(page.url()).pathname).to.equal('/admin/lrs-klienci');
    expect(await page.content(), 'the secret after the back button').to.not.contain(secret);
  });

  it('deleting an LRS client: a confirmation page first, then one deletion; F5 on the list deletes nothing more', async () => {
    await page.goto(`${server.url}/admin/lrs-klienci`);
    const before = await LrsClient.countDocuments({ organisationId: officeId });
    expect(before).to.be.greaterThan(0);
    await Promise.all([page.waitForURL(/\/admin\/lrs-klienci\/[0-9a-f]{24}\/usun$/), page.locator('main td a[href$="/usun"]').first().click()]);
    expect(await page.textContent('h1')).to.equal('Usunąć klienta LRS „Moodle gminy”?');
    expect(await page.locator('main a[href="/admin/lrs-klienci"]').textContent()).to.equal('Anuluj');
    expect(await LrsClient.countDocuments({ organisationId: officeId }), 'clients after opening the confirmation').to.equal(before);
    const removed = await send('main form');
    expect(removed.status).to.equal(303);
    expect(removed.landed.pathname).to.equal('/admin/lrs-klienci');
    expect(await page.locator('main .notice--success, .notice--success').first().textContent()).to.contain('Klient LRS został usunięty');
    expect(await LrsClient.countDocuments({ organisationId: officeId })).to.equal(before - 1);
    await refresh();
    expect(await LrsClient.countDocuments({ organisationId: officeId })).to.equal(before - 1);
  });

  it('an assignment and reminders now: one assignment, one round of mail, whatever F5 does', async () => {
    await signIn(page, server.url, hr.user.email, hr.password);
    await page.goto(`${server.url}/kadry/przypisz`);
    await page.selectOption('#courseId', 'przyklad-kurs');
    await page.check('#target-people');
    await page.check(`input[name="userIds"][value="${learner.user._id.toHexString()}"]`);
    // Due in three days: the reminders below have something to send.
    await page.fill('#dueDate', warsawIsoDay(addDays(new Date(), 3)));
    const assigned = await send('form[action="/kadry/przypisz"]');
    expect(assigned.status).to.equal(303);
    expect(assigned.landed.pathname).to.equal('/kadry/przydzialy');
    const assignments = await (await assignmentsOf(officeId)).countDocuments({ organisationId: officeId });
    const mailsAfterAssigning = await mails();
    expect(assignments).to.equal(1);
    await refresh();
    expect(await (await assignmentsOf(officeId)).countDocuments({ organisationId: officeId }), 'assignments after F5').to.equal(assignments);
    expect(await mails(), 'mails after F5').to.equal(mailsAfterAssigning);

    await page.goto(`${server.url}/kadry`);
    const reminded = await send('form[action="/kadry/przypomnienia"]');
    expect(reminded.status).to.equal(303);
    expect(reminded.landed.pathname).to.equal('/kadry');
    const reminders = await Reminder.countDocuments({ organisationId: officeId });
    const mailsAfterReminding = await mails();
    expect(reminders, 'a reminder of the course due in three days').to.be.greaterThan(0);
    expect(mailsAfterReminding).to.be.greaterThan(mailsAfterAssigning);
    await refresh();
    expect(await Reminder.countDocuments({ organisationId: officeId }), 'reminders after F5').to.equal(reminders);
    expect(await mails(), 'mails after F5').to.equal(mailsAfterReminding);
  });

  it('revoking a certificate and correcting a name: each done once, F5 on the list does neither again', async () => {
    const revoked = await buildCertificate(server.platform, learner.user);
    const corrected = await buildCertificate(server.platform, renamed.user);
    const certificates = () => Certificate.countDocuments({ organisationId: officeId });
    const revocations = () => Certificate.countDocuments({ organisationId: officeId, state: 'revoked' });

    await page.goto(`${server.url}/zaswiadczenia/${revoked.id}/uniewaznij`);
    await page.fill('#reason', 'Wydane omyłkowo');
    const revoke = await send(`form[action="/zaswiadczenia/${revoked.id}/uniewaznij"]`);
    expect(revoke.status).to.equal(303);
    expect(revoke.landed.pathname).to.equal('/zaswiadczenia');
    expect(await revocations()).to.equal(1);
    const mailsAfterRevoking = await mails();
    await refresh();
    expect(await revocations(), 'revoked after F5').to.equal(1);
    expect(await mails(), 'mails after F5').to.equal(mailsAfterRevoking);

    const before = await certificates();
    await page.goto(`${server.url}/zaswiadczenia/${corrected.id}/popraw-dane`);
    await page.fill('#fullName', 'Ewa Kowalska');
    const correct = await send(`form[action="/zaswiadczenia/${corrected.id}/popraw-dane"]`);
    expect(correct.status).to.equal(303);
    expect(correct.landed.pathname).to.equal('/zaswiadczenia');
    // The corrected certificate is issued again under a new number, once.
    expect(await certificates()).to.equal(before + 1);
    const mailsAfterCorrecting = await mails();
    await refresh();
    expect(await certificates(), 'certificates after F5').to.equal(before + 1);
    expect(await mails(), 'mails after F5').to.equal(mailsAfterCorrecting);
  });

  it('registration, resending the link and a password reset: one account, one mail each; the address typed shown once', async () => {
    await page.context().clearCookies();
    const email = 'nowa.osoba@example.test';
    const users = () => User.countDocuments({ email }).setOptions({ acrossOrganisations: true });
    await page.goto(`${server.url}/rejestracja?urzad=${officeId}`);
    await page.fill('#fullName', 'Nowa Osoba');
    await page.fill('#email', email);
    await page.fill('#password', 'Bardzo-tajne-haslo-2026');
    await page.fill('#passwordConfirm', 'Bardzo-tajne-haslo-2026');
    await page.check('#consent');
    const registered = await send('form[action="/rejestracja"][method="post"]');
    expect(registered.status).to.equal(303);
    expect(`${registered.landed.pathname}${registered.landed.search}`).to.equal('/sprawdz-poczte?wyslano=konto');
    expect(await page.textContent('main strong')).to.equal(email);
    expect(await users()).to.equal(1);
    const mailsAfterRegistering = await mails();
    await refresh();
    expect(await users(), 'accounts after F5').to.equal(1);
    expect(await mails(), 'mails after F5').to.equal(mailsAfterRegistering);
    // The same words; the address is not kept for a second showing.
    expect(await page.textContent('h1')).to.equal('Sprawdź skrzynkę e-mail');
    expect(await page.content()).to.not.contain(email);

    await page.goto(`${server.url}/potwierdz-email/wyslij-ponownie`);
    await page.fill('#email', email);
    const resent = await send('form[action="/potwierdz-email/wyslij-ponownie"]');
    expect(resent.status).to.equal(303);
    expect(`${resent.landed.pathname}${resent.landed.search}`).to.equal('/sprawdz-poczte?wyslano=ponownie');
    const mailsAfterResending = await mails();
    expect(mailsAfterResending).to.equal(mailsAfterRegistering + 1);
    await refresh();
    expect(await mails(), 'mails after F5').to.equal(mailsAfterResending);

    await page.goto(`${server.url}/haslo/reset`);
    await page.fill('#email', learner.user.email);
    const reset = await send('form[action="/haslo/reset"]');
    expect(reset.status).to.equal(303);
    expect(`${reset.landed.pathname}${reset.landed.search}`).to.equal('/sprawdz-poczte?wyslano=haslo');
    const mailsAfterReset = await mails();
    expect(mailsAfterReset).to.equal(mailsAfterResending + 1);
    await refresh();
    expect(await mails(), 'mails after F5').to.equal(mailsAfterReset);
  });
});
