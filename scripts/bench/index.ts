// npm run bench [-- --quick] [-- --backend postgres] [-- --seed 17]: the issue-17 figures, each a ratio against a baseline of the same run.
// Prints a short summary, then as its last line one JSON object {"figures": [...], ...context}. Its own database, dropped afterwards.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { renderCertificatePdf } from '../../src/certificates/certificate-pdf.js';
import { resolveTemplate } from '../../src/certificates/certificate-template.js';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { loadConfig } from '../../src/config.js';
import { connectMongoose, ensureIndexes } from '../../src/db/connection.js';
import { createLogger } from '../../src/logger.js';
import { CourseCatalogue, loadCourseCatalogue } from '../../src/courses/course-catalogue.js';
import { Organisation } from '../../src/organisations/organisation.model.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { lessonExperienced, questionAnswered, quizScored } from '../../src/xapi/learning-statements.js';
import { agentKey } from '../../src/xapi/statement-keys.js';
import type { Statement } from '../../src/xapi/xapi.types.js';
import { VERBS } from '../../src/xapi/xapi-vocabulary.js';
import { barePdf, driverStatementQuery, startBarePage, type DriverQuery } from './baselines.js';
import { BackendUnavailable, startBenchServer, type Backend } from './database.js';
import {
  BENCH_PASSWORD,
  Random,
  addOtherOffices,
  countOfficeProgress,
  createOfficeA,
  createOfficeH,
  insertStatements,
  statementDocument,
  storeSizes,
  type BenchOffice,
} from './dataset.js';
import { BEHIND_TLS, LrsClient, SignedIn } from './http-client.js';
import { absoluteFigure, concurrently, interleaved, loadTest, percentile, ratioFigure, round, sample, type Figure, type SampleBudget } from './measure.js';

// Express caches compiled views only in production (it reads NODE_ENV itself): the app runs as it runs in production.
process.env.NODE_ENV = 'production';

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, backend: { type: 'string', default: 'sqlite' }, seed: { type: 'string', default: '17' } },
});
if (args.backend !== 'sqlite' && args.backend !== 'postgres') throw new Error(`--backend must be sqlite or postgres, not ${args.backend}`);
const backend: Backend = args.backend;
const quick = args.quick;

/** The sizes of the issue: office A is the same in both modes, the store it grows into differs. */
const SIZE = {
  clerks: 200,
  officeStatements: 10_000,
  officeCertificates: 20,
  offices: quick ? 10 : 40,
  totalStatements: quick ? 100_000 : 1_000_000,
};
/** ≥ 30 samples per page; a page slower than the budget allows stops earlier (the figure says how many it got). */
const PAGE_BUDGET: SampleBudget = quick ? { samples: 30, budgetMs: 2_000, minSamples: 3 } : { samples: 60, budgetMs: 30_000, minSamples: 10 };
/** An LRS GET (or its driver query) unanswered after this is given up (the figure then says so): the LRS scans the store today. */
const LRS_TIMEOUT_MS = quick ? 20_000 : 120_000;
const INGEST_BATCHES = quick ? 40 : 200;
const LOAD_MS = quick ? 2_000 : 10_000;
const PDF_SAMPLES = quick ? 12 : 40;
/** Office H (issue 12): HR's pages at 2,000 people × 10 courses, in both modes. */
const OFFICE_H = { people: 2000, courses: 10 };
/** Fewer samples for HR's heavy answers (a 20,000-line XLSX): the budget, not the count, decides. */
const HR_BUDGET: SampleBudget = quick ? { samples: 15, budgetMs: 4_000, minSamples: 3 } : { samples: 40, budgetMs: 30_000, minSamples: 10 };

/**
 * The served courses plus copies under other ids up to `count`, for office H's ten columns (the repository has
 * fewer courses). Copies go last: office A and the other offices take the first three, the real ones.
 */
async function benchCatalogue(dir: string, count: number): Promise<CourseCatalogue> {
  const loaded = (await loadCourseCatalogue({ dir, logger: createLogger('silent') })).list();
  const copies = Array.from({ length: Math.max(0, count - loaded.length) }, (_unused, i) => {
    const course = loaded[i % loaded.length];
    return { ...course, id: `${course.id}-kopia-${i + 1}`, title: `${course.title} (kopia ${i + 1})` };
  });
  return new CourseCatalogue([...loaded, ...copies]);
}

/** HR's pages of office H, each to be compared with the aggregation counting the office's progress documents. */
function hrProbesOf(hr: SignedIn): Probe[] {
  const xlsx = async () => {
    const res = await hr.request('/kadry/eksport.xlsx');
    const body = await res.arrayBuffer();
    if (res.status !== 200 || body.byteLength < 1000) throw new Error(`GET /kadry/eksport.xlsx: ${res.status}, ${body.byteLength} bytes`);
    return body;
  };
  return [
    { name: 'hr_matrix_page', run: () => hr.page('/kadry') },
    { name: 'hr_overdue_list', run: () => hr.page('/kadry/zaleglosci') },
    { name: 'hr_matrix_xlsx', run: xlsx },
  ];
}

/** Times each HR probe interleaved with the baseline aggregation; logs and returns the samples by probe. */
async function measureHr(probes: Probe[], organisationId: string, label: string): Promise<Record<string, { subject: number[]; baseline: number[] }>> {
  const result: Record<string, { subject: number[]; baseline: number[] }> = {};
  for (const probe of probes) {
    result[probe.name] = await interleaved(HR_BUDGET, probe.run, () => countOfficeProgress(organisationId));
    const { subject, baseline } = result[probe.name];
    log(`  ${label} ${probe.name}: p95 ${percentile(subject, 95).toFixed(1)} ms, progress count ${percentile(baseline, 95).toFixed(1)} ms (n=${subject.length})`);
  }
  return result;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

interface Probe {
  name: string;
  run: () => Promise<unknown>;
  /** The same LRS query with the driver (statement-query figures). */
  driver?: () => Promise<unknown>;
}

/** The pages and answers whose cost must not grow with other offices' data (growth figures), for one learner and HR of office A. */
async function probesOf(platform: Platform, base: string, office: BenchOffice): Promise<{ lrs: LrsClient; growth: Probe[]; queries: Probe[] }> {
  const learner = office.learners[0];
  const course = office.courses[0];
  const enrolment = office.enrolments.find((candidate) => candidate.userId.toHexString() === learner.id && candidate.courseId === course.id)!;
  const person = await SignedIn.as(base, learner.email, BENCH_PASSWORD);
  const hr = await SignedIn.as(base, office.hr.email, BENCH_PASSWORD);
  const lrs = await LrsClient.create(base, office.organisationId);
  const actor = platform.vocabulary.learnerActor(learner.learnerId);
  const activity = platform.vocabulary.activityIri.lesson(course.id, course.lessons[0].id);
  const lessonPath = `/szkolenia/${course.id}/lekcje/${course.lessons[Math.min(1, course.lessons.length - 1)].id}`;
  const code = office.certificateCodes[0];
  const verify = async () => {
    const res = await fetch(`${base}/weryfikacja/${code}`, { headers: BEHIND_TLS });
    if (res.status !== 200) throw new Error(`GET /weryfikacja/${code}: ${res.status}`);
    return res.text();
  };
  const lrsProbe = (name: string, query: Record<string, string>, driver: DriverQuery): Probe => ({
    name,
    run: () => lrs.get({ ...query, limit: '100' }, LRS_TIMEOUT_MS),
    driver: () => driverStatementQuery(office.organisationId, driver, LRS_TIMEOUT_MS),
  });
  const since = office.since.toISOString();
  const byAgent = lrsProbe('agent', { agent: JSON.stringify(actor) }, { agentKey: agentKey(actor) });
  const byRegistration = lrsProbe('registration', { registration: enrolment.registration }, { registration: enrolment.registration });
  const byActivity = lrsProbe('activity', { activity }, { activity });
  const byVerbSince = lrsProbe('verb_since', { verb: VERBS.experienced, since }, { verb: VERBS.experienced, since: office.since });
  const bySince = lrsProbe('since', { since }, { since: office.since });
  return {
    lrs,
    growth: [
      { name: 'lesson_page', run: () => person.page(lessonPath) },
      { name: 'my_courses', run: () => person.page('/moje-szkolenia') },
      { name: 'course_page', run: () => person.page(`/szkolenia/${course.id}`) },
      { name: 'hr_matrix', run: () => hr.page('/kadry') },
      { name: 'verify_page', run: verify },
      { ...byAgent, name: 'lrs_get_by_agent' },
      { ...byRegistration, name: 'lrs_get_by_registration' },
      { ...bySince, name: 'lrs_get_by_since' },
    ],
    queries: [byAgent, byRegistration, byActivity, byVerbSince],
  };
}

/** Varied valid statements about office A's learners, as an LRS client (an authoring tool, a second LMS) sends them. */
function variedStatements(platform: Platform, office: BenchOffice, random: Random, count: number): Statement[] {
  return Array.from({ length: count }, (_unused, i) => {
    const enrolment = random.pick(office.enrolments);
    const learner = office.learners.find((candidate) => candidate.id === enrolment.userId.toHexString())!;
    const course = office.courses.find((candidate) => candidate.id === enrolment.courseId)!;
    const ctx = platform.recorder.contextOf({ learner, course, registration: enrolment.registration });
    const kind = i % 4;
    const statement =
      kind === 0
        ? lessonExperienced(ctx, random.pick(course.lessons))
        : kind === 1
          ? questionAnswered(ctx, random.pick(course.quiz.questions), { response: undefined, success: random.next() < 0.7, parent: 'quiz', attemptId: random.uuid() })
          : kind === 2
            ? quizScored(ctx, { scaled: 0.8, raw: 8, min: 0, max: 10, passed: true, attemptId: random.uuid() })
            : {
                actor: platform.vocabulary.learnerActor(learner.learnerId),
                verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced' } },
                object: {
                  objectType: 'Activity' as const,
                  id: `${platform.config.XAPI_ACTIVITY_BASE}/external/video-${random.int(500)}`,
                  definition: { name: { 'pl-PL': 'Film szkoleniowy' } },
                },
                timestamp: new Date().toISOString(),
              };
    return { ...statement, id: random.uuid() };
  });
}

function p95Figure(name: string, subject: number[], baseline: number[], target = 2.0): Figure {
  return ratioFigure(name, 'p95 ms', percentile(subject, 95), percentile(baseline, 95), target, '<=', { samples: Math.min(subject.length, baseline.length) });
}

async function main(): Promise<void> {
  const started = performance.now();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-bench-data-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATA_DIR: dataDir,
    BASE_URL: 'https://akademia.bench.example.pl',
    SESSION_SECRET: randomBytes(24).toString('hex'),
    SECRETS_KEY: randomBytes(32).toString('hex'),
    // Behind a proxy that terminates TLS, as production runs (secure cookies need X-Forwarded-Proto: https).
    TRUST_PROXY: '1',
    SEED_DEMO: 'false',
    XAPI_RATE_LIMIT_PER_MINUTE: '10000000',
    VERIFY_RATE_LIMIT_PER_MINUTE: '10000000',
  });
  let server;
  try {
    server = await startBenchServer({ backend, mongodbUri: config.MONGODB_URI, binary: config.FERRETDB_BIN });
  } catch (error) {
    if (!(error instanceof BackendUnavailable)) throw error;
    log(error.message);
    log(JSON.stringify({ figures: [], skipped: error.message, backend }));
    rmSync(dataDir, { recursive: true, force: true });
    return;
  }
  const dbName = `bench_${randomBytes(4).toString('hex')}`;
  let app: Server | undefined;
  let bare: Awaited<ReturnType<typeof startBarePage>> | undefined;
  const figures: Figure[] = [];
  const context: Record<string, unknown> = {};
  try {
    await connectMongoose(server.uri, dbName);
    await ensureIndexes();
    const platform = await createPlatform(config, createLogger('silent'), { catalogue: await benchCatalogue(config.COURSES_DIR, OFFICE_H.courses) });
    const express = await (await import('../../src/app.js')).createApp(platform);
    app = await new Promise<Server>((resolve) => {
      const listening = express.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const random = new Random(Number(args.seed));
    log(`Bench ${quick ? '--quick' : '(full)'} on ${server.description}, database ${dbName}, seed ${args.seed}`);

    // Phase 1: office A alone.
    let phase = performance.now();
    const office = await createOfficeA(platform, random, {
      clerks: SIZE.clerks,
      viaServices: 2,
      statements: SIZE.officeStatements,
      certificates: SIZE.officeCertificates,
      concurrency: 4,
    });
    log(
      `Phase 1: office A (${SIZE.clerks} clerks, ${office.viaServices.clerks} of them through the services with ${office.viaServices.statements} statements, ${office.enrolments.length} enrolments, ${office.statements} statements, ${office.certificateCodes.length} certificates) in ${seconds(phase)}`,
    );
    const { lrs: probeLrs, growth, queries } = await probesOf(platform, base, office);
    const small: Record<string, number[]> = {};
    phase = performance.now();
    for (const probe of growth) {
      small[probe.name] = await sample(PAGE_BUDGET, probe.run);
      log(`  ${probe.name}: p95 ${percentile(small[probe.name], 95).toFixed(1)} ms (n=${small[probe.name].length})`);
    }
    const timedOutSmall = probeLrs.timedOut;
    const sizesSmall = storeSizes(1, SIZE.clerks, office.statements);
    log(`Phase 1: office A's pages measured in ${seconds(phase)}`);

    // Office H: HR at scale, bulk-written (its standings built by the listeners' own function), measured alone.
    phase = performance.now();
    const officeH = await createOfficeH(platform, random, { people: OFFICE_H.people, courses: platform.catalogue.list().slice(0, OFFICE_H.courses) });
    log(`Phase 1: office H (${officeH.people} people × ${officeH.courses} courses, ${officeH.enrolments} enrolments and progress documents) in ${seconds(phase)}`);
    const hrProbes = hrProbesOf(await SignedIn.as(base, officeH.hr.email, BENCH_PASSWORD));
    phase = performance.now();
    const hrAlone = await measureHr(hrProbes, officeH.organisationId, 'office H alone:');
    log(`Phase 1: office H's HR pages measured in ${seconds(phase)}`);

    // Phase 2: the other offices, bulk.
    phase = performance.now();
    const others = SIZE.offices - 1;
    const perOffice = Math.round((SIZE.totalStatements - office.statements) / others);
    await addOtherOffices(platform, random, {
      offices: others,
      clerks: SIZE.clerks,
      statementsPerOffice: perOffice,
      certificatesPerOffice: 30,
      onProgress: (done) => {
        if (done % 10 === 0 || done === others) log(`  … ${done}/${others} offices written (${seconds(phase)})`);
      },
    });
    const sizesLarge = storeSizes(SIZE.offices, SIZE.clerks, office.statements + others * perOffice);
    log(`Phase 2: ${others} more offices bulk-written (${sizesLarge.statements} statements in the store) in ${seconds(phase)}`);

    // Growth: the same pages, same person, now among all offices. The two LRS growth probes that are also query
    // figures are measured interleaved with their driver query, and their samples serve both figures.
    phase = performance.now();
    const large: Record<string, number[]> = {};
    const viaDriver: Record<string, { subject: number[]; baseline: number[] }> = {};
    for (const probe of queries) {
      viaDriver[probe.name] = await interleaved(PAGE_BUDGET, probe.run, probe.driver);
      const { subject, baseline } = viaDriver[probe.name];
      log(`  LRS ${probe.name}: p95 ${percentile(subject, 95).toFixed(1)} ms, driver ${percentile(baseline, 95).toFixed(1)} ms (n=${subject.length})`);
    }
    for (const probe of growth) {
      const shared = probe.name === 'lrs_get_by_agent' ? 'agent' : probe.name === 'lrs_get_by_registration' ? 'registration' : undefined;
      large[probe.name] = shared ? viaDriver[shared].subject : await sample(PAGE_BUDGET, probe.run);
      log(`  ${probe.name}: p95 ${percentile(large[probe.name], 95).toFixed(1)} ms (n=${large[probe.name].length})`);
    }
    for (const probe of growth) {
      figures.push({ ...p95Figure(`growth_${probe.name}`, large[probe.name], small[probe.name]), samples: Math.min(large[probe.name].length, small[probe.name].length) });
    }
    for (const probe of queries) figures.push(p95Figure(`statement_query_${probe.name}`, viaDriver[probe.name].subject, viaDriver[probe.name].baseline));
    // Office H again, now among every office: the ratio to the count of its progress documents, alone and with the
    // others, and its page's own growth (the count scans every office's progress on FerretDB; the pages must not).
    const hrAmong = await measureHr(hrProbes, officeH.organisationId, 'office H among all:');
    for (const probe of hrProbes) {
      const target = probe.name === 'hr_matrix_xlsx' ? 20 : 5;
      figures.push(p95Figure(`${probe.name}_2000x10_alone`, hrAlone[probe.name].subject, hrAlone[probe.name].baseline, target));
      figures.push(p95Figure(`${probe.name}_2000x10_with_others`, hrAmong[probe.name].subject, hrAmong[probe.name].baseline, target));
      figures.push(p95Figure(`growth_${probe.name}_2000x10`, hrAmong[probe.name].subject, hrAlone[probe.name].subject));
    }
    log(`Phase 2: pages and LRS queries measured in ${seconds(phase)}`);

    // xAPI ingest: batches of 50 from 4 concurrent clients, in rounds alternating with the driver's insertMany of the same documents.
    phase = performance.now();
    const lrs = await LrsClient.create(base, office.organisationId);
    const statements = variedStatements(platform, office, random, INGEST_BATCHES * 50);
    const batches = Array.from({ length: INGEST_BATCHES }, (_unused, i) => statements.slice(i * 50, i * 50 + 50));
    const authority = platform.vocabulary.platformAuthority();
    let httpMs = 0;
    let driverMs = 0;
    const rounds = 4;
    for (let round = 0; round < rounds; round += 1) {
      const mine = batches.filter((_batch, i) => i % rounds === round);
      httpMs += await concurrently(mine, 4, (batch) => lrs.post(batch));
      // The same statements under fresh ids (the LRS holds the posted ones), completed as the store completes them.
      const docs = mine.map((batch) => batch.map((statement) => statementDocument(office.organisationId, statement, { id: randomUUID(), stored: new Date(), authority })));
      driverMs += await concurrently(docs, 4, (batch) => insertStatements(office.organisationId, batch));
    }
    const count = INGEST_BATCHES * 50;
    figures.push(ratioFigure('xapi_ingest', 'statements/s', (count * 1000) / httpMs, (count * 1000) / driverMs, 0.5, '>=', { samples: count }));
    log(`xAPI ingest measured in ${seconds(phase)}`);

    // Lesson page under load (20 keep-alive connections, signed in) against a bare Express page of the same size.
    phase = performance.now();
    const learner = office.learners[1];
    const person = await SignedIn.as(base, learner.email, BENCH_PASSWORD);
    const course = office.courses[0];
    const lessonPath = `/szkolenia/${course.id}/lekcje/${course.lessons[0].id}`;
    const html = await person.page(lessonPath);
    bare = await startBarePage(html);
    const load = { subject: { requests: 0, ms: 0, errors: 0 }, baseline: { requests: 0, ms: 0, errors: 0 } };
    for (let round = 0; round < 2; round += 1) {
      const subject = await loadTest(`${base}${lessonPath}`, { connections: 20, durationMs: LOAD_MS, headers: { ...BEHIND_TLS, Cookie: person.cookieHeader() } });
      const baseline = await loadTest(bare.url, { connections: 20, durationMs: LOAD_MS });
      load.subject.requests += subject.requests;
      load.subject.errors += subject.errors;
      load.subject.ms += (subject.requests * 1000) / subject.rps;
      load.baseline.requests += baseline.requests;
      load.baseline.errors += baseline.errors;
      load.baseline.ms += (baseline.requests * 1000) / baseline.rps;
    }
    figures.push(
      ratioFigure('lesson_page_rps', 'requests/s', (load.subject.requests * 1000) / load.subject.ms, (load.baseline.requests * 1000) / load.baseline.ms, 0.5, '>=', {
        samples: load.subject.requests,
        note: `in-process load generator (autocannon is not installed), 20 keep-alive connections, 2 × ${LOAD_MS / 1000} s each side; ${load.subject.errors} non-2xx; page ${html.length} bytes`,
      }),
    );
    log(`Lesson page load measured in ${seconds(phase)}`);

    // Certificates: the platform's PDF (office A's template) against pdfkit writing one page with the same fonts.
    phase = performance.now();
    const organisation = await Organisation.findById(office.organisationId).lean();
    const issued = await Certificate.findOne({ organisationId: new mongoose.Types.ObjectId(office.organisationId), code: office.certificateCodes[0] }).lean();
    const template = resolveTemplate(organisation!);
    const content = {
      code: issued!.code,
      verificationUrl: `${config.BASE_URL}/weryfikacja/${issued!.code}`,
      learnerName: issued!.learnerName,
      courseTitle: issued!.courseTitle,
      courseVersion: issued!.courseVersion,
      completedAt: issued!.completedAt,
      issuedAt: issued!.issuedAt,
      durationMinutes: issued!.durationMinutes,
      scorePercent: issued!.scorePercent,
      legalStateDate: issued!.legalStateDate,
      template,
    };
    const pdf = await interleaved(
      { samples: PDF_SAMPLES, budgetMs: 60_000 },
      () => renderCertificatePdf(content),
      () => barePdf(),
    );
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    figures.push(ratioFigure('certificate_pdfs_per_s', 'PDFs/s', 1000 / mean(pdf.subject), 1000 / mean(pdf.baseline), 0.3, '>=', { samples: pdf.subject.length }));
    figures.push(absoluteFigure('certificate_pdf_median_ms', 'ms', percentile(pdf.subject, 50), 100, '<=', { samples: pdf.subject.length }));
    log(`Certificates measured in ${seconds(phase)}`);

    // The server's memory: the app runs in this process, so this RSS includes the bench's own generator and clients.
    (globalThis as { gc?: () => void }).gc?.();
    const rssMb = process.memoryUsage().rss / 1024 / 1024;
    figures.push(absoluteFigure('server_rss_mb', 'MB', rssMb, 300, '<=', { note: 'app in-process with the bench (its data builder and clients included), after GC' }));

    Object.assign(context, {
      lrsTimeouts: { ms: LRS_TIMEOUT_MS, phase1: timedOutSmall, phase2: probeLrs.timedOut - timedOutSmall },
      quick,
      seed: Number(args.seed),
      backend: server.description,
      store: { phase1: sizesSmall, phase2: sizesLarge },
      officeA: {
        clerks: SIZE.clerks,
        viaServices: office.viaServices,
        enrolments: office.enrolments.length,
        statements: office.statements,
        certificates: office.certificateCodes.length,
      },
      officeH: { people: OFFICE_H.people, courses: OFFICE_H.courses, note: 'bulk-written enrolments, progress and standings; no statements, no certificates' },
      offices: SIZE.offices,
      machine: {
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        memoryGb: round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      server: 'in-process (createApp(platform) listening on 127.0.0.1, FerretDB as a child process)',
      date: new Date().toISOString(),
    });
  } finally {
    await bare?.close();
    if (app) {
      app.closeAllConnections();
      await new Promise((resolve) => app!.close(resolve));
    }
    if (mongoose.connection.readyState === mongoose.ConnectionStates.connected)
      await mongoose.connection.dropDatabase().catch((error: unknown) => log(`could not drop ${dbName}: ${String(error)}`));
    await mongoose.disconnect();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  context.durationSeconds = Math.round((performance.now() - started) / 1000);
  log('');
  log('figure                                   value      baseline   ratio    target   met');
  for (const figure of figures) {
    const compared = figure.ratio ?? figure.value;
    log(
      `${figure.name.padEnd(40)} ${String(figure.value).padStart(9)}  ${String(figure.baseline ?? '-').padStart(9)}  ${String(figure.ratio ?? '-').padStart(7)}  ${figure.direction} ${String(figure.target).padEnd(5)}  ${figure.met ? 'yes' : 'NO'}` +
        (figure.samples !== undefined ? `  (${figure.unit}, n=${figure.samples})` : `  (${figure.unit})`) +
        (Number.isFinite(compared) ? '' : ' !'),
    );
  }
  log(`LRS GETs given up after ${LRS_TIMEOUT_MS / 1000} s (their sample is the timeout): ${JSON.stringify(context.lrsTimeouts)}`);
  log(`${figures.filter((figure) => figure.met).length}/${figures.length} targets met; ${String(context.durationSeconds)} s in all`);
  log(JSON.stringify({ figures, ...context }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
