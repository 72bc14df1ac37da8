// Issue 10, finding 9: the embedded database dies (kill -9) under LRS write load, and enrolments cut short by it.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { connectMongoose, isDatabaseConnected, pingDatabase } from '../../src/db/connection.js';
import { isDatabaseUnavailableError } from '../../src/db/database-errors.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb, type SupervisorLogger } from '../../src/db/embedded-ferretdb.js';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { repairUnfinishedEnrolments } from '../../src/learning/enrolment-repair.js';
import { completeEnrolmentRecord, enrolLearner, registeredStatementId } from '../../src/learning/enrolment.service.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { toSessionUser } from '../../src/auth/session-user.js';
import { runStartupTasks } from '../../src/startup.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import { registered } from '../../src/xapi/learning-statements.js';
import { statementKey, statementsOf } from '../../src/xapi/statement.model.js';
import { VERBS } from '../../src/xapi/xapi-vocabulary.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { XAPI } from '../helpers/xapi-client.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logger that keeps what the supervisor says, to check that it said it. */
function recordingLogger(): SupervisorLogger & { messages: string[] } {
  const messages: string[] = [];
  const keep = (objOrMessage: unknown, message?: string) => void messages.push(typeof objOrMessage === 'string' ? objOrMessage : (message ?? ''));
  return { messages, info: keep, warn: keep, error: keep } as SupervisorLogger & { messages: string[] };
}

/** Waits until `condition` holds (polling), or fails after `timeoutMs` with `what`. */
async function eventually(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Kills the database as `kill -9` would, and waits until the supervisor has it answering again. */
async function killDatabase(ferret: EmbeddedFerretDb): Promise<number> {
  const pid = ferret.pid();
  expect(pid, 'a running FerretDB').to.be.a('number');
  process.kill(pid!, 'SIGKILL');
  return pid!;
}

describe('database outage (db/embedded-ferretdb supervision, http/database-guard, error handlers, learning/enrolment-repair)', function () {
  this.timeout(120_000);
  // This file's own FerretDB (killing the run's shared one would break every later file).
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-outage-'));
  const logger = recordingLogger();
  const gaveUp: Error[] = [];
  let ferret: EmbeddedFerretDb;
  before(async function () {
    this.timeout(60_000);
    // Restarts after 3 s (instead of 250 ms), longer than a request waits for the database (1.5 s): the outage is
    // long enough to be seen, and an operation run during it fails instead of being retried into the restart.
    ferret = await startEmbeddedFerretDb({ dataDir, logger, restartDelayMs: 3_000, onGiveUp: (reason) => gaveUp.push(reason), onRestarted: () => void pingDatabase() });
  });
  useTestDatabase(import.meta.url, { uri: () => ferret.uri });
  after(async () => {
    await ferret?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let server: TestServer;
  before(async () => {
    server = await startTestServer({ XAPI_RATE_LIMIT_PER_MINUTE: '0' });
  });
  after(async () => server.close());

  it('kill -9 under LRS write load: 503 with Retry-After (never 500), recovery without a restart, no acknowledged statement lost', async () => {
    const organisation = await buildOrganisation();
    const client = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'load' });
    const xapi = new XAPI({ endpoint: `${server.url}/xapi/`, auth: XAPI.toBasicAuth(client.key, client.secret) });
    const acknowledged: string[] = [];
    const statuses: number[] = [];
    const retryAfter: string[] = [];
    const failures: string[] = [];
    let killedAt = 0;
    let okAfterRecovery = 0;
    let stop = false;

    const worker = async (n: number) => {
      while (!stop) {
        const statements = Array.from({ length: 5 }, () => ({
          id: randomUUID(),
          actor: { objectType: 'Agent' as const, mbox: `mailto:worker${n}@example.com` },
          verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
          object: { objectType: 'Activity' as const, id: `http://example.com/outage/${n}` },
        }));
        try {
          await xapi.sendStatements({ statements });
          statuses.push(200);
          acknowledged.push(...statements.map((statement) => statement.id));
          if (killedAt && statuses.includes(503)) okAfterRecovery++;
        } catch (error) {
          const response = (error as { response?: { status: number; headers: Record<string, string> } }).response;
          statuses.push(response?.status ?? -1);
          if (response?.status !== 503) failures.push(`${response?.status}: ${JSON.stringify((response as { data?: unknown } | undefined)?.data ?? String(error))}`);
          if (response?.status === 503) retryAfter.push(response.headers['retry-after']);
          // A client honouring Retry-After would wait its seconds; the load keeps knocking to see the recovery.
          await sleep(50);
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_unused, n) => worker(n));
    await eventually('the load is running', () => acknowledged.length >= 30);
    const killedPid = await killDatabase(ferret);
    killedAt = Date.now();
    try {
      await eventually('statements are acknowledged again after 503s', () => okAfterRecovery >= 30, 60_000);
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    expect([...new Set(statuses)].sort(), `every answer was a 200 or a 503: ${failures.slice(0, 3).join(' | ')}`).to.deep.equal(statuses.includes(200) ? [200, 503] : [503]);
    expect(statuses.filter((status) => status === 503).length, '503s during the outage').to.be.above(0);
    expect(retryAfter.length).to.be.above(0);
    expect(
      retryAfter.every((value) => /^\d+$/.test(value)),
      `Retry-After values ${retryAfter.join(',')}`,
    ).to.equal(true);
    expect(ferret.pid()).to.be.a('number').and.not.equal(killedPid);
    // The supervisor logs the restart once its own ping answers, which can come after the pool's first requests do.
    await eventually('the supervisor logged the restart', () => logger.messages.includes('embedded FerretDB restarted'));
    expect(logger.messages).to.include('embedded FerretDB exited unexpectedly');
    expect(gaveUp).to.deep.equal([]);

    // Every statement the LRS acknowledged is there, read back through the LRS.
    const missing: string[] = [];
    for (const id of acknowledged) {
      try {
        await xapi.getStatement({ statementId: id });
      } catch {
        missing.push(id);
      }
    }
    expect(missing, `${missing.length} of ${acknowledged.length} acknowledged statements lost`).to.deep.equal([]);
  });

  it('finishes at start-up an enrolment whose registered statement and progress were lost to a kill mid-enrolment', async () => {
    const organisation = await buildOrganisation();
    const { user } = await buildLearner({ organisation });
    const learner = toSessionUser(user);
    const course = server.platform.catalogue.list()[0];
    // The database dies after the enrolment is stored, before its registered statement is.
    const dying = {
      events: server.platform.events,
      clock: server.platform.clock,
      recorder: new Proxy(server.platform.recorder, {
        get(target, property, receiver) {
          if (property !== 'recordOnce') return Reflect.get(target, property, receiver) as unknown;
          return async (...args: Parameters<typeof target.recordOnce>) => {
            await killDatabase(ferret);
            await eventually('the driver saw the database die', async () => !(await pingDatabase()));
            return target.recordOnce(...args);
          };
        },
      }),
    };
    const failure = await enrolLearner(dying, { learner, course }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailableError(failure), `enrolment failed with an outage error, not ${String(failure)}`).to.equal(true);
    await eventually('the supervisor brought the database back', () => pingDatabase());

    const cutShort = await Enrolment.findOne({ organisationId: organisation._id, userId: user._id, courseId: course.id }).lean();
    expect(cutShort, 'the enrolment was stored before the kill').to.not.equal(null);
    expect(cutShort!.recordedAt).to.equal(undefined);
    expect(await (await statementsOf(organisation._id)).findById(statementKey(organisation._id.toHexString(), registeredStatementId(cutShort!._id))).lean()).to.equal(null);
    expect(await LearningProgress.findById(cutShort!._id).lean()).to.equal(null);

    // The server's start-up tasks (jobs stopped at once: they are named, one of each per process).
    (await runStartupTasks(server.platform, { embedded: false })).stop();
    const healed = await Enrolment.findById(cutShort!._id).lean();
    expect(healed!.recordedAt).to.be.instanceOf(Date);
    const statements = await (await statementsOf(organisation._id)).find({ organisationId: organisation._id, registration: cutShort!.registration }).lean();
    expect(statements.map((doc) => doc.verbId)).to.deep.equal([VERBS.registered]);
    expect(statements[0].statementId).to.equal(registeredStatementId(cutShort!._id));
    expect(JSON.parse(statements[0].json).timestamp).to.equal(cutShort!.enrolledAt.toISOString());
    expect((await LearningProgress.findById(cutShort!._id).lean())?.status).to.equal('enrolled');

    // A second start finds nothing left to do and records nothing twice.
    expect((await repairUnfinishedEnrolments(server.platform)).unfinished).to.equal(0);
    expect(await (await statementsOf(organisation._id)).countDocuments({ organisationId: organisation._id, registration: cutShort!.registration })).to.equal(1);
  });

  it('finishes an enrolment stored but not projected, and one from before derived ids, without a second registered', async () => {
    const organisation = await buildOrganisation();
    const { user } = await buildLearner({ organisation });
    const learner = toSessionUser(user);
    const [first, second] = server.platform.catalogue.list();
    const { platform } = server;

    // Stored, then the database died before the projection and the mark: the learner clicks "enrol" again.
    const { enrolment: projectedLost } = await enrolLearner(platform, { learner, course: first });
    await LearningProgress.deleteOne({ _id: projectedLost._id });
    await Enrolment.updateOne({ _id: projectedLost._id, organisationId: organisation._id }, { $unset: { recordedAt: 1 } });
    const again = await enrolLearner(platform, { learner, course: first });
    expect(again.created).to.equal(false);
    expect((await LearningProgress.findById(projectedLost._id).lean())?.status).to.equal('enrolled');
    expect(await (await statementsOf(organisation._id)).countDocuments({ organisationId: organisation._id, registration: projectedLost.registration })).to.equal(1);

    // Enrolled before ids were derived: its registered statement has a random id and was never projected.
    const legacy = await Enrolment.create({
      organisationId: organisation._id,
      userId: user._id,
      courseId: second.id,
      courseVersion: second.version,
      registration: randomUUID(),
      enrolledAt: new Date(),
    });
    await platform.recorder.record({ learner, course: second, registration: legacy.registration }, (ctx) => [registered(ctx)]);
    await LearningProgress.deleteOne({ _id: legacy._id });
    const finished = await completeEnrolmentRecord(platform, { learner, course: second, enrolment: legacy.toObject() as unknown as EnrolmentDoc });
    expect(finished).to.equal(true);
    expect((await LearningProgress.findById(legacy._id).lean())?.status).to.equal('enrolled');
    expect(await (await statementsOf(organisation._id)).countDocuments({ organisationId: organisation._id, registration: legacy.registration })).to.equal(1);
  });

  it('answers the Polish 503 page, LRS JSON and /healthz db down at once while the connection is down, and recovers', async () => {
    const organisation = await buildOrganisation();
    const client = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'down' });
    // The driver's own view after the database went away, held still: the pool is closed until reconnected.
    const dbName = mongoose.connection.db!.databaseName;
    await mongoose.disconnect();
    try {
      expect(isDatabaseConnected()).to.equal(false);
      const page = await request(server.url).get('/szkolenia').set('Accept', 'text/html').expect(503);
      expect(page.headers['retry-after']).to.match(/^\d+$/);
      expect(page.text).to.contain('<html lang="pl">').and.contain('Platforma jest chwilowo niedostępna');
      const english = await request(server.url).get('/szkolenia?lang=en').set('Accept', 'text/html').expect(503);
      expect(english.text).to.contain('The platform is unavailable for a moment');
      const lrs = await request(server.url)
        .post('/xapi/statements')
        .set('X-Experience-API-Version', '1.0.3')
        .set('Authorization', XAPI.toBasicAuth(client.key, client.secret))
        .send({ actor: { mbox: 'mailto:a@example.com' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: 'http://example.com/a' } })
        .expect(503);
      expect(lrs.headers['retry-after']).to.match(/^\d+$/);
      expect(lrs.headers['x-experience-api-version']).to.equal('1.0.3');
      expect(lrs.body).to.include({ error: 'service_unavailable' });
      expect(lrs.body.message).to.contain('same statement ids');
      const health = await request(server.url).get('/healthz').expect(503);
      expect(health.body).to.include({ status: 'unavailable', db: 'down' });
    } finally {
      await connectMongoose(ferret.uri, dbName);
    }
    await request(server.url).get('/healthz').expect(200);
  });

  it('gives up (onGiveUp) on a database that keeps dying, and does not restart one stopped on purpose', async function () {
    const otherDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-outage-giveup-'));
    const reasons: Error[] = [];
    const fragile = await startEmbeddedFerretDb({ dataDir: otherDir, maxRestarts: 1, onGiveUp: (reason) => reasons.push(reason) });
    try {
      const first = await killDatabase(fragile);
      await eventually('the first death is restarted', () => fragile.pid() !== undefined && fragile.pid() !== first);
      await killDatabase(fragile);
      await eventually('the second death within the window gives up', () => reasons.length === 1);
      expect(reasons[0].message).to.match(/died 2 times within 60 s/);
      await sleep(1_000);
      expect(fragile.pid(), 'not restarted after giving up').to.equal(undefined);
    } finally {
      await fragile.stop();
      rmSync(otherDir, { recursive: true, force: true });
    }

    const stoppedDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-outage-stop-'));
    const stoppedLogger = recordingLogger();
    const stopped = await startEmbeddedFerretDb({ dataDir: stoppedDir, logger: stoppedLogger });
    await stopped.stop();
    await sleep(1_000);
    expect(stopped.pid()).to.equal(undefined);
    expect(stoppedLogger.messages).to.deep.equal([]);
    rmSync(stoppedDir, { recursive: true, force: true });
  });
});
