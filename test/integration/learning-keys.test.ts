import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { toSessionUser } from '../../src/auth/session-user.js';
import { EnrolmentKey } from '../../src/learning/enrolment-key.model.js';
import { attemptKey, courseKey, grantKey, learnerKey, registrationKey } from '../../src/learning/enrolment-keys.js';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { backfillEnrolmentKeys, repairUnfinishedEnrolments } from '../../src/learning/enrolment-repair.js';
import { enrolLearner, findEnrolment, learnerEnrolments } from '../../src/learning/enrolment.service.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { enrolmentsOfOrganisation, quizAttemptsOfPerson } from '../../src/learning/learning.read.js';
import { learningProgressProjector } from '../../src/learning/progress.projector.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { QuizAttemptGrant } from '../../src/learning/quiz-attempt-grant.model.js';
import { quizStanding } from '../../src/learning/quiz.service.js';
import { UnfinishedEnrolment } from '../../src/learning/unfinished-enrolment.model.js';
import type { StoredStatement } from '../../src/xapi/projectors.js';
import { quizScored } from '../../src/xapi/learning-statements.js';
import { statementsOf } from '../../src/xapi/statement.model.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { isIdLookup, recordQueries, type RecordedQuery } from '../helpers/command-log.js';
import { useTestDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const COURSE = 'przyklad-kurs';
/** The learning collections: on FerretDB's SQLite backend, any filter on them but `{ _id: X }` decodes all of them. */
const LEARNING = ['enrolments', 'enrolmentkeys', 'learningprogresses', 'quizattempts', 'quizattemptgrants', 'unfinishedenrolments', 'lessonopenings'];

describe('learning/enrolment-keys (learner pages read by _id only)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
  });
  after(async () => server.close());

  it('writes the course, registration and learner keys on enrolment, and takes it off the unfinished list', async () => {
    const { user } = await buildLearner();
    const learner = toSessionUser(user);
    const course = server.platform.catalogue.require(COURSE);
    const { enrolment } = await enrolLearner(server.platform, { learner, course });
    const byCourse = await EnrolmentKey.findById(courseKey(user._id, COURSE)).lean();
    expect(String(byCourse?.enrolmentId)).to.equal(String(enrolment._id));
    const byRegistration = await EnrolmentKey.findById(registrationKey(user.organisationId, enrolment.registration)).lean();
    expect(byRegistration).to.include({ courseId: COURSE, learnerId: user.learnerId, registration: enrolment.registration });
    expect(String(byRegistration?.enrolmentId)).to.equal(String(enrolment._id));
    expect((await EnrolmentKey.findById(learnerKey(user._id)).lean())?.courseIds).to.deep.equal([COURSE]);
    expect(await UnfinishedEnrolment.findById(enrolment._id).lean()).to.equal(null);
    expect((await Enrolment.findById(enrolment._id).lean())?.recordedAt).to.be.instanceOf(Date);
  });

  it('finishes an enrolment whose process died after its course key, with the id and registration the key named', async () => {
    const { user } = await buildLearner();
    const learner = toSessionUser(user);
    const course = server.platform.catalogue.require(COURSE);
    const planned = { enrolmentId: new mongoose.Types.ObjectId(), registration: randomUUID() };
    await EnrolmentKey.create({ _id: courseKey(user._id, COURSE), organisationId: user.organisationId, userId: user._id, courseId: COURSE, ...planned });
    expect(await findEnrolment(learner, COURSE), 'a key without its enrolment reads as none').to.equal(null);
    const { enrolment, created } = await enrolLearner(server.platform, { learner, course });
    expect(created).to.equal(true);
    expect(String(enrolment._id)).to.equal(String(planned.enrolmentId));
    expect(enrolment.registration).to.equal(planned.registration);
    expect((await LearningProgress.findById(enrolment._id).lean())?.status).to.equal('enrolled');
    // The start-up repair has nothing left.
    expect((await repairUnfinishedEnrolments(server.platform)).unfinished).to.equal(0);
  });

  it('backfills keys for enrolments, attempts and grants stored before keys existed, once and idempotently', async () => {
    const organisation = await buildOrganisation();
    const { user } = await buildLearner({ organisation });
    const learner = toSessionUser(user);
    const course = server.platform.catalogue.require(COURSE);
    const legacy = await Enrolment.create({
      organisationId: organisation._id,
      userId: user._id,
      courseId: COURSE,
      courseVersion: course.version,
      registration: randomUUID(),
      recordedAt: new Date(),
    });
    const attempt = await QuizAttempt.create({
      organisationId: organisation._id,
      enrolmentId: legacy._id,
      userId: user._id,
      courseId: COURSE,
      courseVersion: course.version,
      number: 1,
      questions: [],
      submittedAt: new Date(),
      scoreScaled: 0.1,
      passed: false,
    });
    const grant = await QuizAttemptGrant.create({
      organisationId: organisation._id,
      enrolmentId: legacy._id,
      userId: user._id,
      courseId: COURSE,
      kind: 'extra_attempt',
      reason: 'Awaria',
      grantedBy: user._id,
      grantedByName: 'Kadry',
    });
    expect(await findEnrolment(learner, COURSE), 'not found before the backfill').to.equal(null);

    // The server started with the marker written (its start-up ran before these documents): take it away.
    const markers = mongoose.connection.db!.collection<{ _id: string }>('learning_migrations');
    await markers.deleteOne({ _id: 'enrolment-keys' });
    expect((await backfillEnrolmentKeys(server.platform))?.enrolments).to.be.at.least(1);
    expect(await backfillEnrolmentKeys(server.platform), 'the marker makes later starts one look-up').to.equal(undefined);
    const keys = await EnrolmentKey.countDocuments({ organisationId: organisation._id });
    await markers.deleteOne({ _id: 'enrolment-keys' });
    await backfillEnrolmentKeys(server.platform);
    expect(await EnrolmentKey.countDocuments({ organisationId: organisation._id }), 'a second pass adds no key').to.equal(keys);

    expect(String((await findEnrolment(learner, COURSE))?._id)).to.equal(String(legacy._id));
    expect(String((await EnrolmentKey.findById(attemptKey(legacy._id, 1)).lean())?.itemId)).to.equal(String(attempt._id));
    expect(String((await EnrolmentKey.findById(grantKey(legacy._id, 1)).lean())?.itemId)).to.equal(String(grant._id));
    const standing = await quizStanding({ learner, course });
    expect(standing.submitted.map((a) => String(a._id))).to.deep.equal([String(attempt._id)]);
    expect(standing.grants.map((g) => String(g._id))).to.deep.equal([String(grant._id)]);
    expect(standing.nextAttempt.number).to.equal(2);
    // The same enrolment through the readers for other features, by key.
    const rows = await enrolmentsOfOrganisation(organisation._id, { userIds: [user._id], courseIds: server.platform.catalogue.list().map((c) => c.id) });
    expect(rows.map((row) => String(row.enrolment._id))).to.deep.equal([String(legacy._id)]);
    const attempts = await quizAttemptsOfPerson(organisation._id, user._id, { enrolments: rows.map((row) => row.enrolment) });
    expect(attempts.map((a) => a.id)).to.deep.equal([String(attempt._id)]);
  });

  it('adopts an enrolment stored before keys when the learner enrols again before the backfill wrote its key', async () => {
    const { user } = await buildLearner();
    const learner = toSessionUser(user);
    const course = server.platform.catalogue.require(COURSE);
    const legacy = await Enrolment.create({
      organisationId: user.organisationId,
      userId: user._id,
      courseId: COURSE,
      courseVersion: course.version,
      registration: randomUUID(),
      recordedAt: new Date(),
    });
    const { enrolment, created } = await enrolLearner(server.platform, { learner, course });
    expect(created).to.equal(false);
    expect(String(enrolment._id)).to.equal(String(legacy._id));
    expect(String((await findEnrolment(learner, COURSE))?._id)).to.equal(String(legacy._id));
    expect(await Enrolment.countDocuments({ organisationId: user.organisationId, userId: user._id })).to.equal(1);
  });

  describe('the progress projector', () => {
    let enrolment: EnrolmentDoc;
    let passed: StoredStatement;

    before(async () => {
      const { user } = await buildLearner();
      const learner = toSessionUser(user);
      const course = server.platform.catalogue.require(COURSE);
      ({ enrolment } = await enrolLearner(server.platform, { learner, course }));
      await server.platform.recorder.record({ learner, course, registration: enrolment.registration }, (ctx) => [
        quizScored(ctx, { passed: true, scaled: 0.9, raw: 9, min: 0, max: 10, attemptId: 'a1' }),
      ]);
      const record = (await (
        await statementsOf(enrolment.organisationId)
      )
        .findOne({ organisationId: enrolment.organisationId, registration: enrolment.registration, verbId: /passed$/ })
        .lean())!;
      passed = { ...(JSON.parse(record.json) as StoredStatement), organisationId: String(enrolment.organisationId) };
    });

    it('counts an attempt once when a batch is replayed, and never moves the status back', async () => {
      const projector = learningProgressProjector(server.platform.vocabulary, server.platform.events);
      expect(await LearningProgress.findById(enrolment._id).lean()).to.include({ status: 'passed', attempts: 1, bestScore: 0.9 });
      await projector.apply([passed, passed]);
      expect(await LearningProgress.findById(enrolment._id).lean()).to.include({ status: 'passed', attempts: 1 });
      // A later failed attempt counts, and leaves the pass standing.
      const failed = { ...passed, id: randomUUID(), verb: { id: 'http://adlnet.gov/expapi/verbs/failed' }, result: { score: { scaled: 0.2 }, success: false } };
      await projector.apply([failed]);
      await projector.apply([failed]);
      expect(await LearningProgress.findById(enrolment._id).lean()).to.include({ status: 'passed', attempts: 2, bestScore: 0.9 });
    });

    it("never moves this office's progress with a statement of another office carrying its registration", async () => {
      const other = await buildOrganisation();
      const projector = learningProgressProjector(server.platform.vocabulary, server.platform.events);
      const before = await LearningProgress.findById(enrolment._id).lean();
      const completed = { ...passed, id: randomUUID(), organisationId: String(other._id), verb: { id: 'http://adlnet.gov/expapi/verbs/completed' } };
      const failed = { ...passed, id: randomUUID(), organisationId: String(other._id), verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } };
      await projector.apply([completed, failed]);
      const after = await LearningProgress.findById(enrolment._id).lean();
      expect(after).to.include({ status: before!.status, attempts: before!.attempts });
      expect(after?.completedAt).to.equal(undefined);
      expect(await LearningProgress.countDocuments({ organisationId: other._id })).to.equal(0);
    });

    it('writes progress by _id alone', async () => {
      const projector = learningProgressProjector(server.platform.vocabulary, server.platform.events);
      const again = { ...passed, id: randomUUID() };
      const filters = await recordQueries(() => projector.apply([again]));
      const learning = filters.filter((f) => LEARNING.includes(f.collection));
      expect(learning.length).to.be.greaterThan(0);
      expect(learning.filter((f) => !isIdLookup(f.filter))).to.deep.equal([]);
    });
  });

  it("the learner's pages (catalogue, course, enrol, lesson, Moje szkolenia, quiz, attempt) filter learning collections by _id alone", async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email, password);
    const url = `/szkolenia/${COURSE}`;
    const page = await agent.get(url).expect(200);
    const csrf = csrfTokenFrom(page.text);
    const seen: Array<RecordedQuery & { step: string }> = [];
    const step = async (name: string, work: () => Promise<unknown>) => {
      for (const f of await recordQueries(work)) seen.push({ step: name, ...f });
    };
    await step('catalogue', () => agent.get('/szkolenia').expect(200));
    await step('course page', () => agent.get(url).expect(200));
    await step('enrol', () => agent.post(`${url}/zapis`).type('form').send({ _csrf: csrf }).expect(303));
    await step('lesson', () => agent.get(`${url}/lekcje/wprowadzenie`).expect(200));
    // The completion rule: each lesson opened and finished ("Zakończ lekcję"), its opening read and written by `_id`.
    await step('finish lesson', () => agent.post(`${url}/lekcje/wprowadzenie/zakoncz`).type('form').send({ _csrf: csrf }).expect(303));
    await step('second lesson', () => agent.get(`${url}/lekcje/podsumowanie`).expect(200));
    await step('finish second lesson', () => agent.post(`${url}/lekcje/podsumowanie/zakoncz`).type('form').send({ _csrf: csrf }).expect(303));
    await step('Moje szkolenia', () => agent.get('/moje-szkolenia').expect(200));
    await step('quiz page', () => agent.get(`${url}/test`).expect(200));
    let attemptUrl = '';
    await step('start attempt', async () => {
      const res = await agent.post(`${url}/test`).type('form').send({ _csrf: csrf }).expect(303);
      attemptUrl = res.headers.location;
    });
    await step('attempt page', () => agent.get(attemptUrl).expect(200));
    await step('quiz page again', () => agent.get(`${url}/test`).expect(200));

    const scans = seen.filter((f) => LEARNING.includes(f.collection) && !isIdLookup(f.filter));
    expect(scans, 'learning reads and writes that FerretDB cannot push down').to.deep.equal([]);
    expect(seen.filter((f) => LEARNING.includes(f.collection)).length, 'the learning collections were read').to.be.greaterThan(10);
    // Other features' filters on these pages, for the record (not this feature's to change).
    const others = seen.filter((f) => !LEARNING.includes(f.collection) && !isIdLookup(f.filter));
    if (process.env.SHOW_FILTERS) console.log(JSON.stringify(others.map((f) => [f.step, f.collection, f.command, Object.keys(f.filter ?? {})])));
    // Quiz attempts are found by their keys, not by enrolment.
    const standing = await learnerEnrolments(toSessionUser(user), [COURSE]);
    expect(standing).to.have.length(1);
  });
});
