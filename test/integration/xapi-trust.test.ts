import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type { UserDoc } from '../../src/auth/user.model.js';
import type { EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { enrolLearner } from '../../src/learning/enrolment.service.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { completionMatrix } from '../../src/reports/completion-matrix.service.js';
import { createLrsClient, setTrustedCourses } from '../../src/xapi/lrs-client.service.js';
import { rebuildProjections } from '../../src/xapi/rebuild.service.js';
import { statementKey, statementsOf } from '../../src/xapi/statement.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const BASE_URL = 'https://akademia.test';
const VERB = 'http://adlnet.gov/expapi/verbs/';
const RODO = 'rodo-w-urzedzie';
const PZP = 'zamowienia-publiczne-w-jst';

type Client = { key: string; secret: string; id: string };

describe('xapi: who may move learning progress and void statements (issue 10, finding 6)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let anna: UserDoc;
  let bartek: UserDoc;
  let annaRodo: EnrolmentDoc;
  let annaPzp: EnrolmentDoc;
  let bartekRodo: EnrolmentDoc;
  let untrusted: Client;
  let trusted: Client;
  let hrAgent: Awaited<ReturnType<typeof loginAgent>>;

  const headers = (client: Client) => ({ 'X-Experience-API-Version': '1.0.3', Authorization: `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}` });
  const learnerActor = (user: UserDoc) => ({ objectType: 'Agent', account: { homePage: BASE_URL, name: user.learnerId } });
  const courseActivity = (courseId: string) => ({ id: `${BASE_URL}/xapi/activities/courses/${courseId}` });
  const finished = (user: UserDoc, enrolment: EnrolmentDoc, courseId: string) => [
    {
      actor: learnerActor(user),
      verb: { id: `${VERB}passed` },
      object: courseActivity(courseId),
      result: { score: { scaled: 1 }, success: true },
      context: { registration: enrolment.registration },
    },
    {
      actor: learnerActor(user),
      verb: { id: `${VERB}completed` },
      object: courseActivity(courseId),
      result: { completion: true },
      context: { registration: enrolment.registration },
    },
  ];
  const progressOf = (enrolment: EnrolmentDoc) => LearningProgress.findById(enrolment._id).lean();
  const post = (client: Client, body: object) => request(server.url).post('/xapi/statements').set(headers(client)).send(body);
  const platformStatementOf = async (enrolment: EnrolmentDoc, verb: string) =>
    (await (await statementsOf(office._id)).findOne({ organisationId: office._id, registration: enrolment.registration, verbId: `${VERB}${verb}` }).lean())!;

  async function csvStatus(fullName: string, courseTitle: string): Promise<string | undefined> {
    const csv = await hrAgent
      .get('/kadry/eksport.csv')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const records = parse<Record<string, string>>(csv.body as Buffer, { bom: true, delimiter: ';', columns: true });
    return records.find((r) => r['Imię i nazwisko'] === fullName && r.Szkolenie === courseTitle)?.Status;
  }

  async function matrixStatus(user: UserDoc, courseId: string): Promise<string | undefined> {
    const matrix = await completionMatrix(server.platform, { organisationId: office._id.toHexString() });
    const column = matrix.courses.findIndex((course) => course.id === courseId);
    return matrix.groups.flatMap((group) => group.people).find((person) => person.id === user._id.toHexString())?.cells[column].status;
  }

  before(async () => {
    server = await startTestServer({ BASE_URL });
    office = await buildOrganisation({ name: 'Urząd Gminy Zaufanie' });
    anna = (await buildLearner({ organisation: office, overrides: { fullName: 'Anna Zaufana' } })).user;
    bartek = (await buildLearner({ organisation: office, overrides: { fullName: 'Bartek Obcy' } })).user;
    const enrol = async (user: UserDoc, courseId: string) =>
      (
        await enrolLearner(server.platform, {
          learner: { id: user._id.toHexString(), organisationId: office._id.toHexString(), learnerId: user.learnerId, fullName: user.fullName },
          course: server.platform.catalogue.require(courseId),
        })
      ).enrolment;
    annaRodo = await enrol(anna, RODO);
    annaPzp = await enrol(anna, PZP);
    bartekRodo = await enrol(bartek, RODO);
    untrusted = await createLrsClient({ organisationId: office._id.toHexString(), name: 'Zwykły klient' });
    trusted = await createLrsClient({ organisationId: office._id.toHexString(), name: 'Odtwarzacz RODO', trustedCourseIds: [RODO] });
    const hr = await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa' } });
    hrAgent = await loginAgent(server.url, hr.user.email, hr.password);
  });
  after(async () => server.close());

  it("a write client's passed/completed with a real enrolment's registration is stored but moves no progress, matrix or export", async () => {
    const stored = await post(untrusted, finished(anna, annaPzp, PZP)).expect(200);
    expect(stored.body).to.have.length(2);
    // The LRS keeps it (the client can read it back)…
    await request(server.url).get('/xapi/statements').query({ statementId: stored.body[0] }).set(headers(untrusted)).expect(200);
    // …but the learner's progress, HR's matrix and the export still say not completed.
    const progress = await progressOf(annaPzp);
    expect(progress?.status).to.equal('enrolled');
    expect(progress?.passedAt).to.equal(undefined);
    expect(progress?.completedAt).to.equal(undefined);
    expect(progress?.attempts).to.equal(0);
    expect(await matrixStatus(anna, PZP)).to.equal('not_started');
    expect(await csvStatus('Anna Zaufana', 'Zamówienia publiczne w JST')).to.not.equal('ukończono');
  });

  it('a client trusted for a course moves progress for that course, with the learner of the enrolment as actor', async () => {
    await post(trusted, finished(anna, annaRodo, RODO)).expect(200);
    const progress = await progressOf(annaRodo);
    expect(progress?.status).to.equal('completed');
    expect(progress?.passedAt).to.be.instanceOf(Date);
    expect(await matrixStatus(anna, RODO)).to.equal('completed');
    expect(await csvStatus('Anna Zaufana', 'RODO w urzędzie')).to.equal('ukończono');
  });

  it('a trusted client moves nothing when the actor is not the enrolment’s learner, or the course is not one it is trusted for', async () => {
    // Anna's account on Bartek's registration; then an e-mail actor; then Anna's other course.
    await post(trusted, finished(anna, bartekRodo, RODO)).expect(200);
    await post(
      trusted,
      finished(bartek, bartekRodo, RODO).map((statement) => ({ ...statement, actor: { objectType: 'Agent', mbox: 'mailto:bartek@example.test' } })),
    ).expect(200);
    await post(trusted, finished(anna, annaPzp, PZP)).expect(200);
    expect((await progressOf(bartekRodo))?.status).to.equal('enrolled');
    expect((await progressOf(annaPzp))?.status).to.equal('enrolled');
    expect(await matrixStatus(bartek, RODO)).to.equal('not_started');
  });

  it("refuses (403, JSON) a client voiding the platform's own statement; the statement stays and so does the progress", async () => {
    const registered = await platformStatementOf(bartekRodo, 'registered');
    const before = await progressOf(bartekRodo);
    for (const client of [untrusted, trusted]) {
      const refused = await post(client, [
        { actor: learnerActor(bartek), verb: { id: `${VERB}experienced` }, object: { id: 'http://example.com/a' } },
        { actor: learnerActor(bartek), verb: { id: `${VERB}voided` }, object: { objectType: 'StatementRef', id: registered.statementId } },
      ]).expect(403);
      expect(refused.body.error).to.equal('forbidden');
      expect(refused.body.message).to.match(/may void only the statements it sent itself/);
      expect(refused.headers['x-experience-api-version']).to.equal('1.0.3');
    }
    const after = await (await statementsOf(office._id)).findById(statementKey(office._id.toHexString(), registered.statementId)).lean();
    expect(after?.voided).to.equal(false);
    await request(server.url).get('/xapi/statements').query({ statementId: registered.statementId }).set(headers(untrusted)).expect(200);
    expect(await progressOf(bartekRodo)).to.deep.include({ status: before?.status, statusRank: before?.statusRank });
    // Nothing of the refused batch was stored.
    expect(await (await statementsOf(office._id)).countDocuments({ organisationId: office._id, activityIds: 'http://example.com/a' })).to.equal(0);
  });

  it("lets a client void its own statements but not another client's (403)", async () => {
    const [ownId] = (await post(untrusted, { actor: learnerActor(anna), verb: { id: `${VERB}experienced` }, object: { id: 'http://example.com/b' } }).expect(200)).body as string[];
    const voidOf = (id: string) => ({ actor: learnerActor(anna), verb: { id: `${VERB}voided` }, object: { objectType: 'StatementRef', id } });
    await post(trusted, voidOf(ownId)).expect(403);
    await post(untrusted, voidOf(ownId)).expect(200);
    await request(server.url).get('/xapi/statements').query({ voidedStatementId: ownId }).set(headers(untrusted)).expect(200);
  });

  it('a client cannot void in advance a statement the platform records later under that id', async () => {
    const future = randomUUID();
    await post(untrusted, { actor: learnerActor(anna), verb: { id: `${VERB}voided` }, object: { objectType: 'StatementRef', id: future } }).expect(200);
    await server.platform.statements.store([{ id: future, actor: learnerActor(anna), verb: { id: `${VERB}experienced` }, object: { id: 'http://example.com/c' } }], {
      organisationId: office._id.toHexString(),
    });
    expect((await (await statementsOf(office._id)).findById(statementKey(office._id.toHexString(), future)).lean())?.voided).to.equal(false);
  });

  it('the rebuild counts the same statements, with the trust lists of the moment it runs', async () => {
    await rebuildProjections(server.platform.statements.projectors);
    expect((await progressOf(annaRodo))?.status).to.equal('completed');
    expect((await progressOf(annaPzp))?.status).to.equal('enrolled');
    expect((await progressOf(bartekRodo))?.status).to.equal('enrolled');
    // Trusting the client for the other course too: its earlier, stored statements count after a rebuild.
    await setTrustedCourses(office._id.toHexString(), trusted.id, [RODO, PZP]);
    await rebuildProjections(server.platform.statements.projectors);
    expect((await progressOf(annaPzp))?.status).to.equal('completed');
    // The untrusted client's own identical statements never did anything; Bartek's still have the wrong actor.
    expect((await progressOf(bartekRodo))?.status).to.equal('enrolled');
  });
});
