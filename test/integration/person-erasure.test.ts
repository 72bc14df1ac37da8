// Issue 14, parts 3 and 4: a person asks for erasure, the office admin orders it, the job carries it out; the
// retention job: see retention.test.ts.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Types } from 'mongoose';
import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import { MovableClock } from '../../src/calendar/clock.js';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { CertificateFile } from '../../src/certificates/certificate-file.model.js';
import { Enrolment } from '../../src/learning/enrolment.model.js';
import { MailMessage } from '../../src/mail/mail-message.model.js';
import { ErasureRequest, PersonErasure } from '../../src/privacy/person-erasure.model.js';
import { runPendingErasures } from '../../src/privacy/person-erasure.service.js';
import { runRetention } from '../../src/privacy/retention.js';
import { XapiDocument } from '../../src/xapi/document.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { enrolAndCompleteSteps, exampleCourse } from '../helpers/completion.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, loginAgent, submitForm, type Agent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { statementsAnywhere } from '../helpers/statements.js';
import { ScormAttempt } from '../../src/scorm/scorm-attempt.model.js';
import { Cmi5Session } from '../../src/cmi5/cmi5-session.model.js';
import { Cmi5AuState } from '../../src/cmi5/cmi5-au-state.model.js';

const OFFICE_PAGE = '/urzad/usuwanie-danych';

/** Every stored statement's JSON that mentions `text` (a learner id, an e-mail). */
async function statementsMentioning(text: string): Promise<number> {
  return (await statementsAnywhere()).filter((record) => String(record.json).includes(text)).length;
}

describe('privacy/person-erasure and privacy/retention', function () {
  this.timeout(180_000);
  useTestDatabase(import.meta.url);
  const clock = new MovableClock();
  let server: TestServer;
  let office: OrganisationDoc;
  let anna: UserDoc;
  let annaAgent: Agent;
  let bartosz: UserDoc;
  let hr: Agent;
  let admin: Agent;
  let adminOfOther: Agent;
  let annaCode: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { clock });
    office = await buildOrganisation();
    const other = await buildOrganisation();
    const annaBuilt = await buildLearner({ organisation: office, overrides: { fullName: 'Anna Usuwana' } });
    const bartoszBuilt = await buildLearner({ organisation: office, overrides: { fullName: 'Bartosz Zostaje' } });
    const hrBuilt = await buildLearner({ organisation: office, overrides: { fullName: 'Halina Kadrowa', roles: ['hr', 'learner'] } });
    const adminBuilt = await buildLearner({ organisation: office, overrides: { fullName: 'Adam Admin', roles: ['admin', 'learner'] } });
    const otherAdmin = await buildLearner({ organisation: other, overrides: { roles: ['admin', 'learner'] } });
    anna = annaBuilt.user;
    bartosz = bartoszBuilt.user;
    annaAgent = await loginAgent(server.url, anna.email, annaBuilt.password);
    const bartoszAgent = await loginAgent(server.url, bartosz.email, bartoszBuilt.password);
    hr = await loginAgent(server.url, hrBuilt.user.email, hrBuilt.password);
    admin = await loginAgent(server.url, adminBuilt.user.email, adminBuilt.password);
    adminOfOther = await loginAgent(server.url, otherAdmin.user.email, otherAdmin.password);
    const course = await exampleCourse();
    await enrolAndCompleteSteps(annaAgent, course);
    await enrolAndCompleteSteps(bartoszAgent, course);
    annaCode = (await buildCertificate(server.platform, anna)).code;
    // An LRS document about Anna, as an LRS client's content would keep it.
    await XapiDocument.create({
      _id: `state-anna-${anna._id.toHexString()}`,
      organisationId: office._id,
      kind: 'state',
      activityId: 'https://example.test/activity',
      agentKey: `account|${server.platform.vocabulary.baseUrl}|${anna.learnerId}`,
      documentId: 'bookmark',
      content: Buffer.from('{"page":3}'),
      contentType: 'application/json',
      etag: '"x"',
      updated: new Date(),
    });
    await server.platform.mailer.enqueue({ to: anna.email, subject: 'Przypomnienie', text: 'Szkolenie czeka.' });
    // What SCORM and cmi5 courses keep, for Anna and (untouched by her erasure) for Bartosz: the CMI names the person.
    for (const person of [anna, bartosz]) {
      const enrolmentId = new Types.ObjectId();
      await ScormAttempt.create({
        _id: `${enrolmentId.toHexString()}:sco-1`,
        organisationId: office._id,
        enrolmentId,
        userId: person._id,
        courseId: 'pakiet-scorm',
        scoId: 'sco-1',
        cmi: JSON.stringify({ 'cmi.core.student_name': person.fullName, 'cmi.suspend_data': 'strona=3' }),
        status: 'incomplete',
        updatedAt: new Date(),
      });
      await Cmi5Session.create({
        _id: randomUUID(),
        organisationId: office._id,
        enrolmentId,
        userId: person._id,
        learnerId: person.learnerId,
        courseId: 'pakiet-cmi5',
        courseVersion: '1.0.1',
        auId: 'au-1',
        auIri: 'https://example.test/au/1',
        registration: randomUUID(),
        moveOn: 'Completed',
        launchMode: 'Normal',
        fetchHash: 'x'.repeat(64),
        state: 'initialized',
        launchedAt: new Date(),
        lastActivityAt: new Date(),
      });
      await Cmi5AuState.create({ _id: `${enrolmentId.toHexString()}:au-1`, organisationId: office._id, enrolmentId, courseId: 'pakiet-cmi5', auId: 'au-1', updatedAt: new Date() });
    }
  });
  after(() => server.close());

  it('records the person’s own request once and shows it to the office admin, not to HR or another office', async () => {
    const sent = await submitForm(annaAgent, '/konto/usuniecie-danych', '/konto/usuniecie-danych', { note: 'Odchodzę z pracy.' }, 303);
    expect(sent.headers.location).to.equal('/konto/usuniecie-danych');
    // F5 after the redirect re-sends nothing: the page says the request waits, with no form.
    const page = await annaAgent.get('/konto/usuniecie-danych').expect(200);
    expect(page.text).to.include('czeka na decyzję');
    expect(page.text).to.not.include('name="note"');
    expect(await ErasureRequest.countDocuments({ organisationId: office._id })).to.equal(1);

    const list = await admin.get(OFFICE_PAGE).expect(200);
    expect(list.text).to.include('Anna Usuwana').and.include('Odchodzę z pracy.');
    await hr.get(OFFICE_PAGE).expect(403);
    await adminOfOther.get(`${OFFICE_PAGE}/${anna._id.toHexString()}`).expect(404);
  });

  it('refuses an order without a reason or the confirmation, with field messages, and changes nothing', async () => {
    const refused = await submitForm(admin, `${OFFICE_PAGE}/${anna._id.toHexString()}`, `${OFFICE_PAGE}/${anna._id.toHexString()}`, { reason: '' }, 400);
    expect(refused.text).to.include('Podaj powód usunięcia').and.include('Zaznacz, że rozumiesz');
    expect(await PersonErasure.countDocuments({ organisationId: office._id })).to.equal(0);
    expect((await User.findById(anna._id).lean())?.status).to.equal('active');
  });

  it('erases the person: account, learning and LRS documents gone, statements pseudonymised, HR matrix without them, trail relabelled', async () => {
    const statementsBefore = (await statementsAnywhere()).length;
    expect(await statementsMentioning(anna.learnerId)).to.be.greaterThan(0);
    const ordered = await submitForm(
      admin,
      `${OFFICE_PAGE}/${anna._id.toHexString()}`,
      `${OFFICE_PAGE}/${anna._id.toHexString()}`,
      { reason: 'Prośba osoby z 3.12.2026', confirm: 'tak' },
      303,
    );
    expect(ordered.headers.location).to.equal(OFFICE_PAGE);
    // From the order on she cannot go on: her session no longer lets her in.
    const after = await annaAgent.get('/konto');
    expect(after.status).to.equal(302);

    // The job's work (the server's job runs it every 15 s; the test calls it, the lease keeps them apart).
    await runPendingErasures(server.platform);
    for (let wait = 0; wait < 50 && !(await PersonErasure.findById(anna._id.toHexString()).lean())?.finishedAt; wait++) await new Promise((r) => setTimeout(r, 200));
    const erasure = (await PersonErasure.findById(anna._id.toHexString()).lean())!;
    expect(erasure.finishedAt, JSON.stringify(erasure)).to.be.instanceOf(Date);
    expect(erasure.pseudonymName, 'the pseudonym is forgotten once done').to.equal(undefined);

    expect(await User.exists({ _id: anna._id })).to.equal(null);
    expect(await Enrolment.countDocuments({ organisationId: office._id, userId: anna._id })).to.equal(0);
    expect(await XapiDocument.countDocuments({ organisationId: office._id, agentKey: new RegExp(anna.learnerId) })).to.equal(0);
    expect(await MailMessage.countDocuments({ to: anna.email })).to.equal(0);
    expect(await ScormAttempt.countDocuments({ organisationId: office._id, userId: anna._id })).to.equal(0);
    expect(await Cmi5Session.countDocuments({ organisationId: office._id, userId: anna._id })).to.equal(0);
    expect(await ScormAttempt.countDocuments({ organisationId: office._id, userId: bartosz._id })).to.equal(1);
    expect(await Cmi5Session.countDocuments({ organisationId: office._id, userId: bartosz._id })).to.equal(1);
    expect(await Cmi5AuState.countDocuments({ organisationId: office._id })).to.equal(1);

    // Statements: as many as before, none naming her, hers now all under one pseudonym; Bartosz's untouched.
    const statements = await statementsAnywhere();
    expect(statements.length).to.equal(statementsBefore);
    expect(await statementsMentioning(anna.learnerId)).to.equal(0);
    expect(await statementsMentioning(anna.email)).to.equal(0);
    const pseudonymous = statements.map((record) => JSON.parse(String(record.json))).filter((statement) => statement.actor.account?.homePage?.endsWith('/xapi/pseudonyms'));
    expect(pseudonymous.length).to.be.greaterThan(0);
    expect(new Set(pseudonymous.map((statement) => statement.actor.account.name)).size).to.equal(1);
    expect(await statementsMentioning(bartosz.learnerId)).to.be.greaterThan(0);
    // The LRS still answers them as valid statements, by id.
    const sample = pseudonymous[0] as { id: string };
    expect(sample.id).to.match(/^[0-9a-f-]{36}$/);

    const matrix = await hr.get('/kadry').expect(200);
    expect(matrix.text).to.include('Bartosz Zostaje').and.not.include('Anna Usuwana');
    const trail = await AuditEntry.find({ organisationId: office._id, 'subject.id': anna._id.toHexString() }).lean();
    expect(trail.map((entry) => entry.action)).to.include.members(['person.erasureRequested', 'person.erasureOrdered', 'person.erased']);
    expect(JSON.stringify(trail)).to.not.include('Anna Usuwana');
    expect(await ErasureRequest.findById(anna._id.toHexString()).lean())
      .to.include({ status: 'erased' })
      .and.not.have.property('note');

    // The trail page names her "Osoba usunięta", with no link to a person page that no longer exists.
    const trailPage = await admin.get('/urzad/dziennik').expect(200);
    expect(trailPage.text).to.include('Osoba usunięta').and.not.include(`/kadry/osoby/${anna._id.toHexString()}`);
    const list = await admin.get(OFFICE_PAGE).expect(200);
    expect(list.text).to.include('Zakończono').and.include('Prośba osoby z 3.12.2026').and.not.include('Anna Usuwana');
  });

  it('keeps her certificate verifiable for the office’s period, then the retention job withdraws it: the page says only that it existed', async () => {
    const verified = await request(server.url).get(`/weryfikacja/${annaCode}`).expect(200);
    expect(verified.text).to.include('Anna Usuwana');
    // Eleven years on (the default period is ten), the day's retention run withdraws it.
    clock.advance({ months: 12 * 11 });
    const run = await runRetention(server.platform);
    expect(run?.counts.certificates).to.equal(1);
    const gone = await request(server.url).get(`/weryfikacja/${annaCode}`).expect(410);
    expect(gone.text).to.include('nie jest już przechowywane').and.not.include('Anna Usuwana');
    expect(await Certificate.countDocuments({ organisationId: office._id, userId: anna._id })).to.equal(0);
    expect(await CertificateFile.countDocuments({ organisationId: office._id })).to.equal(0);
  });
});
