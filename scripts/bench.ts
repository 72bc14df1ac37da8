// npm run bench [-- --learners 100]: measures the hot paths on the real database (embedded FerretDB unless MONGODB_URI).
// It reports timings; it asserts nothing (speed is measured here, not in the tests).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mongoose, { Types } from 'mongoose';
import { createApp } from '../src/app.js';
import { User } from '../src/auth/user.model.js';
import { loadConfig } from '../src/config.js';
import { connectMongoose, ensureIndexes } from '../src/db/connection.js';
import { startEmbeddedFerretDb } from '../src/db/embedded-ferretdb.js';
import { enrolLearner, learnerEnrolments } from '../src/learning/enrolment.service.js';
import type { Learner } from '../src/learning/learner.js';
import { createLogger } from '../src/logger.js';
import { Organisation } from '../src/organisations/organisation.model.js';
import { createPlatform } from '../src/platform.js';
import { lessonExperienced } from '../src/xapi/learning-statements.js';
import { createLrsClient } from '../src/xapi/lrs-client.service.js';

const { values: args } = parseArgs({ options: { learners: { type: 'string', default: '100' } } });
const learnerCount = Number(args.learners);

interface Sample {
  name: string;
  times: number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(name: string, runs: number, work: (i: number) => Promise<unknown>): Promise<Sample> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await work(i);
    times.push(performance.now() - start);
  }
  return { name, times };
}

function report(samples: Sample[]): void {
  const rows = samples.map(({ name, times }) => {
    const sorted = [...times].sort((a, b) => a - b);
    return {
      operation: name,
      runs: times.length,
      'p50 ms': percentile(sorted, 50).toFixed(1),
      'p95 ms': percentile(sorted, 95).toFixed(1),
      'max ms': sorted[sorted.length - 1].toFixed(1),
    };
  });
  console.table(rows);
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', PORT: '0' });
  const logger = createLogger('silent');
  let dataDir: string | undefined;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-bench-'));
    const embedded = await startEmbeddedFerretDb({ dataDir, binary: config.FERRETDB_BIN });
    uri = embedded.uri;
    stopEmbedded = () => embedded.stop();
  }
  const dbName = `bench_${randomBytes(3).toString('hex')}`;
  await connectMongoose(uri, dbName);
  await ensureIndexes();
  const platform = await createPlatform(config, logger);
  const course = platform.catalogue.require('rodo-w-urzedzie');

  console.log(
    `Database: ${config.MONGODB_URI ? 'MongoDB (MONGODB_URI)' : 'embedded FerretDB v1.24 (SQLite)'}; ${learnerCount} learners, course ${course.id} (${course.lessons.length} lessons)`,
  );
  const organisation = await Organisation.create({ name: 'Urząd Gminy Benchmark', slug: `bench-${dbName}`, kind: 'office' });
  const organisationId = organisation._id.toHexString();
  const learners: Learner[] = [];
  for (let i = 0; i < learnerCount; i += 1) {
    const user = await User.create({ organisationId: organisation._id, email: `bench${i}@example.pl`, passwordHash: 'x', fullName: `Kursant ${i}` });
    learners.push({ id: user._id.toHexString(), organisationId, learnerId: user.learnerId, fullName: user.fullName });
  }

  const samples: Sample[] = [];
  const registrations = new Map<string, string>();
  samples.push(
    await measure('enrolLearner (enrolment + registered statement + projection)', learners.length, async (i) => {
      const { enrolment } = await enrolLearner(platform, { learner: learners[i], course });
      registrations.set(learners[i].id, enrolment.registration);
    }),
  );
  samples.push(
    await measure('record one "experienced" statement + projection', learners.length * course.lessons.length, async (i) => {
      const learner = learners[i % learners.length];
      const lesson = course.lessons[Math.floor(i / learners.length)];
      await platform.recorder.record({ learner, course, registration: registrations.get(learner.id)! }, (ctx) => [lessonExperienced(ctx, lesson)]);
    }),
  );
  const statementCount = await mongoose.connection.db!.collection('xapi_statements').countDocuments();
  samples.push(
    await measure('"Moje szkolenia" data: learnerEnrolments (progress by _id)', 200, (i) =>
      learnerEnrolments(
        learners[i % learners.length],
        platform.catalogue.list().map((c) => c.id),
      ),
    ),
  );

  const app = await createApp(platform);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = await createLrsClient({ organisationId, name: 'bench' });
  const headers = { Authorization: `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`, 'X-Experience-API-Version': '1.0.3' };
  const get = async (url: string) => {
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ statements: unknown[]; more?: string }>;
  };
  samples.push(
    await measure('LRS GET /xapi/statements?agent=… (one learner, scan)', 30, (i) => {
      const agent = JSON.stringify({ objectType: 'Agent', account: { homePage: config.BASE_URL, name: learners[i % learners.length].learnerId } });
      return get(`${base}/xapi/statements?agent=${encodeURIComponent(agent)}`);
    }),
  );
  samples.push(await measure('LRS GET /xapi/statements?limit=100 (first page)', 30, () => get(`${base}/xapi/statements?limit=100`)));
  samples.push(
    await measure('LRS POST /xapi/statements (batch of 10)', 20, async () => {
      const batch = Array.from({ length: 10 }, () => ({
        actor: { objectType: 'Agent', account: { homePage: config.BASE_URL, name: new Types.ObjectId().toHexString() } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced' } },
        object: { objectType: 'Activity', id: `${config.XAPI_ACTIVITY_BASE}/external/${randomBytes(4).toString('hex')}` },
      }));
      const res = await fetch(`${base}/xapi/statements`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });
      if (res.status !== 200) throw new Error(`POST: ${res.status} ${await res.text()}`);
    }),
  );
  samples.push(await measure('GET /healthz', 50, () => fetch(`${base}/healthz`).then((r) => r.text())));

  console.log(`Statements in the store: ${statementCount} (before the LRS POSTs)`);
  report(samples);

  server.close();
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
  await stopEmbedded?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
