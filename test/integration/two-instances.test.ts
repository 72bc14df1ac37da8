// Issue 10: two app instances on one database (as behind a load balancer) behave as one system.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { pino } from 'pino';
import request, { type Response } from 'supertest';
import { AuthToken } from '../../src/auth/auth-token.model.js';
import { removeExpiredTokens } from '../../src/auth/auth-token.service.js';
import { removeExpiredSessions, SESSION_COLLECTION } from '../../src/auth/session-cleanup.js';
import { addDays } from '../../src/calendar/calendar.js';
import { enrolLearner } from '../../src/learning/enrolment.service.js';
import type { Logger } from '../../src/logger.js';
import { MailMessage } from '../../src/mail/mail-message.model.js';
import { messageIdFor } from '../../src/mail/mail-sender.js';
import { Organisation } from '../../src/organisations/organisation.model.js';
import { LrsClient } from '../../src/xapi/lrs-client.model.js';
import { clearCollections, useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom } from '../helpers/factories.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';
import { startFakeSmtp, type FakeSmtpServer } from '../helpers/smtp.js';

const HOUR = 60 * 60 * 1000;
const MAIL_FROM = 'Akademia JST <no-reply@akademia-jst.local>';

/** A logger that keeps its lines (JSON objects), to see what an instance's jobs did. */
function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

interface Instance {
  server: TestServer;
  /** What the instance logged (its jobs' runs, its mail sent). */
  log: Array<Record<string, unknown>>;
}

/**
 * Two instances of one installation, started at the same moment: same database, same environment (the
 * same SESSION_SECRET, the tests' fixed one), nothing else shared — each has its own app, rate-limit
 * stores, scheduled jobs and logger, as two processes behind a load balancer would.
 */
async function startTwoInstances(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<[Instance, Instance]> {
  const logs = [recordingLogger(), recordingLogger()];
  const started = await Promise.allSettled(logs.map(({ logger }) => startTestServer({ BASE_URL: 'https://akademia.test', ...env }, { ...options, logger })));
  const servers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failure = started.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    // The one that started would go on running its jobs against the next test file's database.
    await Promise.all(servers.map((server) => server.close()));
    throw failure.reason;
  }
  return [
    { server: servers[0], log: logs[0].lines },
    { server: servers[1], log: logs[1].lines },
  ];
}

async function closeAll(instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.server.close()));
}

/** A Cookie request header: `cookies` with those `res` sets added or replaced (a browser's jar, for one site). */
function cookiesOf(res: Response, cookies = ''): string {
  const jar = new Map(cookies ? cookies.split('; ').map((pair) => [pair.split('=')[0], pair] as const) : []);
  for (const cookie of (res.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
    const pair = cookie.split(';')[0];
    jar.set(pair.split('=')[0], pair);
  }
  return [...jar.values()].join('; ');
}

/** Signs in on one instance (form, then POST); returns the session cookie it set. */
async function signIn(url: string, email: string, password: string): Promise<string> {
  const form = await request(url).get('/logowanie').expect(200);
  const res = await request(url)
    .post('/logowanie')
    .set('Cookie', cookiesOf(form))
    .type('form')
    .send({ email, password, _csrf: csrfTokenFrom(form.text) });
  expect(res.status, res.text.slice(0, 300)).to.equal(302);
  expect(res.headers.location).to.not.match(/^\/logowanie/);
  return cookiesOf(res, cookiesOf(form));
}

/** Waits (polling the database and logs) until `done` holds, or fails naming `what`. */
async function eventually(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function runsOf(instance: Instance, message: string): Array<Record<string, unknown>> {
  return instance.log.filter((line) => line.msg === message);
}

describe('two instances on one database', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let smtp: FakeSmtpServer | undefined;
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
    await clearCollections();
  });

  describe('sessions', () => {
    let a: Instance;
    let b: Instance;
    before(async () => {
      [a, b] = await startTwoInstances();
    });
    after(async () => closeAll([a, b]));

    it('a session made on instance A is valid on B, a form of A is accepted by B, and signing out on B ends it on A', async () => {
      const { user, password } = await buildLearner({ overrides: { fullName: 'Anna Dwuinstancyjna' } });
      const cookie = await signIn(a.server.url, user.email, password);
      const page = await request(b.server.url).get('/moje-zaswiadczenia').set('Cookie', cookie).expect(200);
      expect(page.text).to.contain('Anna Dwuinstancyjna');
      // The CSRF token of a page A rendered is good on B (same SESSION_SECRET, the session in the database).
      // (double-submit: the token's cookie, set by A, travels with the form to B).
      const onA = await request(a.server.url).get('/moje-zaswiadczenia').set('Cookie', cookie).expect(200);
      const out = await request(b.server.url)
        .post('/wyloguj')
        .set('Cookie', cookiesOf(onA, cookie))
        .type('form')
        .send({ _csrf: csrfTokenFrom(onA.text) });
      expect(out.status).to.equal(302);
      const after = await request(a.server.url).get('/moje-zaswiadczenia').set('Cookie', cookie);
      expect(after.status).to.equal(302);
      expect(after.headers.location).to.match(/^\/logowanie/);
    });

    it('a session signed with another SESSION_SECRET is not accepted (the instances must share it)', async () => {
      const [other] = await startTwoInstances({ SESSION_SECRET: randomBytes(32).toString('hex') });
      try {
        const { user, password } = await buildLearner();
        const cookie = await signIn(a.server.url, user.email, password);
        const res = await request(other.server.url).get('/moje-zaswiadczenia').set('Cookie', cookie);
        expect(res.status).to.equal(302);
        expect(res.headers.location).to.match(/^\/logowanie/);
      } finally {
        await other.server.close();
      }
    });

    // Rate limits and lock-outs (counters in the database) go here: a limit reached half on A and half on B.
  });

  describe('scheduled jobs running on both instances at once', () => {
    it('the reminder run every second on both sends exactly one reminder per person and course', async () => {
      smtp = await startFakeSmtp();
      const office = await buildOrganisation();
      const people = await Promise.all(['Anna', 'Bartosz', 'Celina'].map((name) => buildLearner({ organisation: office, overrides: { fullName: `${name} Przypominana` } })));
      const [a, b] = await startTwoInstances({ SMTP_URL: smtp.url, MAIL_SEND_INTERVAL_SECONDS: '1', REMINDER_CRON: '* * * * * *' }, { startup: true });
      try {
        const course = a.server.platform.catalogue.require('rodo-w-urzedzie');
        for (const { user } of people) {
          const learner = { id: user._id.toHexString(), organisationId: office._id.toHexString(), learnerId: user.learnerId, fullName: user.fullName };
          await enrolLearner(a.server.platform, { learner, course, dueDate: addDays(new Date(), 3) });
        }
        // Both instances have run the reminders several times since, and the outbox is empty (all sent).
        const ranSinceEnrolment = [runsOf(a, 'course reminders sent').length, runsOf(b, 'course reminders sent').length];
        await eventually('three reminder runs on each instance, then every mail sent', async () => {
          const runs = [runsOf(a, 'course reminders sent').length, runsOf(b, 'course reminders sent').length];
          if (runs[0] < ranSinceEnrolment[0] + 3 || runs[1] < ranSinceEnrolment[1] + 3) return false;
          return (await MailMessage.countDocuments({ status: { $ne: 'sent' } })) === 0 && smtp!.received.length >= people.length;
        });
      } finally {
        await closeAll([a, b]);
      }
      const reminded = [...runsOf(a, 'course reminders sent'), ...runsOf(b, 'course reminders sent')];
      expect(
        reminded.reduce((sum, run) => sum + Number(run.sent), 0),
        'reminders queued by the two instances together',
      ).to.equal(people.length);
      expect(smtp.received.map((mail) => mail.to.join(',')).sort()).to.deep.equal(people.map(({ user }) => user.email).sort());
      expect(await MailMessage.countDocuments({})).to.equal(people.length);
    });

    it("the two instances' mail senders deliver each queued mail exactly once", async () => {
      smtp = await startFakeSmtp();
      const [a, b] = await startTwoInstances({ SMTP_URL: smtp.url, MAIL_SEND_INTERVAL_SECONDS: '1', REMINDER_CRON: 'off' }, { startup: true });
      const ids: string[] = [];
      try {
        for (let n = 1; n <= 12; n += 1) {
          const instance = n % 2 ? a : b;
          ids.push(await instance.server.platform.mailer.enqueue({ to: `adresat-${n}@example.test`, subject: `Wiadomość ${n}`, text: `Treść ${n}` }));
        }
        await eventually('every queued mail sent', async () => (await MailMessage.countDocuments({ status: { $ne: 'sent' } })) === 0);
      } finally {
        await closeAll([a, b]);
      }
      // After both stopped (their runs in flight ended): each message arrived once, under its own Message-ID.
      expect(smtp.received.map((mail) => mail.messageId).sort()).to.deep.equal(ids.map((id) => messageIdFor(id, MAIL_FROM).slice(1, -1)).sort());
      const sentBy = [runsOf(a, 'mail sent').length, runsOf(b, 'mail sent').length];
      expect(sentBy[0] + sentBy[1], `sent by A ${sentBy[0]}, by B ${sentBy[1]}`).to.equal(ids.length);
    });

    it('the clean-ups (expired sessions and e-mail tokens) may run on both at the same moment: idempotent deletes', async () => {
      const { user } = await buildLearner();
      const now = new Date();
      const sessions = mongoose.connection.db!.collection(SESSION_COLLECTION);
      await sessions.insertMany([
        { _id: 'expired-1' as never, expires: new Date(now.getTime() - HOUR), session: '{}' },
        { _id: 'expired-2' as never, expires: new Date(now.getTime() - HOUR), session: '{}' },
        { _id: 'live' as never, expires: new Date(now.getTime() + HOUR), session: '{}' },
      ]);
      await AuthToken.create([
        { _id: 'expired-token', purpose: 'reset-password', userId: user._id, expiresAt: new Date(now.getTime() - HOUR) },
        { _id: 'live-token', purpose: 'reset-password', userId: user._id, expiresAt: new Date(now.getTime() + HOUR) },
      ]);
      // What each instance's job does, twice at once.
      const [sessionsA, sessionsB, tokensA, tokensB] = await Promise.all([removeExpiredSessions(), removeExpiredSessions(), removeExpiredTokens(), removeExpiredTokens()]);
      expect(sessionsA + sessionsB).to.equal(2);
      expect(tokensA + tokensB).to.equal(1);
      expect((await sessions.find({}).toArray()).map((doc) => doc._id)).to.deep.equal(['live']);
      expect((await AuthToken.find({}).lean()).map((doc) => doc._id)).to.deep.equal(['live-token']);
    });
  });

  describe('start-up', () => {
    it('two instances starting at once on an empty database create one LRS client of XAPI_BASIC_USER, and both serve it', async () => {
      const env = { XAPI_BASIC_USER: 'lms-gminy', XAPI_BASIC_PASSWORD: 'haslo-lms-gminy-2026', REMINDER_CRON: 'off' };
      const [a, b] = await startTwoInstances(env, { startup: true });
      try {
        expect(await Organisation.countDocuments({})).to.equal(1);
        expect(await LrsClient.find({}).setOptions({ acrossOrganisations: true }).countDocuments()).to.equal(1);
        for (const instance of [a, b]) {
          await request(instance.server.url).get('/xapi/statements').auth(env.XAPI_BASIC_USER, env.XAPI_BASIC_PASSWORD).set('X-Experience-API-Version', '1.0.3').expect(200);
        }
      } finally {
        await closeAll([a, b]);
      }
    });
  });
});
