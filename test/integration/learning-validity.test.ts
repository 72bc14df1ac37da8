// Bug 2 (issue 9): one completion has one "valid until" — on the certificate, in the quiz lock and on "Moje szkolenia".
import { expect } from 'chai';
import request from 'supertest';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { issueCertificate } from '../../src/certificates/certificate-issue.service.js';
import { statusOf } from '../../src/certificates/certificate-rules.js';
import type { Course } from '../../src/courses/course.types.js';
import { enrolLearner } from '../../src/learning/enrolment.service.js';
import { LearningProgress, type LearningProgressDoc } from '../../src/learning/learning-progress.model.js';
import type { Learner } from '../../src/learning/learner.js';
import type { Platform } from '../../src/platform.js';
import { enrolmentCard } from '../../src/learning/learning.presenter.js';
import { quizStanding } from '../../src/learning/quiz.service.js';
import { completionMatrix } from '../../src/reports/completion-matrix.service.js';
import { courseCompleted, quizScored } from '../../src/xapi/learning-statements.js';
import { buildLearner, loginAgent, buildQuizAttempt } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { changedCatalogue, startTestServer, type TestServer } from '../helpers/server.js';

const translate = (key: string) => key;

/**
 * Records one passed quiz at `passedAt` the way a pass is recorded: the graded attempt, the xAPI `passed` and
 * `completed` (from which the progress is projected) and the certificate, all with that one completion time.
 */
async function passAt(platform: Platform, learner: Learner, course: Course, passedAt: Date) {
  const { enrolment } = await enrolLearner(platform, { learner, course });
  const attempt = await buildQuizAttempt({
    organisationId: enrolment.organisationId,
    enrolmentId: enrolment._id,
    userId: enrolment.userId,
    courseId: course.id,
    courseVersion: course.version,
    number: 1,
    questions: [],
    startedAt: new Date(passedAt.getTime() - 10 * 60_000),
    submittedAt: passedAt,
    scoreRaw: 10,
    scoreMax: 10,
    scoreScaled: 1,
    passed: true,
  });
  const score = { scaled: 1, raw: 10, min: 0, max: 10 };
  const at = passedAt.toISOString();
  await platform.recorder.record({ learner, course, registration: enrolment.registration }, (ctx) => [
    { ...quizScored(ctx, { ...score, passed: true, attemptId: String(attempt._id) }), timestamp: at },
    { ...courseCompleted(ctx, score), timestamp: at },
  ]);
  const certificate = await issueCertificate(platform, {
    userId: learner.id,
    organisationId: learner.organisationId,
    courseId: course.id,
    enrolmentId: String(enrolment._id),
    registration: enrolment.registration,
    scorePercent: 100,
    completedAt: passedAt,
  });
  return { enrolment, certificate };
}

describe('learning: a pass with validityMonths (certificate, quiz lock, "Moje szkolenia" and the HR matrix agree)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let course: Course;

  before(async () => {
    const catalogue = await changedCatalogue('test/fixtures/courses', 'przyklad-kurs', (loaded) => ({ ...loaded, validityMonths: 1 }));
    course = catalogue.require('przyklad-kurs');
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { catalogue });
  });
  after(async () => {
    await server.close();
  });

  const cases = [
    { label: 'at 10:00 on 31 January', passedAt: '2026-01-31T09:00:00.000Z', validUntil: '2026-02-28T09:00:00.000Z' },
    // 00:30 in Warsaw is still 30 January in UTC: the month is counted from Warsaw's 31 January all the same.
    { label: 'at 00:30 (Warsaw time) on 31 January', passedAt: '2026-01-30T23:30:00.000Z', validUntil: '2026-02-27T23:30:00.000Z' },
  ];

  for (const { label, passedAt, validUntil } of cases) {
    it(`a pass ${label} is valid until 28 February at the same time, everywhere`, async () => {
      const { user, password } = await buildLearner();
      const learner: Learner = { id: String(user._id), organisationId: String(user.organisationId), learnerId: user.learnerId, fullName: user.fullName };
      const { enrolment, certificate } = await passAt(server.platform, learner, course, new Date(passedAt));
      const end = new Date(validUntil);
      const justBefore = new Date(end.getTime() - 1);

      const record = (await Certificate.findById(certificate.id).lean())!;
      expect(record.validUntil?.toISOString(), 'the certificate record').to.equal(validUntil);
      const progress = await LearningProgress.findById(enrolment._id).lean<LearningProgressDoc>();
      expect(progress?.completedAt?.toISOString(), 'the projected completion').to.equal(passedAt);

      // Valid up to the last millisecond before validUntil…
      expect(statusOf(record, justBefore)).to.equal('valid');
      expect((await quizStanding({ learner, course, now: justBefore })).renewalDue, 'quiz lock just before').to.equal(false);
      const cardBefore = enrolmentCard(course, enrolment, progress, translate, justBefore);
      expect(cardBefore.status).to.equal('completed');
      expect(cardBefore.validUntil?.toISOString(), '"Moje szkolenia"').to.equal(validUntil);
      // The HR matrix reads the standings the events kept (enrolment, progress, certificate): no rebuild here.
      const matrixCell = async (now: Date) =>
        (await completionMatrix(server.platform, { organisationId: learner.organisationId, now })).groups[0].people[0].cells.find((c) => c.courseId === course.id);
      const matrixStatus = async (now: Date) => (await matrixCell(now))?.status;
      // Still a completion that counts, ending within 30 days: "do odnowienia" in the one vocabulary.
      expect(await matrixStatus(justBefore), 'HR matrix just before').to.equal('renewal_due');
      expect((await matrixCell(justBefore))?.valid, 'HR matrix counts it just before').to.equal(true);
      expect((await matrixCell(justBefore))?.certificateCode, 'the certificate number').to.equal(certificate.code);

      // …and due for renewal from validUntil on, in every feature at the same moment.
      expect(statusOf(record, end)).to.equal('expired');
      const standing = await quizStanding({ learner, course, now: end });
      expect(standing.renewalDue, 'quiz lock at validUntil').to.equal(true);
      expect(standing.passed).to.equal(false);
      expect(enrolmentCard(course, enrolment, progress, translate, end).status).to.equal('renewal_due');
      // Nobody set a new due date: the completion's validity ended ("wygasło").
      expect(await matrixStatus(end), 'HR matrix at validUntil').to.equal('expired');

      // The pages show that one day.
      const verify = await request(server.url).get(`/weryfikacja/${certificate.code}`).expect(200);
      expect(verify.text).to.contain('<dt>Ważne do</dt><dd>28.02.2026</dd>');
      const agent = await loginAgent(server.url, user.email, password);
      const mine = await agent.get('/moje-szkolenia').expect(200);
      expect(mine.text).to.contain('<dt>Ważne do:</dt><dd>28.02.2026</dd>');
      expect(mine.text).to.contain('Do odnowienia (zaświadczenie wygasło)');
    });
  }
});
