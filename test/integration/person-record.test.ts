import { expect } from 'chai';
import { enrolAndCompleteSteps, exampleCourse } from '../helpers/completion.js';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { CourseCatalogue } from '../../src/courses/course-catalogue.js';
import type { Course } from '../../src/courses/course.types.js';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { QuizAttemptGrant } from '../../src/learning/quiz-attempt-grant.model.js';
import { encodeQuizForm } from '../../src/learning/quiz-form.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { Reminder } from '../../src/assignments/reminder.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { oneAnswerFor, sendQuiz } from '../helpers/quiz-form.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;
const COURSE = '/szkolenia/przyklad-kurs';
const QUIZ = `${COURSE}/test`;

async function tokenOf(agent: Agent, page = '/moje-szkolenia'): Promise<string> {
  return csrfTokenFrom((await agent.get(page).expect(200)).text);
}

/** Enrols on the example course and finishes its lessons, so its final test may start. */
async function enrol(agent: Agent): Promise<void> {
  await enrolAndCompleteSteps(agent, await exampleCourse());
}

/** Starts the quiz: the response (303 to the attempt, or 409 with the reason). */
async function start(agent: Agent) {
  const overview = await agent.get(QUIZ).expect(200);
  return agent
    .post(QUIZ)
    .type('form')
    .send({ _csrf: csrfTokenFrom(overview.text) });
}

/**
 * Starts an attempt and sends it with one question answered wrongly: a failed attempt with 0 points (a blank one
 * would not be graded at all).
 */
async function failAttempt(agent: Agent, course: Course): Promise<void> {
  const started = await start(agent);
  expect(started.status, started.text.slice(0, 300)).to.equal(303);
  const page = await agent.get(started.headers.location).expect(200);
  const attempt = (await QuizAttempt.findById(started.headers.location.split('/').pop()).lean())!;
  const form = new URLSearchParams([['_csrf', csrfTokenFrom(page.text)], ...encodeQuizForm(oneAnswerFor(attempt, course))]);
  const sent = await sendQuiz(agent, started.headers.location, form);
  expect(sent.status).to.equal(303);
  expect((await QuizAttempt.findById(attempt._id).lean())!.passed).to.equal(false);
}

describe('HR on one person (/kadry/osoby/:userId) and the audit trail (/urzad/dziennik)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let officeA: OrganisationDoc;
  let anna: { id: string; agent: Agent };
  let bartosz: { id: string; agent: Agent };
  let hrA: Agent;
  let adminA: Agent;
  let hrB: Agent;
  let adminB: Agent;
  let annaCertificate: { id: string; code: string };
  let bartoszCertificateCode: string;
  let annaEnrolment: EnrolmentDoc;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    officeA = await buildOrganisation();
    const officeB = await buildOrganisation();
    const annaUser = await buildLearner({ organisation: officeA, overrides: { fullName: 'Anna Alfa', position: 'Inspektor' } });
    const bartoszUser = await buildLearner({ organisation: officeA, overrides: { fullName: 'Bartosz Beta' } });
    const hr = await buildLearner({ organisation: officeA, overrides: { fullName: 'Halina Kadrowa', roles: ['hr', 'learner'] } });
    const admin = await buildLearner({ organisation: officeA, overrides: { fullName: 'Adam Admin', roles: ['admin', 'learner'] } });
    const hrOfB = await buildLearner({ organisation: officeB, overrides: { roles: ['hr', 'learner'] } });
    const adminOfB = await buildLearner({ organisation: officeB, overrides: { roles: ['admin', 'learner'] } });
    anna = { id: annaUser.user._id.toHexString(), agent: await loginAgent(server.url, annaUser.user.email, annaUser.password) };
    bartosz = { id: bartoszUser.user._id.toHexString(), agent: await loginAgent(server.url, bartoszUser.user.email, bartoszUser.password) };
    hrA = await loginAgent(server.url, hr.user.email, hr.password);
    adminA = await loginAgent(server.url, admin.user.email, admin.password);
    hrB = await loginAgent(server.url, hrOfB.user.email, hrOfB.password);
    adminB = await loginAgent(server.url, adminOfB.user.email, adminOfB.password);
    annaCertificate = await buildCertificate(server.platform, annaUser.user);
    bartoszCertificateCode = (await buildCertificate(server.platform, bartoszUser.user)).code;

    await enrol(anna.agent);
    await failAttempt(anna.agent, server.platform.catalogue.require('przyklad-kurs'));
    await enrol(bartosz.agent);
    await failAttempt(bartosz.agent, server.platform.catalogue.require('przyklad-kurs'));
    annaEnrolment = (await Enrolment.findOne({ organisationId: officeA._id, userId: anna.id }).lean<EnrolmentDoc>())!;
    await Reminder.create({
      _id: annaEnrolment._id,
      organisationId: officeA._id,
      userId: anna.id,
      courseId: 'przyklad-kurs',
      lastSentAt: new Date('2026-11-20T08:30:00Z'),
      sentCount: 2,
    });
    // HR revokes Anna's certificate: its history shows on her record.
    const revokePage = await hrA.get(`/zaswiadczenia/${annaCertificate.id}/uniewaznij`).expect(200);
    await hrA
      .post(`/zaswiadczenia/${annaCertificate.id}/uniewaznij`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(revokePage.text), reason: 'Wystawione omyłkowo' })
      .expect(303);
  });
  after(async () => server.close());

  it("shows the person's enrolments, attempts, certificates with history and reminders, and nobody else's", async () => {
    const res = await hrA.get(`/kadry/osoby/${anna.id}`).expect(200);
    expect(res.text).to.contain('<h1>Anna Alfa</h1>');
    expect(res.text).to.contain('Inspektor');
    expect(res.text).to.contain('Przykładowy kurs');
    // The failed attempt: number, start and end in Warsaw time, score and outcome.
    expect(res.text).to.contain('Podejścia do testu końcowego');
    expect(res.text).to.match(
      /<th scope="row">1<\/th><td>\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}<\/td><td>\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}<\/td><td>0% \(0\/\d+\)<\/td><td>niezaliczony<\/td>/,
    );
    expect(res.text).to.contain('wykorzystano 1 z 3');
    // Reminders in Warsaw time (08:30 UTC is 09:30 in Warsaw in November).
    expect(res.text).to.contain('wysłano 2 przypomnienia, ostatnie 20.11.2026, 09:30');
    expect(res.text).to.contain(annaCertificate.code);
    expect(res.text).to.contain('unieważniono');
    expect(res.text).to.contain('Wystawione omyłkowo');
    expect(res.text).to.contain(`href="/zaswiadczenia/${annaCertificate.id}/pdf"`);
    expect(res.text).to.contain(`href="/kadry/osoby/${anna.id}/edycja"`);
    // The cool-down runs: HR is offered to lift it.
    expect(res.text).to.contain(`action="/kadry/osoby/${anna.id}/proby/bez-przerwy"`);
    // Bartosz's certificate, attempts and name are not on Anna's page.
    expect(res.text).to.not.contain(bartoszCertificateCode);
    expect(res.text).to.not.contain('Bartosz Beta');
    expect((res.text.match(/<th scope="row">\d+<\/th><td>/g) ?? []).length).to.equal(1);
    // The admin of the office sees it too, in English on request.
    const english = await adminA.get(`/kadry/osoby/${anna.id}?lang=en`).expect(200);
    expect(english.text).to.contain('Final quiz attempts');
  });

  it('refuses a grant without a reason with a field message, granting nothing', async () => {
    const csrf = await tokenOf(hrA, `/kadry/osoby/${anna.id}`);
    for (const reason of ['', '   ', 'abc']) {
      const res = await hrA.post(`/kadry/osoby/${anna.id}/proby/bez-przerwy`).type('form').send({ _csrf: csrf, courseId: 'przyklad-kurs', reason }).expect(400);
      expect(res.text).to.contain('aria-invalid="true"');
      expect(res.text).to.contain('href="#bez-przerwy-przyklad-kurs-reason"');
      expect(res.text).to.match(/Podaj powód\.|co najmniej 5 znaków/);
    }
    expect(await QuizAttemptGrant.countDocuments({ organisationId: officeA._id })).to.equal(0);
    expect(await AuditEntry.countDocuments({ organisationId: officeA._id })).to.equal(0);
  });

  it('HR of another office gets 404 for the person and grants nothing; learners get 403', async () => {
    await hrB.get(`/kadry/osoby/${anna.id}`).expect(404);
    await adminB.get(`/kadry/osoby/${anna.id}`).expect(404);
    const csrfB = await tokenOf(hrB);
    for (const kind of ['dodatkowa', 'bez-przerwy']) {
      await hrB.post(`/kadry/osoby/${anna.id}/proby/${kind}`).type('form').send({ _csrf: csrfB, courseId: 'przyklad-kurs', reason: 'Obcy urząd próbuje' }).expect(404);
    }
    await bartosz.agent.get(`/kadry/osoby/${anna.id}`).expect(403);
    await anna.agent.get(`/kadry/osoby/${anna.id}`).expect(403);
    const csrf = await tokenOf(anna.agent);
    await anna.agent.post(`/kadry/osoby/${anna.id}/proby/bez-przerwy`).type('form').send({ _csrf: csrf, courseId: 'przyklad-kurs', reason: 'Sama sobie przyznaję' }).expect(403);
    expect(await QuizAttemptGrant.countDocuments({}).setOptions({ acrossOrganisations: true })).to.equal(0);
    expect(await AuditEntry.countDocuments({}).setOptions({ acrossOrganisations: true })).to.equal(0);
  });

  it('lifting the cool-down lets the learner start at once, once; the audit trail has the entry', async () => {
    const blocked = await start(anna.agent);
    expect(blocked.status).to.equal(409);
    expect(blocked.text).to.contain('Kolejne podejście będzie możliwe');
    const csrf = await tokenOf(hrA, `/kadry/osoby/${anna.id}`);
    const granted = await hrA
      .post(`/kadry/osoby/${anna.id}/proby/bez-przerwy`)
      .type('form')
      .send({ _csrf: csrf, courseId: 'przyklad-kurs', reason: 'Awaria prądu w trakcie testu' })
      .expect(303);
    expect(granted.headers.location).to.equal(`/kadry/osoby/${anna.id}`);
    const record = await hrA.get(`/kadry/osoby/${anna.id}`).expect(200);
    expect(record.text).to.contain('Zniesiono przerwę: Anna Alfa');
    expect(record.text).to.contain('zniesiona przerwa');
    expect(record.text).to.contain('jeszcze niewykorzystana');

    const quiz = await anna.agent.get(QUIZ).expect(200);
    expect(quiz.text).to.contain('Dział kadr zniósł przerwę przed kolejnym podejściem: Awaria prądu w trakcie testu');
    await failAttempt(anna.agent, server.platform.catalogue.require('przyklad-kurs'));
    // The lift was used: the next failure has its own cool-down again.
    const again = await start(anna.agent);
    expect(again.status).to.equal(409);
    expect(again.text).to.contain('Kolejne podejście będzie możliwe');
    expect((await anna.agent.get(QUIZ).expect(200)).text).to.contain('wykorzystano w podejściu 2');

    const entries = await AuditEntry.find({ organisationId: officeA._id }).lean();
    expect(entries).to.have.length(1);
    expect(entries[0]).to.include({ action: 'quiz.cooldownLifted', actorName: 'Halina Kadrowa', reason: 'Awaria prądu w trakcie testu' });
    expect(entries[0].subject).to.deep.include({ kind: 'person', id: anna.id, label: 'Anna Alfa' });
    // A new cool-down runs: a second lift may be granted, but not two waiting at once.
    const csrf2 = await tokenOf(hrA, `/kadry/osoby/${anna.id}`);
    await hrA.post(`/kadry/osoby/${anna.id}/proby/bez-przerwy`).type('form').send({ _csrf: csrf2, courseId: 'przyklad-kurs', reason: 'Druga awaria prądu' }).expect(303);
    await hrA.post(`/kadry/osoby/${anna.id}/proby/bez-przerwy`).type('form').send({ _csrf: csrf2, courseId: 'przyklad-kurs', reason: 'Trzecia awaria prądu' }).expect(303);
    const flash = await hrA.get(`/kadry/osoby/${anna.id}`).expect(200);
    expect(flash.text).to.contain('Przerwa przed kolejnym podejściem została już zniesiona.');
    expect(await QuizAttemptGrant.countDocuments({ organisationId: officeA._id, kind: 'cooldown_lift' })).to.equal(2);
  });

  it('an extra attempt goes beyond maxAttempts exactly once, even with two starts at the same moment', async () => {
    const course = server.platform.catalogue.get('przyklad-kurs')!;
    const strict: Course = { ...course, quiz: { ...course.quiz, maxAttempts: 1, cooldownMinutes: 0 } };
    const other = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { catalogue: new CourseCatalogue([strict]) });
    try {
      const cezary = await buildLearner({ organisation: officeA, overrides: { fullName: 'Cezary Gamma' } });
      const hr = await buildLearner({ organisation: officeA, overrides: { fullName: 'Irena Kadrowa', roles: ['hr'] } });
      const learner = await loginAgent(other.url, cezary.user.email, cezary.password);
      const hrAgent = await loginAgent(other.url, hr.user.email, hr.password);
      const cezaryId = cezary.user._id.toHexString();
      await enrol(learner);
      await failAttempt(learner, strict);
      expect((await start(learner)).status).to.equal(409);

      const page = await hrAgent.get(`/kadry/osoby/${cezaryId}`).expect(200);
      expect(page.text).to.contain('Limit podejść wyczerpany');
      await hrAgent
        .post(`/kadry/osoby/${cezaryId}/proby/dodatkowa`)
        .type('form')
        .send({ _csrf: csrfTokenFrom(page.text), courseId: 'przyklad-kurs', reason: 'Zwolnienie lekarskie w dniu testu' })
        .expect(303);
      const quiz = await learner.get(QUIZ).expect(200);
      expect(quiz.text).to.contain('Dział kadr przyznał dodatkową próbę: Zwolnienie lekarskie w dniu testu');

      // Two tabs start at once: one attempt, resumed by both.
      const csrf = csrfTokenFrom(quiz.text);
      const [first, second] = await Promise.all([learner.post(QUIZ).type('form').send({ _csrf: csrf }), learner.post(QUIZ).type('form').send({ _csrf: csrf })]);
      const started = [first, second].filter((res) => res.status === 303);
      expect(started.length, `${first.status} ${second.status}`).to.be.at.least(1);
      expect(new Set(started.map((res) => res.headers.location)).size).to.equal(1);
      expect(await QuizAttempt.countDocuments({ organisationId: officeA._id, userId: cezaryId })).to.equal(2);
      const attemptPage = await learner.get(started[0].headers.location).expect(200);
      const secondAttempt = (await QuizAttempt.findById(started[0].headers.location.split('/').pop()).lean())!;
      const answered = new URLSearchParams([['_csrf', csrfTokenFrom(attemptPage.text)], ...encodeQuizForm(oneAnswerFor(secondAttempt, strict))]);
      expect((await sendQuiz(learner, started[0].headers.location, answered)).status).to.equal(303);
      // Used: the limit holds again.
      const after = await start(learner);
      expect(after.status).to.equal(409);
      expect(after.text).to.contain('Wykorzystano wszystkie podejścia');
      const grant = await QuizAttemptGrant.findOne({ organisationId: officeA._id, userId: cezaryId }).lean();
      expect(grant).to.include({ kind: 'extra_attempt', usedForAttempt: 2 });
      const entry = await AuditEntry.findOne({ organisationId: officeA._id, action: 'quiz.attemptGranted' }).lean();
      expect(entry).to.include({ actorName: 'Irena Kadrowa', reason: 'Zwolnienie lekarskie w dniu testu' });
      expect(entry?.subject?.label).to.equal('Cezary Gamma');
    } finally {
      await other.close();
    }
  });

  describe('the audit trail', () => {
    it("office admins read their own office's trail, newest first, in Warsaw time, with labels in both languages", async () => {
      // ?lang=pl: the language chosen earlier (?lang=en) stays with the session.
      const res = await adminA.get('/urzad/dziennik?lang=pl').expect(200);
      // Reached from the admin's "Zarządzanie" area.
      expect((await adminA.get('/zarzadzanie').expect(200)).text).to.contain('href="/urzad/dziennik"');
      expect(res.text).to.contain('Przyznano dodatkową próbę testu');
      expect(res.text).to.contain('Zniesiono przerwę przed testem');
      expect(res.text).to.contain('Zwolnienie lekarskie w dniu testu');
      expect(res.text).to.contain(`href="/kadry/osoby/${anna.id}"`);
      expect(res.text).to.contain('Szkolenie: Przykładowy kurs');
      expect(res.text).to.not.contain('grantId');
      expect(res.text).to.match(/<time datetime="[^"]+">\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}<\/time>/);
      // Newest first: the extra attempt (granted last) comes before the first lift.
      expect(res.text.indexOf('Zwolnienie lekarskie')).to.be.below(res.text.indexOf('Awaria prądu w trakcie testu'));
      const english = await adminA.get('/urzad/dziennik?lang=en').expect(200);
      expect(english.text).to.contain('Extra quiz attempt granted');
      expect(english.text).to.contain('Course: Przykładowy kurs');
      // Another office's admin sees none of it.
      const other = await adminB.get('/urzad/dziennik').expect(200);
      expect(other.text).to.not.contain('Anna Alfa');
      expect(other.text).to.contain('W dzienniku nie ma jeszcze wpisów.');
    });

    it('is paged, 50 entries a page', async () => {
      for (let n = 1; n <= 52; n++) {
        await server.platform.audit.record({
          organisationId: officeA._id.toHexString(),
          actor: { id: officeA._id.toHexString(), fullName: 'Adam Admin' },
          action: 'department.renamed',
          subject: { kind: 'department', label: `Referat ${n}` },
          details: { name: { before: `Stara ${n}`, after: `Referat ${n}` } },
        });
      }
      const first = await adminA.get('/urzad/dziennik?lang=pl').expect(200);
      expect(first.text).to.contain('Referat 52');
      expect(first.text).to.contain('Nazwa: Stara 52 → Referat 52');
      // Handlebars escapes "=" in attributes.
      expect(first.text).to.match(/href="\/urzad\/dziennik\?strona(=|&#x3D;)2"/);
      expect(first.text).to.not.contain('Zwolnienie lekarskie');
      const second = await adminA.get('/urzad/dziennik?strona=2').expect(200);
      expect(second.text).to.contain('Zwolnienie lekarskie');
      expect(second.text).to.contain('href="/urzad/dziennik"');
      expect(second.text).to.not.contain('Referat 52<');
      await adminA.get('/urzad/dziennik?strona=abc').expect(400);
      await adminA.get('/urzad/dziennik?strona=0').expect(400);
      expect((await adminA.get('/urzad/dziennik?strona=999').expect(200)).text).to.contain('Na tej stronie nie ma wpisów.');
    });

    it('is refused to HR and learners, and not in their header', async () => {
      for (const agent of [hrA, anna.agent]) {
        await agent.get('/urzad/dziennik').expect(403);
        expect((await agent.get('/moje-szkolenia').expect(200)).text).to.not.contain('href="/urzad/dziennik"');
      }
    });
  });
});
