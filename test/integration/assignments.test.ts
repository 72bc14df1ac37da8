// Assignments end to end: a department assigned RODO every 12 months, a joiner, a withdrawal, the yearly reopening,
// escalating reminders with HR's copy, the weekly cap, two instances, and an SMTP outage — on a clock the test moves.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { toSessionUser } from '../../src/auth/session-user.js';
import { invitePerson } from '../../src/auth/invitation.service.js';
import { changePersonDetails } from '../../src/people/people.service.js';
import type { UserDoc } from '../../src/auth/user.model.js';
import { addDays, endOfWarsawDay, formatDate } from '../../src/calendar/calendar.js';
import { MovableClock } from '../../src/calendar/clock.js';
import { issueCertificate } from '../../src/certificates/certificate-issue.service.js';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { createMailTransport, deliverDueMail } from '../../src/mail/mail-sender.js';
import { MailMessage } from '../../src/mail/mail-message.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { createLogger } from '../../src/logger.js';
import { assignmentMembersOf, memberId, type AssignmentMemberDoc } from '../../src/assignments/assignment.model.js';
import { createAssignment, dueAfter } from '../../src/assignments/assignment.service.js';
import { runAssignmentJobs } from '../../src/assignments/assignments.jobs.js';
import { AssignBody } from '../../src/assignments/assignments.schemas.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { mailsTo } from '../helpers/mail.js';
import { buildTestPlatform, startTestServer, type TestServer } from '../helpers/server.js';
import { closedPort, startFakeSmtp } from '../helpers/smtp.js';

const RODO = 'rodo-w-urzedzie'; // validityMonths: 12
const PZP = 'zamowienia-publiczne-w-jst';

/** Noon (Warsaw, roughly) `days` after the due day: due dates are the last millisecond of their day. */
const aroundDue = (dueDate: Date, days: number) => new Date(addDays(dueDate, days).getTime() - 12 * 3_600_000);

describe('assignments (assign, standing, withdraw, recurrence, escalating reminders)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  const clock = new MovableClock();
  let server: TestServer;
  let office: OrganisationDoc;
  let organisational: string;
  let finance: string;
  let anna: UserDoc;
  let bartek: UserDoc;
  let hr: UserDoc;
  let hrAgent: Awaited<ReturnType<typeof loginAgent>>;

  before(async () => {
    server = await startTestServer({ BASE_URL: 'https://akademia.test' }, { clock });
    office = await buildOrganisation({ name: 'Urząd Gminy Przydziałowo' });
    [organisational, finance] = office.departments.map((d) => String(d._id));
    const inOffice = (fullName: string, departmentId: string) =>
      buildLearner({ organisation: office, overrides: { fullName, departmentId: new Types.ObjectId(departmentId) } }).then((b) => b.user);
    anna = await inOffice('Anna Łęcka', organisational);
    bartek = await inOffice('Bartosz Żmuda', organisational);
    await inOffice('Celina Ślusarczyk', finance);
    const built = await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa' } });
    hr = built.user;
    hrAgent = await loginAgent(server.url, hr.email, built.password);
  });
  after(async () => server.close());

  const enrolmentOf = (user: UserDoc, courseId: string) => Enrolment.findOne({ organisationId: office._id, userId: user._id, courseId }).lean<EnrolmentDoc>();

  it('the extended form refuses bad choices with field messages and writes nothing', async () => {
    const form = await hrAgent.get('/kadry/przypisz').expect(200);
    expect(form.text).to.contain('Powtarzaj co (miesięcy)');
    const csrf = csrfTokenFrom(form.text);
    const bad = await hrAgent
      .post('/kadry/przypisz')
      .type('form')
      .send({ _csrf: csrf, courseId: RODO, target: 'department', recurrenceMonths: '1000', daysToComplete: 'dużo', dueDate: '2020-01-01' })
      .expect(400);
    expect(bad.text).to.contain('Wybierz referat.');
    expect(bad.text).to.contain('Podaj liczbę miesięcy od 1 do 120');
    expect(bad.text).to.contain('Podaj liczbę dni od 1 do 365');
    expect(bad.text).to.contain('Termin nie może być w przeszłości.');
    expect(bad.text).to.match(/id="recurrenceMonths"[^>]*value="1000"/);
    expect(await Enrolment.countDocuments({ organisationId: office._id })).to.equal(0);
  });

  it('assigns RODO every 12 months to a department: enrolled with due today + 30 days, e-mailed, listed', async () => {
    const form = await hrAgent.get('/kadry/przypisz').expect(200);
    const res = await hrAgent
      .post('/kadry/przypisz')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), courseId: RODO, target: 'department', departmentId: organisational, kind: 'mandatory', recurrenceMonths: '12' })
      .expect(303);
    expect(res.headers.location).to.equal('/kadry/przydzialy');
    const due = dueAfter(clock.now(), 30);
    for (const person of [anna, bartek]) {
      expect((await enrolmentOf(person, RODO))?.dueDate?.getTime(), person.fullName).to.equal(due.getTime());
      const mails = await mailsTo(person.email);
      expect(mails).to.have.length(1);
      expect(mails[0].subject).to.equal(`Szkolenie do ukończenia do ${formatDate(due)}: RODO w urzędzie`);
    }
    const list = await hrAgent.get('/kadry/przydzialy').expect(200);
    expect(list.text).to.contain('Przypisano szkolenie „RODO w urzędzie” 2 osobom (nowe zapisy: 2)');
    expect(list.text).to.contain('referat: Referat Organizacyjny');
    expect(list.text).to.contain('co 12 miesięcy');
    expect(list.text).to.contain('obowiązkowe');
    expect(list.text).to.match(/<td>2<\/td>/);
    expect(await AuditEntry.countDocuments({ organisationId: office._id, action: 'assignment.created' })).to.equal(1);
  });

  it('a new joiner of the department gets the standing assignment (person.changed), one of another department does not', async () => {
    const actor = { id: hr._id.toHexString(), fullName: hr.fullName };
    const invite = (email: string, departmentId: string) =>
      invitePerson(server.platform, { organisationId: String(office._id), organisationName: office.name, email, fullName: 'Nowa Osoba', roles: ['learner'], departmentId }, actor);
    const joiner = await invite('nowa.osoba@example.test', organisational);
    const other = await invite('inna.osoba@example.test', finance);
    if (!joiner.invited || !other.invited) throw new Error('not invited');
    const enrolment = await Enrolment.findOne({ organisationId: office._id, userId: new Types.ObjectId(joiner.userId), courseId: RODO }).lean<EnrolmentDoc>();
    expect(enrolment?.dueDate?.getTime()).to.equal(dueAfter(clock.now(), 30).getTime());
    expect((await mailsTo('nowa.osoba@example.test')).map((m) => m.subject)).to.include(`Szkolenie do ukończenia do ${formatDate(dueAfter(clock.now(), 30))}: RODO w urzędzie`);
    expect(await Enrolment.countDocuments({ organisationId: office._id, userId: new Types.ObjectId(other.userId) })).to.equal(0);
    // Someone moved into the department by HR (person.changed, moved) gets it too, once.
    const mover = (await buildLearner({ organisation: office, overrides: { fullName: 'Marek Przeniesiony', departmentId: new Types.ObjectId(finance) } })).user;
    await changePersonDetails(server.platform, toSessionUser(hr), mover._id.toHexString(), { departmentId: organisational, reason: 'Nowe stanowisko' });
    expect((await enrolmentOf(mover, RODO))?.dueDate?.getTime()).to.equal(dueAfter(clock.now(), 30).getTime());
    const list = await hrAgent.get('/kadry/przydzialy').expect(200);
    expect(list.text).to.match(/<td>4<\/td>/);
  });

  it('withdraws an assignment after a confirmation: due dates of unfinished enrolments removed, history and audit kept', async () => {
    const actor = toSessionUser(hr);
    const body = AssignBody.parse({ courseId: PZP, target: 'people', userIds: [anna._id.toHexString(), bartek._id.toHexString()] });
    const { assignmentId } = await createAssignment(server.platform, { actor, body });
    // Bartek completes PZP: his record keeps its due date.
    const bartekPzp = (await enrolmentOf(bartek, PZP))!;
    await LearningProgress.updateOne(
      { _id: bartekPzp._id, organisationId: office._id },
      { $set: { status: 'completed', statusRank: 4, completedAt: clock.now(), passedAt: clock.now() } },
    );

    const confirm = await hrAgent.get(`/kadry/przydzialy/${assignmentId}/wycofaj`).expect(200);
    expect(confirm.text).to.contain('Wycofujesz przydział szkolenia „Zamówienia publiczne w JST”');
    await hrAgent
      .post(`/kadry/przydzialy/${assignmentId}/wycofaj`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(confirm.text) })
      .expect(303);
    const list = await hrAgent.get('/kadry/przydzialy').expect(200);
    expect(list.text).to.contain('Termin usunięto 1 osobie.');
    expect(list.text).to.contain(`wycofano ${formatDate(clock.now())}`);
    expect((await enrolmentOf(anna, PZP))?.dueDate).to.equal(undefined);
    expect((await enrolmentOf(bartek, PZP))?.dueDate).to.be.instanceOf(Date);
    const members = await assignmentMembersOf(office._id);
    const record = await members.findById(memberId(assignmentId, anna._id)).lean<AssignmentMemberDoc>();
    expect(record?.withdrawnAt).to.be.instanceOf(Date);
    expect(await AuditEntry.countDocuments({ organisationId: office._id, action: 'assignment.withdrawn' })).to.equal(1);
    // Another office's HR finds no such assignment.
    const stranger = await buildLearner({ overrides: { roles: ['hr'] } });
    const strangerAgent = await loginAgent(server.url, stranger.user.email, stranger.password);
    await strangerAgent.get(`/kadry/przydzialy/${assignmentId}/wycofaj`).expect(404);
  });

  it('a year later the assignment reopens with a new due date, the earlier cycle kept in the history', async () => {
    const enrolment = (await enrolmentOf(anna, RODO))!;
    const completedAt = clock.now();
    await LearningProgress.updateOne({ _id: enrolment._id, organisationId: office._id }, { $set: { status: 'completed', statusRank: 4, completedAt, passedAt: completedAt } });
    const certificate = await issueCertificate(server.platform, {
      userId: anna._id.toHexString(),
      organisationId: String(office._id),
      courseId: RODO,
      enrolmentId: String(enrolment._id),
      registration: enrolment.registration,
      scorePercent: 100,
      completedAt,
    });
    // Eleven months on nothing reopens yet (the validity ends in a month, more than daysToComplete away).
    clock.advance({ months: 10 });
    expect((await runAssignmentJobs(server.platform)).reopened).to.equal(0);
    clock.advance({ months: 2 });
    const run = await runAssignmentJobs(server.platform);
    expect(run.reopened).to.equal(1);
    const due = dueAfter(clock.now(), 30);
    expect((await enrolmentOf(anna, RODO))?.dueDate?.getTime()).to.equal(due.getTime());
    const members = await assignmentMembersOf(office._id);
    const [record] = await members.find({ organisationId: office._id, userId: anna._id, courseId: RODO }).lean<AssignmentMemberDoc[]>();
    expect(record.cycles).to.have.length(1);
    expect(record.cycles[0].completedAt?.getTime()).to.equal(completedAt.getTime());
    expect(record.cycles[0].certificateCode).to.equal(certificate.code);
    expect(record.dueDate?.getTime()).to.equal(due.getTime());
    expect((await mailsTo(anna.email)).map((m) => m.subject)).to.include(`Czas odnowić szkolenie „RODO w urzędzie” – termin ${formatDate(due)}`);
    // Run again (another instance, a restart): nothing reopens twice.
    expect((await runAssignmentJobs(server.platform)).reopened).to.equal(0);
  });

  it('reminders go out in order: 7 days before, on the day, weekly overdue; HR gets a copy at 7 days overdue and a digest', async () => {
    const shop = await buildOrganisation({ name: 'Urząd Gminy Przypominajowo' });
    const learner = (await buildLearner({ organisation: shop, overrides: { fullName: 'Ewa Terminowa' } })).user;
    const shopHr = (await buildLearner({ organisation: shop, overrides: { roles: ['hr'], fullName: 'Kazimierz Kadrowy' } })).user;
    const body = AssignBody.parse({ courseId: PZP, target: 'office', daysToComplete: '20' });
    await createAssignment(server.platform, { actor: toSessionUser(shopHr), body });
    const dueDate = (await Enrolment.findOne({ organisationId: shop._id, userId: learner._id }).lean<EnrolmentDoc>())!.dueDate!;
    const subjects = async () => (await mailsTo(learner.email)).map((m) => m.subject).slice(1);
    const hrSubjects = async () => (await mailsTo(shopHr.email)).map((m) => m.subject).filter((s) => !s.startsWith('Szkolenie do ukończenia'));
    const runAt = async (days: number) => {
      clock.set(aroundDue(dueDate, days));
      await runAssignmentJobs(server.platform);
    };
    const date = formatDate(dueDate);

    await runAt(-8);
    expect(await subjects()).to.deep.equal([]);
    await runAt(-7);
    await runAt(-7);
    await runAt(-3);
    expect(await subjects()).to.deep.equal([`Przypomnienie: „Zamówienia publiczne w JST” – termin ${date}`]);
    await runAt(0);
    await runAt(3);
    expect((await subjects()).at(-1)).to.equal('Dziś mija termin szkolenia „Zamówienia publiczne w JST”');
    expect(await subjects()).to.have.length(2);
    expect(await hrSubjects()).to.not.include(`Po terminie: Ewa Terminowa – „Zamówienia publiczne w JST”`);
    await runAt(7);
    await runAt(8);
    expect(await subjects()).to.have.length(3);
    const overdue = (await mailsTo(learner.email)).at(-1)!;
    expect(overdue.subject).to.equal(`Minął termin szkolenia „Zamówienia publiczne w JST” (${date})`);
    expect(overdue.text).to.contain('Stan: po terminie.');
    expect((await hrSubjects()).filter((s) => s.startsWith('Po terminie'))).to.deep.equal(['Po terminie: Ewa Terminowa – „Zamówienia publiczne w JST”']);
    await runAt(14);
    expect(await subjects()).to.have.length(4);
    // The copy to HR goes once (the weekly digest lists the overdue after that).
    expect((await hrSubjects()).filter((s) => s.startsWith('Po terminie'))).to.have.length(1);
    const digests = (await mailsTo(shopHr.email)).filter((m) => m.subject.startsWith('Tygodniowe zestawienie szkoleń'));
    expect(digests.length).to.be.at.least(2);
    // The office assignment covers HR too: both are overdue.
    expect(digests.at(-1)!.text).to.contain('Po terminie (2):');
    expect(digests.at(-1)!.text).to.contain('- Ewa Terminowa: Zamówienia publiczne w JST');
  });

  it('at most one reminder per person and course a week: the due-day notice of the same week waits for the next', async () => {
    const shop = await buildOrganisation({ name: 'Urząd Gminy Tygodniowo' });
    const learner = (await buildLearner({ organisation: shop })).user;
    const shopHr = (await buildLearner({ organisation: shop, overrides: { roles: ['hr'] } })).user;
    // Monday 1 March 2027, noon in Warsaw; due Wednesday 3 March.
    clock.set(new Date('2027-03-01T11:00:00Z'));
    await createAssignment(server.platform, {
      actor: toSessionUser(shopHr),
      body: AssignBody.parse({ courseId: PZP, target: 'people', userIds: [learner._id.toHexString()], daysToComplete: '2' }),
    });
    const reminders = async () => (await mailsTo(learner.email)).slice(1).map((m) => m.subject);
    await runAssignmentJobs(server.platform);
    expect(await reminders()).to.have.length(1);
    clock.set(new Date('2027-03-03T11:00:00Z'));
    const capped = await runAssignmentJobs(server.platform);
    expect(capped.skipped).to.be.at.least(1);
    expect(await reminders()).to.have.length(1);
    // Monday of the next week: the due-day notice goes out late, once.
    clock.set(new Date('2027-03-08T11:00:00Z'));
    await runAssignmentJobs(server.platform);
    await runAssignmentJobs(server.platform);
    expect(await reminders()).to.deep.equal([
      `Przypomnienie: „Zamówienia publiczne w JST” – termin ${formatDate(endOfWarsawDay('2027-03-03'))}`,
      'Dziś mija termin szkolenia „Zamówienia publiczne w JST”',
    ]);
  });

  it('two instances running the job at once send one reminder per person', async () => {
    const shop = await buildOrganisation({ name: 'Urząd Gminy Dwójkowo' });
    const people = await Promise.all([1, 2, 3].map(() => buildLearner({ organisation: shop }).then((b) => b.user)));
    const shopHr = (await buildLearner({ organisation: shop, overrides: { roles: ['hr'] } })).user;
    clock.set(new Date('2027-06-07T10:00:00Z'));
    await createAssignment(server.platform, { actor: toSessionUser(shopHr), body: AssignBody.parse({ courseId: PZP, target: 'office', daysToComplete: '5' }) });
    const second = await buildTestPlatform({ env: { BASE_URL: 'https://akademia.test' }, clock });
    await Promise.all([runAssignmentJobs(server.platform), runAssignmentJobs(second)]);
    for (const person of people) expect((await mailsTo(person.email)).map((m) => m.subject.slice(0, 13))).to.deep.equal(['Szkolenie do ', 'Przypomnienie']);
  });

  it('a dead SMTP server loses no reminder: the queue delivers it when the server is back', async () => {
    await MailMessage.deleteMany({ status: 'queued' });
    const shop = await buildOrganisation({ name: 'Urząd Gminy Awaryjnie' });
    const learner = (await buildLearner({ organisation: shop })).user;
    const shopHr = (await buildLearner({ organisation: shop, overrides: { roles: ['hr'] } })).user;
    clock.set(new Date('2027-09-06T10:00:00Z'));
    await createAssignment(server.platform, {
      actor: toSessionUser(shopHr),
      body: AssignBody.parse({ courseId: PZP, target: 'people', userIds: [learner._id.toHexString()], daysToComplete: '3' }),
    });
    await runAssignmentJobs(server.platform);
    const port = await closedPort();
    const logger = createLogger('silent');
    const deps = { transport: createMailTransport(`smtp://127.0.0.1:${port}`, 2_000), from: 'Akademia JST <no-reply@akademia-jst.local>', logger };
    const outage = await deliverDueMail(deps);
    expect(outage.sent).to.equal(0);
    expect(outage.retrying).to.be.at.least(2);
    const smtp = await startFakeSmtp({ port });
    try {
      await deliverDueMail(deps, new Date(Date.now() + 10 * 60_000));
      const toLearner = smtp.received.filter((m) => m.to.includes(learner.email.toLowerCase()));
      expect(toLearner).to.have.length(2);
      expect(toLearner.map((m) => m.data).join('\n')).to.match(/Subject: =\?UTF-8\?|Subject: Przypomnienie/);
    } finally {
      await smtp.close();
    }
  });
});
