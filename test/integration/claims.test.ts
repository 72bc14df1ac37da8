// Races on claims (issue 10, finding 8): concurrent operations against the real database win exactly once.
import { expect } from 'chai';
import { completeRequiredStepsOf } from '../helpers/completion.js';
import { issueToken, redeemToken } from '../../src/auth/auth-token.service.js';
import { toSessionUser } from '../../src/auth/session-user.js';
import { revokeCertificate } from '../../src/certificates/certificate-admin.service.js';
import type { Course } from '../../src/courses/course.types.js';
import { ConflictError, BadRequestError } from '../../src/http/errors.js';
import { assignCourse, enrolLearner, recordFirstOpening } from '../../src/learning/enrolment.service.js';
import { saveQuizAnswers, startQuizAttempt, submitQuizAttempt } from '../../src/learning/quiz.service.js';
import { oneAnswerFor } from '../helpers/quiz-form.js';
import { sendReminders } from '../../src/assignments/reminders.service.js';
import { statementsAnywhere } from '../helpers/statements.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation } from '../helpers/factories.js';
import { mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const DAY = 24 * 60 * 60 * 1000;

/** Statements of a registration by verb name (the last path segment of the verb IRI). */
async function verbCounts(filter: Record<string, unknown>): Promise<Record<string, number>> {
  const records = await statementsAnywhere(filter);
  const counts: Record<string, number> = {};
  for (const record of records) {
    const verb = record.verbId.split('/').at(-1)!;
    counts[verb] = (counts[verb] ?? 0) + 1;
  }
  return counts;
}

function outcomes(results: PromiseSettledResult<unknown>[]): { fulfilled: number; rejected: unknown[] } {
  return {
    fulfilled: results.filter((r) => r.status === 'fulfilled').length,
    rejected: results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown),
  };
}

describe('claims (concurrent operations win once)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let course: Course;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    course = server.platform.catalogue.get('przyklad-kurs')!;
  });
  after(() => server.close());

  it('revokes a certificate once when two HR people revoke it at the same moment', async () => {
    const organisation = await buildOrganisation();
    const learner = await buildLearner({ organisation });
    const hr = await buildLearner({ organisation, overrides: { roles: ['hr'] } });
    const issued = await buildCertificate(server.platform, learner.user);
    const actor = toSessionUser(hr.user);

    const results = await Promise.allSettled([1, 2].map((n) => revokeCertificate(server.platform, { actor, certificateId: issued.id, reason: `Powód ${n}` })));
    const { fulfilled, rejected } = outcomes(results);
    expect(fulfilled).to.equal(1);
    expect(rejected).to.have.length(1);
    expect(rejected[0]).to.be.instanceOf(ConflictError);
    expect((await verbCounts({ organisationId: organisation._id })).revoked).to.equal(1);
  });

  it('records launched and initialized once when ten tabs open the course at once', async () => {
    const { user } = await buildLearner();
    const learner = toSessionUser(user);
    const { enrolment } = await enrolLearner(server.platform, { learner, course });

    await Promise.all(Array.from({ length: 10 }, () => recordFirstOpening(server.platform, learner, course, enrolment)));
    const counts = await verbCounts({ registration: enrolment.registration });
    expect(counts.launched).to.equal(1);
    expect(counts.initialized).to.equal(1);
  });

  it('sends one reminder per due enrolment when two instances run the reminders at once', async () => {
    const organisation = await buildOrganisation();
    const hr = await buildLearner({ organisation, overrides: { roles: ['hr'] } });
    const people = await Promise.all([1, 2, 3].map(() => buildLearner({ organisation })));
    for (const person of people) {
      await assignCourse(server.platform, { learner: toSessionUser(person.user), course, dueDate: new Date(Date.now() + 2 * DAY), assignedBy: hr.user._id.toHexString() });
    }

    const runs = await Promise.all([1, 2].map(() => sendReminders(server.platform, { organisationId: organisation._id })));
    expect(runs.reduce((sum, run) => sum + run.sent, 0)).to.equal(3);
    for (const person of people) expect(await mailsTo(person.user.email), person.user.email).to.have.length(1);

    // Two days on the same milestone ("7 days before") has been reminded of: neither run sends it again.
    const again = await Promise.all([1, 2].map(() => sendReminders(server.platform, { organisationId: organisation._id, now: new Date(Date.now() + 2 * DAY + 60_000) })));
    expect(again.reduce((sum, run) => sum + run.sent, 0)).to.equal(0);
    for (const person of people) expect(await mailsTo(person.user.email)).to.have.length(1);
  });

  it('grades a quiz attempt once when it is submitted twice at the same moment', async () => {
    const { user } = await buildLearner();
    const learner = toSessionUser(user);
    const { enrolment } = await enrolLearner(server.platform, { learner, course });
    await completeRequiredStepsOf(server.platform, learner, course);
    const attempt = await startQuizAttempt({ learner, course });
    // One saved answer: an attempt with none is not graded at all.
    await saveQuizAnswers({ learner, course, attemptId: attempt._id.toHexString(), answers: oneAnswerFor(attempt, course) });

    const results = await Promise.allSettled([1, 2].map(() => submitQuizAttempt(server.platform, { learner, course, attemptId: attempt._id.toHexString() })));
    const { fulfilled, rejected } = outcomes(results);
    expect(fulfilled).to.equal(1);
    expect(rejected).to.have.length(1);
    expect(rejected[0]).to.be.instanceOf(BadRequestError);
    expect((await verbCounts({ registration: enrolment.registration })).failed).to.equal(1);
  });

  it('uses up a reset token once when it is redeemed twice at the same moment', async () => {
    const { user } = await buildLearner();
    const token = await issueToken(user._id, 'reset-password');

    const redeemed = await Promise.all([1, 2].map(() => redeemToken(token, 'reset-password')));
    expect(redeemed.filter(Boolean)).to.have.length(1);
    expect(String(redeemed.find(Boolean))).to.equal(user._id.toHexString());
  });
});
