// A version published as "zmiana stanu prawnego": older certificates marked, each holder mailed once, HR's views and
// the learner's pages show who must re-certify; a run failing half-way is finished by the next without duplicates.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { toSessionUser } from '../../src/auth/session-user.js';
import type { UserDoc } from '../../src/auth/user.model.js';
import { revokeCertificate } from '../../src/certificates/certificate-admin.service.js';
import { issueCertificate } from '../../src/certificates/certificate-issue.service.js';
import { runPendingRecertifications, runRecertification, type RecertificationDeps } from '../../src/certificates/certificate-recertification.js';
import { statusOf } from '../../src/certificates/certificate-rules.js';
import { Certificate, type CertificateDoc } from '../../src/certificates/certificate.model.js';
import { RecertificationRun, type RecertificationRunDoc } from '../../src/certificates/recertification-run.model.js';
import { loadCourse } from '../../src/courses/course.loader.js';
import type { Course } from '../../src/courses/course.types.js';
import { enrolLearner } from '../../src/learning/enrolment.service.js';
import { MailMessage, type MailMessageDoc } from '../../src/mail/mail-message.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import type { Platform } from '../../src/platform.js';
import { completionMatrix, dueList } from '../../src/reports/completion-matrix.service.js';
import { statusWord } from '../../src/reports/reports.presenter.js';
import { translatorFor } from '../../src/http/i18n.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const COURSE_ID = 'przyklad-kurs';
const NOTE_11 = 'Nowelizacja ustawy z 2026 r.: nowe terminy na odpowiedź na wniosek.';
const NOTE_12 = 'Kolejna nowelizacja: zmienione progi kwotowe.';

function learnerOf(user: UserDoc) {
  return { id: user._id.toHexString(), organisationId: user.organisationId.toHexString(), learnerId: user.learnerId, fullName: user.fullName };
}

/** The example course copied to `root` with another version number, loaded as the catalogue serves a publication. */
async function courseInVersion(root: string, version: string): Promise<Course> {
  const folder = path.join(root, version, COURSE_ID);
  await cp(path.resolve('test/fixtures/courses', COURSE_ID), folder, { recursive: true });
  const manifest = path.join(folder, 'course.yaml');
  await writeFile(manifest, (await readFile(manifest, 'utf8')).replace(/^version: .*$/m, `version: ${version}`));
  const loaded = await loadCourse(folder);
  if (!loaded.ok) throw new Error(`fixture course ${version} does not load`);
  return loaded.course;
}

/** Enrols `user` on the course's newest served version and issues the certificate of that version. */
async function certify(platform: Platform, user: UserDoc): Promise<CertificateDoc> {
  const course = platform.catalogue.require(COURSE_ID);
  const { enrolment } = await enrolLearner(platform, { learner: learnerOf(user), course });
  const { id } = await issueCertificate(platform, {
    userId: user._id.toHexString(),
    organisationId: user.organisationId.toHexString(),
    courseId: COURSE_ID,
    courseVersion: enrolment.courseVersion,
    enrolmentId: enrolment._id.toHexString(),
    registration: enrolment.registration,
    scorePercent: 90,
    completedAt: new Date(),
  });
  return (await Certificate.findById(id).lean<CertificateDoc>())!;
}

async function certificateOf(id: CertificateDoc['_id']): Promise<CertificateDoc> {
  return (await Certificate.findById(id).lean<CertificateDoc>())!;
}

/** The re-certification mails a person got about `version` (their text names it). */
async function lawMails(user: UserDoc, version: string): Promise<MailMessageDoc[]> {
  const mails = await MailMessage.find({ to: user.email.toLowerCase() }).lean<MailMessageDoc[]>();
  return mails.filter((mail) => mail.subject.startsWith('Zmiana stanu prawnego') && mail.text.includes(`(wersja ${version})`));
}

function publish(platform: Platform, version: string, changeNote: string, association: OrganisationDoc) {
  return platform.events.emit('course.published', { courseId: COURSE_ID, version, organisationId: association._id.toHexString(), legalChange: true, changeNote });
}

describe('certificates/certificate-recertification', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let root: string;
  let association: OrganisationDoc;
  let office: OrganisationDoc;
  let anna: UserDoc;
  let bartek: UserDoc;
  let celina: UserDoc;
  let dorota: UserDoc;
  let ewa: UserDoc;
  let annaPassword: string;
  let hrAgent: Awaited<ReturnType<typeof loginAgent>>;
  const certificates: Record<string, CertificateDoc> = {};

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ajst-recertification-'));
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', DATA_DIR: path.join(root, 'data'), BASE_URL: 'https://akademia.test' });
    const { platform } = server;
    association = await buildOrganisation({ name: 'Związek Gmin Testowych', kind: 'association', departments: undefined });
    office = await buildOrganisation({ name: 'Urząd Gminy Prawowo', memberOf: [association._id] });
    const otherOffice = await buildOrganisation({ name: 'Urząd Gminy Drugie', memberOf: [association._id] });
    const inOffice = (fullName: string, organisation = office) => buildLearner({ organisation, overrides: { fullName } });
    const annaBuilt = await inOffice('Anna Łęcka');
    anna = annaBuilt.user;
    annaPassword = annaBuilt.password;
    bartek = (await inOffice('Bartosz Żmuda')).user;
    celina = (await inOffice('Celina Ślusarczyk')).user;
    dorota = (await inOffice('Dorota Źrebiec')).user;
    ewa = (await inOffice('Ewa Drugowska', otherOffice)).user;
    const hr = await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa' } });
    hrAgent = await loginAgent(server.url, hr.user.email, hr.password);

    // Version 1.0.0: Anna, Bartek, Celina (revoked by HR) and Ewa of another office hold its certificates.
    for (const [name, user] of Object.entries({ anna, bartek, celina, ewa })) certificates[name] = await certify(platform, user);
    await revokeCertificate(platform, { actor: toSessionUser(hr.user), certificateId: certificates.celina._id.toHexString(), reason: 'Pomyłka' });
    // Version 1.1.0 is served (as publishing adds it); Dorota enrols now and is certified on it.
    platform.catalogue.add(await courseInVersion(root, '1.1.0'));
    certificates.dorota = await certify(platform, dorota);
    expect(certificates.dorota.courseVersion).to.equal('1.1.0');
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('records one run per published version, however often it is announced; the publish request does no more', async () => {
    await publish(server.platform, '1.1.0', NOTE_11, association);
    await publish(server.platform, '1.1.0', NOTE_11, association);
    // Not a legal change: nothing recorded.
    await server.platform.events.emit('course.published', { courseId: COURSE_ID, version: '1.0.1', organisationId: association._id.toHexString(), legalChange: false });
    const runs = await RecertificationRun.find({}).setOptions({ acrossOrganisations: true }).lean<RecertificationRunDoc[]>();
    expect(runs.map((run) => run._id)).to.deep.equal([`${COURSE_ID}@1.1.0`]);
    expect(runs[0]).to.include({ note: NOTE_11 });
    expect(runs[0].doneAt).to.equal(undefined);
    // The listener only records: no certificate is marked until the job runs.
    expect((await certificateOf(certificates.anna._id)).recertification).to.equal(undefined);
  });

  it('marks every valid older certificate (in every office), leaves revoked and current ones alone, and mails each holder once', async () => {
    // Two instances running the job at once, then a third run: the claims let each mail go once.
    const [first, second] = await Promise.all([runPendingRecertifications(server.platform), runPendingRecertifications(server.platform)]);
    const third = await runPendingRecertifications(server.platform);
    expect(first.mailed + second.mailed + third.mailed).to.equal(3);
    expect(first.failures + second.failures + third.failures).to.equal(0);

    for (const name of ['anna', 'bartek', 'ewa']) {
      const marked = await certificateOf(certificates[name]._id);
      expect(marked.recertification, name).to.deep.include({ byVersion: '1.1.0', note: NOTE_11 });
      expect(marked.recertification!.requiredSince).to.be.instanceOf(Date);
      // Still valid: proof of the training done.
      expect(marked.state).to.equal('issued');
      expect(statusOf(marked)).to.equal('valid');
    }
    const revoked = await certificateOf(certificates.celina._id);
    expect(revoked.state).to.equal('revoked');
    expect(revoked.recertification).to.equal(undefined);
    expect((await certificateOf(certificates.dorota._id)).recertification).to.equal(undefined);

    for (const user of [anna, bartek, ewa]) expect(await lawMails(user, '1.1.0'), user.fullName).to.have.length(1);
    for (const user of [celina, dorota]) expect(await lawMails(user, '1.1.0'), user.fullName).to.have.length(0);
    const [mail] = await lawMails(anna, '1.1.0');
    expect(mail.text).to.contain(`Co się zmieniło: ${NOTE_11}`);
    expect(mail.text).to.contain(`https://akademia.test/szkolenia/${COURSE_ID}`);
    expect(mail.text).to.contain(certificates.anna.code);
    expect(mail.text).to.contain('pozostaje ważne');
    const run = await RecertificationRun.findById(`${COURSE_ID}@1.1.0`).lean<RecertificationRunDoc>();
    expect(run!.doneAt).to.be.instanceOf(Date);
    expect(run!.marked).to.equal(3);
  });

  it('shows HR who must re-certify: the matrix, the change-of-law list and the person record', async () => {
    const matrix = await completionMatrix(server.platform, { organisationId: office._id.toHexString() });
    const cellOf = (user: UserDoc) => matrix.groups.flatMap((g) => g.people).find((p) => p.id === user._id.toHexString())!.cells[0];
    const t = translatorFor('common', 'pl');
    expect(cellOf(anna)).to.include({ status: 'renewal_due', valid: true });
    expect(cellOf(anna).recertification).to.include({ byVersion: '1.1.0', note: NOTE_11 });
    expect(statusWord(cellOf(anna), t)).to.equal('do odnowienia (zmiana prawa)');
    expect(cellOf(dorota)).to.include({ status: 'completed' });
    expect(cellOf(celina)).to.include({ status: 'revoked' });
    expect(cellOf(celina).recertification).to.equal(undefined);

    const list = await dueList(server.platform, { organisationId: office._id.toHexString(), kind: 'law' });
    expect(list.entries.map((entry) => entry.person.fullName).sort()).to.deep.equal(['Anna Łęcka', 'Bartosz Żmuda']);

    const page = await hrAgent.get('/kadry').expect(200);
    expect(page.text).to.contain('do odnowienia (zmiana prawa)');
    expect(page.text).to.contain('zmiana prawa: wersja 1.1.0');
    const lawPage = await hrAgent.get('/kadry/zmiana-prawa').expect(200);
    expect(lawPage.text).to.contain('Anna Łęcka');
    expect(lawPage.text).to.not.contain('Dorota Źrebiec');
    expect(lawPage.text).to.contain(NOTE_11);
    const csv = await hrAgent.get('/kadry/zmiana-prawa.csv').expect(200);
    expect(csv.text).to.contain('do odnowienia (zmiana prawa)');
    const record = await hrAgent.get(`/kadry/osoby/${anna._id.toHexString()}`).expect(200);
    expect(record.text).to.contain('Zmiana stanu prawnego');
    expect(record.text).to.contain('szkolenie do ponownego ukończenia w wersji 1.1.0');
    expect(record.text).to.contain(NOTE_11);
    expect(record.text).to.contain('Do odnowienia po zmianie prawa (wersja 1.1.0)');
  });

  it('tells the learner on "Moje szkolenia", the dashboard and the course page', async () => {
    const agent = await loginAgent(server.url, anna.email, annaPassword);
    for (const url of ['/moje-szkolenia', '/pulpit', `/szkolenia/${COURSE_ID}`]) {
      const page = await agent.get(url).expect(200);
      expect(page.text, url).to.contain('Zmiana stanu prawnego: szkolenie zaktualizowano (wersja 1.1.0)');
      expect(page.text, url).to.contain(NOTE_11);
    }
    const catalogue = await agent.get('/szkolenia').expect(200);
    expect(catalogue.text).to.contain('do odnowienia (zmiana prawa)');
  });

  it('finishes a run that failed half-way (a mail could not be queued) without mailing anyone twice', async () => {
    server.platform.catalogue.add(await courseInVersion(root, '1.2.0'));
    await publish(server.platform, '1.2.0', NOTE_12, association);
    // The outbox refuses the second message of this run (as a database hiccup would); the rest goes on.
    let calls = 0;
    const failing: RecertificationDeps = {
      ...server.platform,
      mailer: {
        enqueue: (mail) => {
          calls += 1;
          return calls === 2 ? Promise.reject(new Error('outbox unavailable')) : server.platform.mailer.enqueue(mail);
        },
      },
    };
    const broken = await runPendingRecertifications(failing);
    // Anna, Bartek and Ewa (marked by 1.1.0 already) and Dorota (1.1.0) hold certificates older than 1.2.0.
    expect(broken).to.include({ found: 4, mailed: 3, failures: 1 });
    const pending = await RecertificationRun.findById(`${COURSE_ID}@1.2.0`).lean<RecertificationRunDoc>();
    expect(pending!.doneAt).to.equal(undefined);
    expect(pending!.lastError).to.equal('outbox unavailable');

    // Two passes at once over the same run (past the run's lease, as two instances in different lease windows would):
    // the certificates' own claims let the missing mail go once and nothing go twice.
    const again = await Promise.all([runRecertification(server.platform, pending!), runRecertification(server.platform, pending!)]);
    expect(again.map((outcome) => outcome.mailed).reduce((a, b) => a + b)).to.equal(1);
    expect(again.map((outcome) => outcome.failures)).to.deep.equal([0, 0]);
    expect((await RecertificationRun.findById(`${COURSE_ID}@1.2.0`).lean<RecertificationRunDoc>())!.doneAt).to.be.instanceOf(Date);
    for (const user of [anna, bartek, dorota, ewa]) expect(await lawMails(user, '1.2.0'), user.fullName).to.have.length(1);
    expect(await lawMails(celina, '1.2.0')).to.have.length(0);
    // The 1.1.0 mails were not sent again.
    for (const user of [anna, bartek, ewa]) expect(await lawMails(user, '1.1.0'), user.fullName).to.have.length(1);
    expect((await certificateOf(certificates.dorota._id)).recertification).to.include({ byVersion: '1.2.0', note: NOTE_12 });
    expect((await certificateOf(certificates.anna._id)).recertification).to.include({ byVersion: '1.2.0' });
  });
});
