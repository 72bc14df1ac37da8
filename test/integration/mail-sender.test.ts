import { expect } from 'chai';
import request from 'supertest';
import { warsawIsoDay } from '../../src/calendar/calendar.js';
import { createLogger } from '../../src/logger.js';
import { MailAttachmentContent, attachmentKey } from '../../src/mail/mail-attachment.model.js';
import { MailClaim, claimKey } from '../../src/mail/mail-claim.model.js';
import { MailMessage } from '../../src/mail/mail-message.model.js';
import { createMailTransport, deliverDueMail, messageIdFor, scheduleMailSender, type MailDeliveryDeps } from '../../src/mail/mail-sender.js';
import { Mailer } from '../../src/mail/mail.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { mailsTo } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { closedPort, startFakeSmtp } from '../helpers/smtp.js';

const FROM = 'Akademia JST <no-reply@akademia-jst.local>';
const logger = createLogger('silent');
const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

describe('mail/mail-sender', () => {
  useTestDatabase(import.meta.url);
  const mailer = new Mailer({ smtpConfigured: true, logger });
  const deps = (port: number, extra: Partial<MailDeliveryDeps> = {}): MailDeliveryDeps => ({
    transport: createMailTransport(`smtp://127.0.0.1:${port}`, 2_000),
    from: FROM,
    logger,
    ...extra,
  });
  afterEach(async () => {
    await MailMessage.deleteMany({});
  });

  it('answers a password reset without waiting for a silent SMTP server (mail never goes out in a request)', async () => {
    const smtp = await startFakeSmtp({ silent: true });
    const server = await startTestServer({ SMTP_URL: smtp.url });
    try {
      const { user } = await buildLearner();
      const timings: number[] = [];
      for (const email of [user.email, 'nie-ma-mnie@example.test']) {
        const agent = request.agent(server.url);
        const form = await agent.get('/haslo/reset').expect(200);
        const started = Date.now();
        await agent
          .post('/haslo/reset')
          .type('form')
          .send({ _csrf: csrfTokenFrom(form.text), email })
          .expect(303);
        timings.push(Date.now() - started);
      }
      // Before the queue: 30 s for a known address (nodemailer's default greeting timeout), 37 ms for an unknown one.
      expect(timings[0], `known ${timings[0]} ms, unknown ${timings[1]} ms`).to.be.below(2_000);
      const [queued] = await mailsTo(user.email);
      expect(queued).to.include({ status: 'queued', attempts: 0 });
    } finally {
      await server.close();
      await smtp.close();
    }
  });

  it('survives an SMTP outage: every queued mail is delivered exactly once after the server returns', async function () {
    this.timeout(30_000);
    const port = await closedPort();
    const ids = [];
    for (const n of [1, 2, 3]) {
      ids.push(
        await mailer.enqueue({
          to: `awaria-${n}@example.test`,
          subject: `Wiadomość ${n}`,
          text: `Treść ${n}`,
          attachments: n === 1 ? [{ filename: 'z.pdf', content: Buffer.from('%PDF-1.7 awaria'), contentType: 'application/pdf' }] : [],
        }),
      );
    }
    const outage = await deliverDueMail(deps(port));
    expect(outage).to.deep.equal({ sent: 0, retrying: 3, failed: 0, skipped: 0 });
    for (const id of ids) {
      const stored = (await MailMessage.findById(id).lean())!;
      expect(stored).to.include({ status: 'queued', attempts: 1 });
      expect(stored.nextAttemptAt.getTime()).to.be.above(Date.now());
      expect(stored.error).to.be.a('string').and.not.equal('');
    }
    // Not due yet: a run now attempts nothing.
    expect(await deliverDueMail(deps(port))).to.deep.equal({ sent: 0, retrying: 0, failed: 0, skipped: 0 });

    const smtp = await startFakeSmtp({ port });
    try {
      const back = await deliverDueMail(deps(port), later(2));
      expect(back).to.deep.equal({ sent: 3, retrying: 0, failed: 0, skipped: 0 });
      expect(await deliverDueMail(deps(port), later(300))).to.deep.equal({ sent: 0, retrying: 0, failed: 0, skipped: 0 });
      expect(smtp.received.map((m) => m.to.join(',')).sort()).to.deep.equal(['awaria-1@example.test', 'awaria-2@example.test', 'awaria-3@example.test']);
      expect(smtp.received.find((m) => m.to[0] === 'awaria-1@example.test')!.data).to.contain('filename=z.pdf');
      for (const id of ids) {
        const stored = (await MailMessage.findById(id).lean())!;
        expect(stored).to.include({ status: 'sent', attempts: 2 });
        expect(stored.sentAt).to.be.instanceOf(Date);
      }
      // The bytes go once delivered; the record stays.
      expect(await MailAttachmentContent.findOne({ _id: attachmentKey(ids[0], 0) })).to.equal(null);
    } finally {
      await smtp.close();
    }
  });

  it('delivers the mail of real flows queued through a refused, a deferring (421) and a silent server exactly once when it returns', async function () {
    this.timeout(60_000);
    // One port throughout: nothing listens, then a server that answers 421, then one that never greets, then a real one.
    const port = await closedPort();
    const quick = (extra: Partial<MailDeliveryDeps> = {}) => ({ ...deps(port, extra), transport: createMailTransport(`smtp://127.0.0.1:${port}`, 500) });
    const silent = await startFakeSmtp({ silent: true, port });
    const server = await startTestServer({ SMTP_URL: silent.url, COURSES_DIR: 'test/fixtures/courses', BASE_URL: 'https://akademia.test' });
    let ids: string[];
    try {
      // Real flows queue the mail: a password reset, an HR assignment of two people, a certificate.
      const office = await buildOrganisation();
      const department = office.departments[0]._id;
      const { user: anna } = await buildLearner({ organisation: office, overrides: { fullName: 'Anna Awaryjna', departmentId: department } });
      const { user: bartek } = await buildLearner({ organisation: office, overrides: { fullName: 'Bartek Awaryjny', departmentId: department } });
      const hr = await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa' } });
      const reset = request.agent(server.url);
      const resetForm = await reset.get('/haslo/reset').expect(200);
      await reset
        .post('/haslo/reset')
        .type('form')
        .send({ _csrf: csrfTokenFrom(resetForm.text), email: anna.email })
        .expect(303);
      const hrAgent = await loginAgent(server.url, hr.user.email, hr.password);
      const assignForm = await hrAgent.get('/kadry/przypisz').expect(200);
      await hrAgent
        .post('/kadry/przypisz')
        .type('form')
        .send({ _csrf: csrfTokenFrom(assignForm.text), courseId: 'przyklad-kurs', departmentId: String(department), dueDate: warsawIsoDay(later(60 * 24 * 30)) })
        .expect(303);
      await buildCertificate(server.platform, bartek);
      // The requests answered without the mail server: not one of them so much as connected to it.
      expect(silent.connections()).to.equal(0);
      const queued = await MailMessage.find({}).sort({ createdAt: 1, _id: 1 }).lean();
      expect(queued.map((m) => m.to).sort()).to.deep.equal([anna.email, anna.email, bartek.email, bartek.email].sort());
      expect(queued.some((m) => m.attachments?.length)).to.equal(true);
      ids = queued.map((m) => m._id.toHexString());
    } finally {
      await server.close();
      await silent.close();
    }
    const expectAllQueued = async (attempts: number) => {
      for (const stored of await MailMessage.find({}).lean()) {
        expect(stored, stored.subject).to.include({ status: 'queued', attempts });
        expect(stored.sentAt ?? null).to.equal(null);
        expect(stored.error).to.be.a('string').and.not.equal('');
      }
    };

    // Nothing listens: connection refused.
    expect(await deliverDueMail(quick())).to.deep.equal({ sent: 0, retrying: 4, failed: 0, skipped: 0 });
    await expectAllQueued(1);
    // A server that defers everything (421 at the greeting).
    const deferring = await startFakeSmtp({ deferring: true, port });
    try {
      expect(await deliverDueMail(quick(), later(2))).to.deep.equal({ sent: 0, retrying: 4, failed: 0, skipped: 0 });
      expect(deferring.connections()).to.equal(4);
      expect(deferring.received).to.deep.equal([]);
    } finally {
      await deferring.close();
    }
    await expectAllQueued(2);
    // A server that accepts the connection and never says a word: the greeting timeout ends each attempt.
    const hung = await startFakeSmtp({ silent: true, port });
    try {
      expect(await deliverDueMail(quick(), later(10))).to.deep.equal({ sent: 0, retrying: 4, failed: 0, skipped: 0 });
      expect(hung.connections()).to.equal(4);
    } finally {
      await hung.close();
    }
    await expectAllQueued(3);

    // The server is back: every message goes once, each under its own stable Message-ID.
    const smtp = await startFakeSmtp({ port });
    try {
      expect(await deliverDueMail(quick(), later(30))).to.deep.equal({ sent: 4, retrying: 0, failed: 0, skipped: 0 });
      expect(await deliverDueMail(quick(), later(300))).to.deep.equal({ sent: 0, retrying: 0, failed: 0, skipped: 0 });
      expect(smtp.received.map((m) => m.messageId).sort()).to.deep.equal(ids.map((id) => messageIdFor(id, FROM).slice(1, -1)).sort());
      for (const stored of await MailMessage.find({}).lean()) expect(stored).to.include({ status: 'sent', attempts: 4 });
    } finally {
      await smtp.close();
    }
  });

  it('sends an attempt once when two senders run at the same time (unique claims)', async () => {
    const smtp = await startFakeSmtp();
    try {
      await mailer.enqueue({ to: 'dwa@example.test', subject: 'Raz', text: 'Tylko raz' });
      const [a, b] = await Promise.all([deliverDueMail(deps(smtp.port)), deliverDueMail(deps(smtp.port))]);
      expect(a.sent + b.sent).to.equal(1);
      expect(smtp.received).to.have.length(1);
    } finally {
      await smtp.close();
    }
  });

  it('retries an attempt whose sender stopped between claiming and booking it', async () => {
    const smtp = await startFakeSmtp();
    try {
      const id = await mailer.enqueue({ to: 'porzucona@example.test', subject: 'Porzucona', text: 'Treść' });
      await MailClaim.create({ _id: claimKey(id, 0), claimedAt: new Date() });
      expect(await deliverDueMail(deps(smtp.port))).to.include({ skipped: 1, sent: 0 });
      expect(await deliverDueMail(deps(smtp.port), later(11))).to.include({ skipped: 1, sent: 0 });
      expect(await deliverDueMail(deps(smtp.port), later(13))).to.include({ sent: 1 });
      expect(smtp.received).to.have.length(1);
    } finally {
      await smtp.close();
    }
  });

  it('gives up after the last attempt, keeping the error', async function () {
    this.timeout(30_000);
    const port = await closedPort();
    const id = await mailer.enqueue({ to: 'nigdy@example.test', subject: 'Nie dojdzie', text: 'Treść' });
    const outcomes = [];
    for (const minutes of [0, 2, 10]) outcomes.push(await deliverDueMail(deps(port, { maxAttempts: 3 }), later(minutes)));
    expect(outcomes.map((o) => [o.retrying, o.failed])).to.deep.equal([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    const stored = (await MailMessage.findById(id).lean())!;
    expect(stored).to.include({ status: 'failed', attempts: 3 });
    expect(stored.failedAt).to.be.instanceOf(Date);
    expect(stored.error).to.match(/ECONNREFUSED|connect/i);
    expect(await deliverDueMail(deps(port, { maxAttempts: 3 }), later(600))).to.deep.equal({ sent: 0, retrying: 0, failed: 0, skipped: 0 });
  });

  it('is scheduled by the server only with SMTP_URL, every MAIL_SEND_INTERVAL_SECONDS, and delivers on its own', async function () {
    this.timeout(10_000);
    expect(scheduleMailSender({ config: { MAIL_FROM: FROM, MAIL_SEND_INTERVAL_SECONDS: 1 }, logger })).to.equal(undefined);
    const smtp = await startFakeSmtp();
    const job = scheduleMailSender({ config: { SMTP_URL: smtp.url, MAIL_FROM: FROM, MAIL_SEND_INTERVAL_SECONDS: 1 }, logger })!;
    try {
      await mailer.enqueue({ to: 'samo@example.test', subject: 'Samo', text: 'Wysłane przez zadanie' });
      const deadline = Date.now() + 8_000;
      while (smtp.received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(smtp.received.map((m) => m.to.join(','))).to.deep.equal(['samo@example.test']);
    } finally {
      job.stop();
      await smtp.close();
    }
  });
});
