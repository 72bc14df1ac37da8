// The bench's data, from a fixed seed: office A made through the platform's services, the other offices bulk-written; every bulk write lives here.
import { Types } from 'mongoose';
import { hashPassword } from '../../src/auth/password.js';
import { storeNewMemberCopies } from '../../src/auth/organisation-member.model.js';
import { User } from '../../src/auth/user.model.js';
import { CertificateKey } from '../../src/certificates/certificate-key.model.js';
import { codeKey, enrolmentList, learnerList, slotKey } from '../../src/certificates/certificate-keys.js';
import { EnrolmentKey } from '../../src/learning/enrolment-key.model.js';
import { courseKey, learnerKey, registrationKey } from '../../src/learning/enrolment-keys.js';
import { CertificateFile } from '../../src/certificates/certificate-file.model.js';
import { issueCertificate } from '../../src/certificates/certificate-issue.service.js';
import { Certificate } from '../../src/certificates/certificate.model.js';
import type { Course } from '../../src/courses/course.types.js';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { enrolLearner, recordFirstOpening } from '../../src/learning/enrolment.service.js';
import type { Learner } from '../../src/learning/learner.js';
import { LearningProgress, statusRank, type ProgressStatus } from '../../src/learning/learning-progress.model.js';
import { Organisation } from '../../src/organisations/organisation.model.js';
import { encodeCell, standingId, TrainingStanding } from '../../src/reports/training-standing.model.js';
import { standingFactsOf } from '../../src/reports/training-standings.js';
import type { Platform } from '../../src/platform.js';
import { courseCompleted, initialized, launched, lessonExperienced, questionAnswered, quizScored, registered, type LearningContext } from '../../src/xapi/learning-statements.js';
import { agentKey, statementKeys } from '../../src/xapi/statement-keys.js';
import { statementKey, statementsOf } from '../../src/xapi/statement.model.js';
import type { Actor, Statement } from '../../src/xapi/xapi.types.js';
import { concurrently } from './measure.js';

/** The password of every bench user (the bench signs in through the login form with it). */
export const BENCH_PASSWORD = 'Haslo-benchmarku-2026';

/** mulberry32: a tiny seeded PRNG, so every run builds the same offices, people and statements. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.int(0x10000).toString(16).padStart(4, '0');
    return out.slice(0, length);
  }
  /** A version-4-shaped UUID from the seed (statement ids, registrations, learner ids). */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(4)]}${h.slice(17, 20)}-${h.slice(20)}`;
  }
}

const FIRST_NAMES = ['Anna', 'Piotr', 'Katarzyna', 'Tomasz', 'Małgorzata', 'Krzysztof', 'Agnieszka', 'Paweł', 'Zofia', 'Łukasz', 'Ewa', 'Michał'];
const LAST_NAMES = ['Nowak', 'Kowalska', 'Wiśniewski', 'Wójcik', 'Kamińska', 'Lewandowski', 'Zielińska', 'Szymański', 'Woźniak', 'Dąbrowska', 'Kozłowski', 'Jankowska'];
const DEPARTMENTS = ['Referat Organizacyjny', 'Referat Finansowy', 'Referat Inwestycji', 'Urząd Stanu Cywilnego'];

/** One enrolment's learning, in the order the platform would record it. */
interface EnrolmentPlan {
  learner: Learner;
  course: Course;
  /** Statements after `registered`: launched+initialized, lessons, quiz answers, scored, completed, lesson revisits. */
  steps: Array<(ctx: LearningContext) => Statement>;
  status: ProgressStatus;
  lessonsViewed: string[];
  attempts: number;
  bestScore?: number;
  passed: boolean;
}

/** What the bench needs to know of an office to measure it. */
export interface BenchOffice {
  organisationId: string;
  learners: Array<Learner & { email: string }>;
  hr: Learner & { email: string };
  courses: Course[];
  enrolments: EnrolmentDoc[];
  certificateCodes: string[];
  /** An instant in the middle of the office's statements (the LRS `since` figure). */
  since: Date;
  statements: number;
  /** The clerks whose learning went through the platform's services, and the statements that made. */
  viaServices: { clerks: number; statements: number };
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk writes: the only place the bench writes documents itself. When the data design changes (statements
// partitioned per office, `_id`-keyed look-ups), these are the functions to switch.
// ---------------------------------------------------------------------------------------------------------------

const CHUNK = 1000;

async function inChunks<T>(docs: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < docs.length; start += CHUNK) await write(docs.slice(start, start + CHUNK));
}

/** Stores statement documents (the shape statementDocument builds) in the organisation's own statement log. */
export async function insertStatements(organisationId: string, docs: StatementDocument[]): Promise<void> {
  const statements = await statementsOf(organisationId);
  await inChunks(docs, (chunk) => statements.collection.insertMany(chunk as never[], { ordered: false }));
}

/** Users, and their copies in their office's member partition (what the User model's hooks write one by one). */
async function insertUsers(docs: Array<Record<string, unknown> & { _id: Types.ObjectId; organisationId: Types.ObjectId }>): Promise<void> {
  await inChunks(docs, (chunk) => User.collection.insertMany(chunk, { ordered: false }));
  await inChunks(docs, (chunk) => storeNewMemberCopies(chunk));
}

/**
 * Enrolments, with the keys the learning room writes for each (course, registration, the learner's course list:
 * enrolment-keys.ts), so the pages read them as they read enrolments made through the services.
 */
async function insertEnrolments(
  docs: Array<Record<string, unknown> & { _id: Types.ObjectId; organisationId: Types.ObjectId; userId: Types.ObjectId; courseId: string; registration: string; learnerId: string }>,
): Promise<void> {
  await inChunks(
    docs.map(({ learnerId: _learnerId, ...enrolment }) => enrolment),
    (chunk) => Enrolment.collection.insertMany(chunk, { ordered: false }),
  );
  const courseLists = new Map<string, { _id: string; organisationId: Types.ObjectId; enrolmentId: Types.ObjectId; courseIds: string[] }>();
  const keys: Array<Record<string, unknown>> = [];
  for (const { _id, organisationId, userId, courseId, registration, learnerId } of docs) {
    keys.push({ _id: courseKey(userId, courseId), organisationId, enrolmentId: _id, userId, courseId, registration });
    keys.push({ _id: registrationKey(organisationId, registration), organisationId, enrolmentId: _id, userId, courseId, registration, learnerId });
    const list = courseLists.get(String(userId)) ?? { _id: learnerKey(userId), organisationId, enrolmentId: _id, courseIds: [] };
    list.courseIds.push(courseId);
    courseLists.set(String(userId), list);
  }
  await inChunks([...keys, ...courseLists.values()], (chunk) => EnrolmentKey.collection.insertMany(chunk as never[], { ordered: false }));
}

async function insertProgress(docs: Record<string, unknown>[]): Promise<void> {
  await inChunks(docs, (chunk) => LearningProgress.collection.insertMany(chunk, { ordered: false }));
}

/** Certificates with their look-up keys (code, the enrolment's first slot, the person's next slot: certificate-keys.ts). */
async function insertCertificates(
  records: Array<Record<string, unknown> & { _id: Types.ObjectId; organisationId: Types.ObjectId; code: string; enrolmentId: Types.ObjectId; userId: Types.ObjectId }>,
  files: Record<string, unknown>[],
): Promise<void> {
  await inChunks(files, (chunk) => CertificateFile.collection.insertMany(chunk, { ordered: false }));
  const perPerson = new Map<string, number>();
  const keys = records.flatMap(({ _id, organisationId, code, enrolmentId, userId }) => {
    const n = perPerson.get(String(userId)) ?? 0;
    perPerson.set(String(userId), n + 1);
    return [codeKey(code), slotKey(enrolmentList(enrolmentId), 0), slotKey(learnerList(userId), n)].map((key) => ({ _id: key, certificateId: _id, organisationId }));
  });
  await inChunks(keys, (chunk) => CertificateKey.collection.insertMany(chunk as never[], { ordered: false }));
  await inChunks(records, (chunk) => Certificate.collection.insertMany(chunk, { ordered: false }));
}

/** The stored form of a statement, as StatementStore writes it (statement.service.ts, statementDocuments). */
export type StatementDocument = {
  _id: string;
  statementId: string;
  organisationId: Types.ObjectId;
  authorityKey: string;
  json: string;
  stored: Date;
  voided: boolean;
  verbId: string;
  attachmentHashes: string[];
} & ReturnType<typeof statementKeys>;

/**
 * Completes a statement as the LRS does (id, timestamp, stored, authority, version) and returns its stored document.
 * A copy of completeStatement + statementDocuments for statements that need no validation (built by the builders).
 */
export function statementDocument(organisationId: string, input: Statement, options: { id: string; stored: Date; authority: Actor }): StatementDocument {
  const stored = options.stored.toISOString();
  const complete = { id: options.id, ...input, timestamp: input.timestamp ?? stored, stored, authority: options.authority, version: input.version ?? '1.0.0' };
  return {
    _id: statementKey(organisationId, options.id),
    statementId: options.id,
    organisationId: new Types.ObjectId(organisationId),
    authorityKey: agentKey(options.authority) ?? '',
    json: JSON.stringify(complete),
    stored: options.stored,
    voided: false,
    verbId: complete.verb.id,
    ...statementKeys(complete),
    attachmentHashes: [],
  };
}

/**
 * Store sizes for the JSON line, from what the generator wrote (counting in the database decodes every document
 * on FerretDB/SQLite: 80 s for the --quick store).
 */
export function storeSizes(offices: number, clerks: number, statements: number): Record<string, number> {
  return { offices, users: offices * (clerks + 1), enrolments: offices * clerks * 3, statements };
}

// ---------------------------------------------------------------------------------------------------------------
// Plans: the same generator for office A (recorded through the services) and the others (bulk).
// ---------------------------------------------------------------------------------------------------------------

/** Plans the learning of every enrolment so that the office ends with `statements` statements in all. */
function planEnrolments(random: Random, learners: Learner[], courses: Course[], statements: number, complete = false): EnrolmentPlan[] {
  const plans: EnrolmentPlan[] = [];
  for (const learner of learners) {
    for (const course of courses) {
      const plan: EnrolmentPlan = { learner, course, steps: [], status: 'enrolled', lessonsViewed: [], attempts: 0, passed: false };
      const progress = complete ? 1 : random.next();
      if (progress > 0.1) {
        plan.steps.push(
          (ctx) => launched(ctx),
          (ctx) => initialized(ctx),
        );
        plan.status = 'in_progress';
        const lessons = progress > 0.4 ? course.lessons.length : 1 + random.int(course.lessons.length);
        for (const lesson of course.lessons.slice(0, lessons)) {
          plan.steps.push((ctx) => lessonExperienced(ctx, lesson));
          plan.lessonsViewed.push(lesson.id);
        }
        if (progress > 0.4 && lessons === course.lessons.length) {
          const attemptId = random.uuid();
          const drawn = course.quiz.questions.slice(0, course.quiz.questionsPerAttempt);
          let right = 0;
          for (const question of drawn) {
            const success = complete || random.next() < 0.8;
            if (success) right += 1;
            plan.steps.push((ctx) => questionAnswered(ctx, question, { response: undefined, success, parent: 'quiz', attemptId }));
          }
          const scaled = drawn.length ? right / drawn.length : 1;
          const passed = scaled * 100 >= course.passThreshold;
          const score = { scaled, raw: right, min: 0, max: drawn.length };
          plan.steps.push((ctx) => quizScored(ctx, { ...score, passed, attemptId }));
          plan.attempts = 1;
          plan.bestScore = scaled;
          plan.status = passed ? 'completed' : 'failed';
          plan.passed = passed;
          if (passed) plan.steps.push((ctx) => courseCompleted(ctx, score));
        }
      }
      plans.push(plan);
    }
  }
  // Revisits (lesson opened again) fill the office up to its size; too many planned steps are cut from the end.
  let total = plans.length + plans.reduce((sum, plan) => sum + plan.steps.length, 0);
  const started = plans.filter((plan) => plan.lessonsViewed.length);
  for (let i = 0; statements > 0 && total < statements && started.length; i += 1, total += 1) {
    const plan = started[i % started.length];
    const lessonId = random.pick(plan.lessonsViewed);
    const lesson = plan.course.lessons.find((candidate) => candidate.id === lessonId)!;
    plan.steps.push((ctx) => lessonExperienced(ctx, lesson));
  }
  for (let i = plans.length - 1; statements > 0 && total > statements && i >= 0; i -= 1) {
    while (total > statements && plans[i].steps.length > 2) {
      plans[i].steps.pop();
      total -= 1;
    }
  }
  return plans;
}

function personName(random: Random): string {
  return `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
}

async function createOrganisation(random: Random, index: number): Promise<{ _id: Types.ObjectId; departmentIds: Types.ObjectId[] }> {
  const suffix = random.hex(6);
  const organisation = await Organisation.create({
    name: `Urząd Gminy Benchmark ${index + 1}`,
    slug: `ug-bench-${index + 1}-${suffix}`,
    kind: 'office',
    departments: DEPARTMENTS.map((name) => ({ name })),
  });
  return { _id: organisation._id, departmentIds: organisation.departments.map((department) => department._id) };
}

/** Users of an office: `clerks` learners and one HR person, bulk-written (the sign-in form takes them as they are). */
async function createPeople(random: Random, office: { _id: Types.ObjectId; departmentIds: Types.ObjectId[] }, clerks: number, passwordHash: string, index: number) {
  const now = new Date();
  const docs = Array.from({ length: clerks + 1 }, (_unused, i) => {
    const departmentId = office.departmentIds[i % office.departmentIds.length];
    return {
      _id: new Types.ObjectId(),
      organisationId: office._id,
      email: i === clerks ? `kadry-${index + 1}@bench.example.pl` : `kursant-${index + 1}-${i}@bench.example.pl`,
      passwordHash,
      fullName: personName(random),
      departmentId,
      departmentHistory: [{ departmentId, from: now }],
      status: 'active',
      roles: i === clerks ? ['learner', 'hr'] : ['learner'],
      learnerId: random.uuid(),
      emailConfirmedAt: now,
      language: 'pl',
      showScoreOnCertificates: false,
      createdAt: now,
      updatedAt: now,
    };
  });
  await insertUsers(docs);
  const people = docs.map((doc) => ({ id: doc._id.toHexString(), organisationId: office._id.toHexString(), learnerId: doc.learnerId, fullName: doc.fullName, email: doc.email }));
  return { learners: people.slice(0, clerks), hr: people[clerks] };
}

/**
 * Writes the learning of `plans` in bulk: enrolments, progress documents and statements built in this process from
 * the plans (the statement builders and the store's document shape), stored times spread over `from`..`to`, and
 * up to `certificates` certificate records (a placeholder PDF: the verify page reads the record, nobody opens the file).
 */
async function bulkLearning(
  platform: Platform,
  random: Random,
  organisation: { _id: Types.ObjectId; name: string },
  plans: EnrolmentPlan[],
  options: { from: number; to: number; statements: number; certificates: number },
): Promise<{ enrolments: EnrolmentDoc[]; statements: number }> {
  const authority = platform.vocabulary.platformAuthority();
  const organisationId = organisation._id.toHexString();
  const enrolmentDocs: Parameters<typeof insertEnrolments>[0] = [];
  const progressDocs: Record<string, unknown>[] = [];
  const statementDocs: StatementDocument[] = [];
  const certificates: Parameters<typeof insertCertificates>[0] = [];
  const files: Record<string, unknown>[] = [];
  let at = options.from;
  const step = Math.max(1, Math.floor((options.to - options.from) / (options.statements + 1)));
  for (const plan of plans) {
    const _id = new Types.ObjectId();
    const registration = random.uuid();
    const enrolledAt = new Date(at);
    const ctx = platform.recorder.contextOf({ learner: plan.learner, course: plan.course, registration });
    const built = [registered(ctx), ...plan.steps.map((buildStep) => buildStep(ctx))];
    let last = enrolledAt;
    for (const statement of built) {
      last = new Date((at += step));
      statementDocs.push(statementDocument(organisationId, statement, { id: random.uuid(), stored: last, authority }));
    }
    const userId = new Types.ObjectId(plan.learner.id);
    enrolmentDocs.push({
      _id,
      organisationId: organisation._id,
      userId,
      courseId: plan.course.id,
      courseVersion: plan.course.version,
      registration,
      learnerId: plan.learner.learnerId,
      enrolledAt,
      ...(plan.steps.length ? { launchedAt: enrolledAt } : {}),
      recordedAt: enrolledAt,
      createdAt: enrolledAt,
      updatedAt: last,
    });
    progressDocs.push({
      _id,
      organisationId: organisation._id,
      userId,
      courseId: plan.course.id,
      registration,
      status: plan.status,
      statusRank: statusRank(plan.status),
      lessonsViewed: plan.lessonsViewed,
      ...(plan.lessonsViewed.length ? { lastLessonId: plan.lessonsViewed.at(-1), lastActivityAt: last } : {}),
      attempts: plan.attempts,
      ...(plan.bestScore === undefined ? {} : { bestScore: plan.bestScore }),
      countedStatementIds: [],
      ...(plan.passed ? { passedAt: last, completedAt: last } : {}),
      createdAt: enrolledAt,
      updatedAt: last,
    });
    if (plan.passed && certificates.length < options.certificates) {
      const certificateId = new Types.ObjectId();
      certificates.push({
        _id: certificateId,
        organisationId: organisation._id,
        code: `AJST-${last.getUTCFullYear()}-${random.hex(16).toUpperCase().match(/.{4}/g)!.join('-')}`,
        issueKey: `bench:${_id.toHexString()}`,
        userId,
        enrolmentId: _id,
        registration,
        courseId: plan.course.id,
        courseVersion: plan.course.version,
        courseTitle: plan.course.title,
        legalStateDate: plan.course.legalStateDate,
        durationMinutes: plan.course.durationMinutes,
        learnerName: plan.learner.fullName,
        scorePercent: Math.round((plan.bestScore ?? 1) * 100),
        completedAt: last,
        issuedAt: last,
        issuerName: organisation.name,
        issuerKind: 'office',
        signatoryName: organisation.name,
        signatoryRole: 'Kierownik jednostki',
        state: 'issued',
        pdfSha256: '0'.repeat(64),
        pdfBytes: 0,
        credentialJwt: 'bench.placeholder.jwt',
        createdAt: last,
        updatedAt: last,
      });
      files.push({ _id: certificateId, organisationId: organisation._id, pdf: Buffer.from('%PDF-1.7 bench placeholder') });
    }
  }
  await insertEnrolments(enrolmentDocs);
  await insertProgress(progressDocs);
  await insertStatements(organisationId, statementDocs);
  await insertCertificates(certificates, files);
  await writeStandings(platform, organisation._id, enrolmentDocs, progressDocs, certificates);
  return { enrolments: enrolmentDocs as unknown as EnrolmentDoc[], statements: statementDocs.length };
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Office A, the measured one. Its first `viaServices` clerks (among them the measured learners) learn through the
 * platform's own services, on an empty store: enrolLearner, recordFirstOpening, the recorder (one call per
 * enrolment, a session's worth of learning: lessons, quiz answers, passed/failed, completed) and issueCertificate.
 * Quiz results are recorded as the quiz service records them, without QuizAttempt documents. Recording all 200
 * clerks that way takes about 2 s per enrolment on FerretDB/SQLite today (issue 17), so the other clerks' learning
 * of the last 30 days is bulk-written like the other offices'. People are bulk-written too.
 */
export async function createOfficeA(
  platform: Platform,
  random: Random,
  options: { clerks: number; viaServices: number; statements: number; certificates: number; concurrency: number },
): Promise<BenchOffice> {
  const passwordHash = await hashPassword(BENCH_PASSWORD, 4);
  const office = await createOrganisation(random, 0);
  const { learners, hr } = await createPeople(random, office, options.clerks, passwordHash, 0);
  const courses = platform.catalogue.list().slice(0, 3);
  const realPlans = planEnrolments(random, learners.slice(0, options.viaServices), courses, 0, true);
  const real = realPlans.reduce((sum, plan) => sum + 1 + plan.steps.length, 0);
  const enrolments: EnrolmentDoc[] = [];
  await concurrently(realPlans, options.concurrency, async (plan) => {
    const { enrolment } = await enrolLearner(platform, { learner: plan.learner, course: plan.course });
    enrolments.push(enrolment);
    if (!plan.steps.length) return;
    // launched + initialized through the service that records them on the first opening (the first two steps).
    await recordFirstOpening(platform, plan.learner, plan.course, enrolment);
    const rest = plan.steps.slice(2);
    if (rest.length) await platform.recorder.record({ learner: plan.learner, course: plan.course, registration: enrolment.registration }, (ctx) => rest.map((step) => step(ctx)));
  });
  const certificateCodes: string[] = [];
  for (const plan of realPlans.filter((candidate) => candidate.passed).slice(0, options.certificates)) {
    const enrolment = enrolments.find((candidate) => candidate.userId.toHexString() === plan.learner.id && candidate.courseId === plan.course.id)!;
    const { code } = await issueCertificate(platform, {
      userId: plan.learner.id,
      organisationId: plan.learner.organisationId,
      courseId: plan.course.id,
      enrolmentId: enrolment._id.toHexString(),
      registration: enrolment.registration,
      scorePercent: Math.round((plan.bestScore ?? 1) * 100),
      completedAt: new Date(),
    });
    certificateCodes.push(code);
  }
  const rest = learners.slice(options.viaServices);
  const bulkStatements = Math.max(0, options.statements - (await (await statementsOf(office._id)).countDocuments({ organisationId: office._id })));
  const now = Date.now();
  const bulk = await bulkLearning(platform, random, { _id: office._id, name: 'Urząd Gminy Benchmark 1' }, planEnrolments(random, rest, courses, bulkStatements), {
    from: now - 30 * DAY_MS,
    to: now - 60_000,
    statements: bulkStatements,
    certificates: Math.max(0, options.certificates - certificateCodes.length),
  });
  enrolments.push(...bulk.enrolments);
  const codes = await Certificate.find({ organisationId: office._id }).select({ code: 1 }).lean();
  for (const { code } of codes) if (!certificateCodes.includes(code)) certificateCodes.push(code);
  const statements = await (await statementsOf(office._id)).countDocuments({ organisationId: office._id });
  return {
    organisationId: office._id.toHexString(),
    learners,
    hr,
    courses,
    enrolments,
    certificateCodes,
    since: new Date(now - 7 * DAY_MS),
    statements,
    viaServices: { clerks: options.viaServices, statements: real },
  };
}

/** The other offices, bulk (see bulkLearning), their statements spread over the last 30 days. */
export async function addOtherOffices(
  platform: Platform,
  random: Random,
  options: { offices: number; clerks: number; statementsPerOffice: number; certificatesPerOffice: number; onProgress?: (done: number) => void },
): Promise<void> {
  const passwordHash = await hashPassword(BENCH_PASSWORD, 4);
  const courses = platform.catalogue.list().slice(0, 3);
  const now = Date.now();
  for (let index = 1; index <= options.offices; index += 1) {
    const office = await createOrganisation(random, index);
    const { learners } = await createPeople(random, office, options.clerks, passwordHash, index);
    const plans = planEnrolments(random, learners, courses, options.statementsPerOffice);
    await bulkLearning(platform, random, { _id: office._id, name: `Urząd Gminy Benchmark ${index + 1}` }, plans, {
      from: now - 30 * DAY_MS,
      to: now - 60_000,
      statements: options.statementsPerOffice,
      certificates: options.certificatesPerOffice,
    });
    options.onProgress?.(index);
  }
}

/**
 * The training standings of bulk-written learning, each cell built by standingFactsOf (the listeners' function) and
 * set into the office's document of its course (cells the services' listeners wrote stay).
 */
async function writeStandings(
  platform: Platform,
  organisationId: Types.ObjectId,
  enrolments: Array<Record<string, unknown> & { _id: Types.ObjectId; userId: Types.ObjectId; courseId: string }>,
  progress: Record<string, unknown>[],
  certificates: Array<Record<string, unknown> & { enrolmentId: Types.ObjectId; code: string }>,
): Promise<void> {
  const byCourse = new Map<string, Record<string, string>>();
  for (const [index, enrolment] of enrolments.entries()) {
    const certificate = certificates.find((c) => String(c.enrolmentId) === String(enrolment._id));
    const completions = certificate && {
      latest: { code: certificate.code, completedAt: certificate.completedAt as Date, revoked: false },
      earlier: [],
    };
    const row = { enrolment: enrolment as unknown as EnrolmentDoc, progress: progress[index] as unknown as Parameters<typeof standingFactsOf>[1]['progress'] };
    const cells = byCourse.get(enrolment.courseId) ?? {};
    cells[`cells.${String(enrolment.userId)}`] = encodeCell(standingFactsOf(platform.catalogue.get(enrolment.courseId), row, completions));
    byCourse.set(enrolment.courseId, cells);
  }
  for (const [courseId, set] of byCourse) {
    await TrainingStanding.collection.updateOne(
      { _id: standingId(organisationId, courseId) as never },
      { $set: set, $setOnInsert: { organisationId, courseId } },
      { upsert: true },
    );
  }
}

/** Office H, HR's scale case: many people × many courses, every pair enrolled, with due dates HR set. */
export interface BenchOfficeH {
  organisationId: string;
  hr: Learner & { email: string };
  people: number;
  courses: number;
  enrolments: number;
}

/**
 * Office H (issue 12): `people` clerks × every course of `courses`, bulk-written — enrolments (with their keys), their
 * progress documents (a mix: a third completed, a third under way, the rest not started) and due dates (a fifth past,
 * a tenth within 14 days, the rest later), and the office's training standings, one document per course, each cell
 * built by standingFactsOf, the function the listeners use. No statements: HR's pages do not read the log.
 */
export async function createOfficeH(platform: Platform, random: Random, options: { people: number; courses: Course[] }): Promise<BenchOfficeH> {
  const passwordHash = await hashPassword(BENCH_PASSWORD, 4);
  const office = await createOrganisation(random, 999);
  const { learners, hr } = await createPeople(random, office, options.people, passwordHash, 999);
  const now = Date.now();
  const enrolments: Parameters<typeof insertEnrolments>[0] = [];
  const progress: Record<string, unknown>[] = [];
  const hrId = new Types.ObjectId(hr.id);
  for (const learner of learners) {
    for (const course of options.courses) {
      const _id = new Types.ObjectId();
      const userId = new Types.ObjectId(learner.id);
      const registration = random.uuid();
      const enrolledAt = new Date(now - (60 + random.int(300)) * DAY_MS);
      const due = random.next();
      const dueDate = new Date(now + (due < 0.2 ? -(1 + random.int(60)) : due < 0.3 ? 1 + random.int(13) : 20 + random.int(200)) * DAY_MS);
      const roll = random.next();
      const status: ProgressStatus = roll < 0.33 ? 'completed' : roll < 0.66 ? 'in_progress' : 'enrolled';
      const last = new Date(enrolledAt.getTime() + random.int(50) * DAY_MS);
      const enrolment = {
        _id,
        organisationId: office._id,
        userId,
        courseId: course.id,
        courseVersion: course.version,
        registration,
        learnerId: learner.learnerId,
        enrolledAt,
        dueDate,
        assignedBy: hrId,
        recordedAt: enrolledAt,
        createdAt: enrolledAt,
        updatedAt: last,
      };
      const doc = {
        _id,
        organisationId: office._id,
        userId,
        courseId: course.id,
        registration,
        status,
        statusRank: statusRank(status),
        lessonsViewed: status === 'enrolled' ? [] : course.lessons.map((lesson) => lesson.id),
        ...(status === 'enrolled' ? {} : { lastActivityAt: last }),
        attempts: status === 'completed' ? 1 : 0,
        countedStatementIds: [],
        ...(status === 'completed' ? { passedAt: last, completedAt: last } : {}),
        createdAt: enrolledAt,
        updatedAt: last,
      };
      enrolments.push(enrolment);
      progress.push(doc);
    }
  }
  await insertEnrolments(enrolments);
  await insertProgress(progress);
  await writeStandings(platform, office._id, enrolments, progress, []);
  return { organisationId: office._id.toHexString(), hr, people: learners.length, courses: options.courses.length, enrolments: enrolments.length };
}

/** The baseline of HR's figures: one aggregation counting the office's progress documents (what a report must at least read). */
export async function countOfficeProgress(organisationId: string): Promise<number> {
  const [result] = await LearningProgress.collection.aggregate<{ n: number }>([{ $match: { organisationId: new Types.ObjectId(organisationId) } }, { $count: 'n' }]).toArray();
  return result?.n ?? 0;
}
