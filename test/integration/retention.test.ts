// Issue 14, part 4: the retention job with a moved clock removes exactly what its periods say, once a day.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { User } from '../../src/auth/user.model.js';
import { MovableClock } from '../../src/calendar/clock.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { MailMessage } from '../../src/mail/mail-message.model.js';
import { runRetention } from '../../src/privacy/retention.js';
import { RetentionRun } from '../../src/privacy/retention-run.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, buildQuizAttempt } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('privacy/retention with a moved clock', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  const clock = new MovableClock(new Date('2026-12-03T10:00:00Z'));
  let server: TestServer;

  before(async () => {
    server = await startTestServer(
      {
        COURSES_DIR: 'test/fixtures/courses',
        RETENTION_DEACTIVATED_ACCOUNT_DAYS: '365',
        RETENTION_UNFINISHED_ACCOUNT_DAYS: '30',
        RETENTION_ATTEMPT_ANSWERS_DAYS: '100',
        RETENTION_MAIL_DAYS: '20',
        RETENTION_AUDIT_DAYS: '1000',
        RETENTION_IDENTIFIABLE_STATEMENTS_DAYS: '2000',
      },
      { clock },
    );
  });
  after(() => server.close());

  it('deletes exactly what each period says, once a day across instances', async () => {
    const office = await buildOrganisation();
    const day = 24 * 60 * 60 * 1000;
    const now = clock.now().getTime();
    const ago = (days: number) => new Date(now - days * day);
    const leftLongAgo = (await buildLearner({ organisation: office, overrides: { status: 'deactivated', deactivatedAt: ago(400) } })).user;
    const leftRecently = (await buildLearner({ organisation: office, overrides: { status: 'deactivated', deactivatedAt: ago(300) } })).user;
    const active = (await buildLearner({ organisation: office })).user;
    const oldInvitation = (await buildLearner({ organisation: office, overrides: { status: 'invited' } })).user;
    // createdAt is immutable to mongoose: the driver sets it, as if the invitation had been sent 40 days ago.
    await User.collection.updateOne({ _id: oldInvitation._id }, { $set: { createdAt: ago(40) } });
    const newInvitation = (await buildLearner({ organisation: office, overrides: { status: 'invited' } })).user;

    const enrolmentId = new Types.ObjectId();
    const result = { questionId: 'q1', response: 'b', answered: true, success: true, points: 1, maxPoints: 1 };
    const attemptFields = {
      organisationId: office._id,
      enrolmentId,
      userId: active._id,
      courseId: 'przyklad-kurs',
      courseVersion: '1.0.0',
      questions: [],
      results: [result] as never,
      passed: true,
      scoreRaw: 1,
      scoreMax: 1,
    };
    const oldAttempt = await buildQuizAttempt({ ...attemptFields, number: 1, submittedAt: ago(150) });
    const newAttempt = await buildQuizAttempt({ ...attemptFields, number: 2, submittedAt: ago(50) });

    const oldSent = await MailMessage.create({ to: 'a@example.test', subject: 's', text: 't', status: 'sent', createdAt: ago(25) });
    const newSent = await MailMessage.create({ to: 'b@example.test', subject: 's', text: 't', status: 'sent', createdAt: ago(10) });
    const oldQueued = await MailMessage.create({ to: 'c@example.test', subject: 's', text: 't', status: 'queued', createdAt: ago(25) });

    const actor = { id: active._id.toHexString(), fullName: 'Kto' };
    await server.platform.audit.record({ organisationId: office._id.toHexString(), actor, action: 'person.added', subject: { kind: 'person' } });
    await AuditEntry.updateOne({ organisationId: office._id }, { $set: { at: ago(1001) } });
    await server.platform.audit.record({ organisationId: office._id.toHexString(), actor, action: 'person.moved', subject: { kind: 'person' } });

    const run = (await runRetention(server.platform))!;
    expect(run.finishedAt).to.be.instanceOf(Date);
    expect(run.counts).to.include({ accounts: 2, attemptAnswers: 1, mail: 1, audit: 1, certificates: 0 });

    expect(await User.exists({ _id: leftLongAgo._id })).to.equal(null);
    expect(await User.exists({ _id: oldInvitation._id })).to.equal(null);
    for (const kept of [leftRecently, active, newInvitation]) expect(await User.exists({ _id: kept._id }), kept.email).to.not.equal(null);
    const cleared = (await QuizAttempt.findById(oldAttempt._id).lean())!;
    expect(cleared.results?.[0]).to.include({ response: '', points: 1, success: true });
    expect(cleared.passed).to.equal(true);
    expect((await QuizAttempt.findById(newAttempt._id).lean())!.results?.[0].response).to.equal('b');
    expect(await MailMessage.exists({ _id: oldSent._id })).to.equal(null);
    expect(await MailMessage.exists({ _id: newSent._id })).to.not.equal(null);
    expect(await MailMessage.exists({ _id: oldQueued._id }), 'a queued message waits for delivery').to.not.equal(null);
    expect((await AuditEntry.find({ organisationId: office._id, action: { $in: ['person.added', 'person.moved'] } }).lean()).map((e) => e.action)).to.deep.equal(['person.moved']);

    // The same day again (another instance, or a second tick): nothing runs twice.
    expect(await runRetention(server.platform)).to.equal(undefined);
    expect(await RetentionRun.countDocuments()).to.equal(1);
    // The next day the periods are applied again, and what was removed is not counted twice.
    clock.advance({ days: 1 });
    const next = (await runRetention(server.platform))!;
    expect(next.counts).to.include({ accounts: 0, attemptAnswers: 0, mail: 0, audit: 0 });
  });
});
