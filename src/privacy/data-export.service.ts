// "Pobierz moje dane" (art. 15, 20 RODO): requested on /konto, built by a job into a zip of JSON, CSV and PDFs.
import { randomBytes } from 'node:crypto';
import { ZipArchive } from 'archiver';
import { stringify } from 'csv-stringify/sync';
import { Types } from 'mongoose';
import { assignmentDataOf } from '../assignments/assignments.personal-data.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { accountDataOf } from '../auth/account-personal-data.js';
import { addDays } from '../calendar/calendar.js';
import type { Clock } from '../calendar/clock.js';
import { certificateDataOf } from '../certificates/certificate-personal-data.js';
import { cmi5DataOf } from '../cmi5/cmi5.personal-data.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { learningDataOf } from '../learning/learning.personal-data.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mail.service.js';
import { scormDataOf } from '../scorm/scorm.personal-data.js';
import { agentKeysOf, statementsAbout } from '../xapi/agent-personal-data.js';
import type { XapiVocabulary } from '../xapi/xapi-vocabulary.js';
import { accessTrailOf } from './access-trail.js';
import { DataExport, DataExportChunk, type DataExportDoc } from './data-export.model.js';

export interface DataExportDeps {
  audit: AuditTrail;
  vocabulary: XapiVocabulary;
  clock: Clock;
  mailer: Mailer;
  logger: Pick<Logger, 'info' | 'warn'>;
  config: { BASE_URL: string };
}

/** How long a ready file can be downloaded. */
export const EXPORT_VALID_DAYS = 7;
/** Attempts before a build is given up as failed (the person may ask again). */
const MAX_ATTEMPTS = 5;
/** Bytes per stored piece of a zip: well under a document's 16 MB. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** How long one instance holds a build before another may take it over. */
const LEASE_MS = 10 * 60 * 1000;

const chunkId = (record: Pick<DataExportDoc, '_id' | 'requestedAt'>, n: number) => `${record._id}:${record.requestedAt.getTime()}:${n}`;

async function deleteFile(record: DataExportDoc): Promise<void> {
  for (let n = 0; n < (record.chunks ?? 0); n++) await DataExportChunk.deleteOne({ _id: chunkId(record, n), organisationId: record.organisationId });
}

/** The person's current export, if any (an `_id` read). */
export async function dataExportOf(userId: string): Promise<DataExportDoc | undefined> {
  return (await DataExport.findById(userId).lean<DataExportDoc>()) ?? undefined;
}

/**
 * Records a request: one at a time per person (a second while one waits changes nothing); a new request after a
 * ready or failed one replaces it (the data may have changed since).
 */
export async function requestDataExport(deps: Pick<DataExportDeps, 'clock'>, person: { id: string; organisationId: string }): Promise<void> {
  const existing = await dataExportOf(person.id);
  if (existing?.status === 'requested') return;
  if (existing) {
    await deleteFile(existing);
    await DataExport.deleteOne({ _id: existing._id, organisationId: existing.organisationId });
  }
  try {
    await DataExport.create({ _id: person.id, organisationId: new Types.ObjectId(person.organisationId), requestedAt: deps.clock.now(), status: 'requested' });
  } catch (error) {
    // Two clicks at once: the first request stands.
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** The zip's bytes for the owner and the right token before expiry; 'gone' after it; undefined for anyone else. */
export async function downloadDataExport(deps: Pick<DataExportDeps, 'clock'>, person: { id: string }, token: string): Promise<Buffer | 'gone' | undefined> {
  const record = await dataExportOf(person.id);
  if (!record || record.status !== 'ready' || !record.token || record.token !== token) return undefined;
  if (!record.expiresAt || record.expiresAt <= deps.clock.now()) return 'gone';
  const parts: Buffer[] = [];
  for (let n = 0; n < (record.chunks ?? 0); n++) {
    // Hydrated, not lean: mongoose hands the bytes back as a Buffer (lean gives the driver's Binary).
    const chunk = await DataExportChunk.findById(chunkId(record, n));
    if (!chunk) return undefined;
    parts.push(Buffer.from(chunk.data));
  }
  return Buffer.concat(parts);
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : (value ?? ''));
const csvOf = (columns: string[], rows: unknown[][]) => stringify(rows, { header: true, columns, delimiter: ';', bom: true, cast: { date: (value) => value.toISOString() } });

const README = `Akademia JST – Twoje dane / Your data

dane.json          wszystko, co platforma przechowuje o Tobie, w jednym pliku JSON (format do odczytu maszynowego)
                   everything the platform holds about you, in one JSON file (machine-readable)
zapisy.csv         zapisy na szkolenia i postęp / enrolments and progress
podejscia.csv      podejścia do testów z Twoimi odpowiedziami / quiz attempts with your answers
zaswiadczenia.csv  zaświadczenia / certificates (pliki PDF w katalogu zaswiadczenia/ / PDF files in zaswiadczenia/)
przydzialy.csv     szkolenia przypisane przez urząd / courses assigned by the office
przypomnienia.csv  przypomnienia wysłane do Ciebie / reminders sent to you
dziennik.csv       wpisy dziennika zmian dotyczące Ciebie / audit trail entries about you
dostep.csv         kto przeglądał Twoje dane / who viewed your data
W dane.json klucz "statements" zawiera zapisy xAPI 1.0.3 o Tobie. / In dane.json, "statements" holds the xAPI 1.0.3 statements about you.
Klucze "scormAttempts", "cmi5Sessions" i "cmi5AuStates": co zapisały kursy SCORM i cmi5. / What SCORM and cmi5 courses saved.
Daty w formacie ISO 8601 (UTC). / Dates in ISO 8601 (UTC).
`;

/** Everything the features hold about the person, and the files of the zip made of it. */
async function buildArchive(deps: DataExportDeps, record: DataExportDoc): Promise<Buffer> {
  const organisationId = record.organisationId.toHexString();
  const scope = { organisationId, userId: record._id };
  const account = await accountDataOf(scope);
  if (!account) throw new Error('the account is gone');
  const learning = await learningDataOf(scope);
  const assignments = await assignmentDataOf(scope);
  const { certificates, files } = await certificateDataOf(scope);
  const scorm = await scormDataOf(scope);
  const cmi5 = await cmi5DataOf(scope);
  const statements = await statementsAbout(organisationId, agentKeysOf(deps.vocabulary, { learnerId: account.learnerId, email: account.email }));
  const audit = await deps.audit.about(organisationId, record._id);
  const { entries: access } = await accessTrailOf(organisationId, { subjectId: record._id, limit: 100_000 });
  const generatedAt = deps.clock.now();
  const data = {
    format: 'akademia-jst/dane-osobowe',
    version: 1,
    generatedAt,
    person: account,
    ...learning,
    ...assignments,
    ...scorm,
    ...cmi5,
    certificates,
    statements,
    auditTrail: audit,
    accessTrail: access.map(({ organisationId: _office, subjectIds: _ids, ...entry }) => entry),
  };
  const progressOf = new Map(learning.progress.map((progress) => [String(progress._id), progress]));
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  archive.append(README, { name: 'README.txt' });
  archive.append(JSON.stringify(data, null, 2), { name: 'dane.json' });
  archive.append(
    csvOf(
      ['courseId', 'courseVersion', 'enrolledAt', 'dueDate', 'status', 'completedAt'],
      learning.enrolments.map((e) => [
        e.courseId,
        e.courseVersion,
        iso(e.enrolledAt),
        iso(e.dueDate),
        progressOf.get(String(e._id))?.status ?? '',
        iso(progressOf.get(String(e._id))?.completedAt),
      ]),
    ),
    { name: 'zapisy.csv' },
  );
  archive.append(
    csvOf(
      ['courseId', 'number', 'startedAt', 'submittedAt', 'score', 'passed', 'answers'],
      learning.quizAttempts.map((a) => [
        a.courseId,
        a.number,
        iso(a.startedAt),
        iso(a.submittedAt),
        a.scoreRaw !== undefined && a.scoreRaw !== null ? `${a.scoreRaw}/${a.scoreMax}` : '',
        a.passed ?? '',
        (a.results ?? []).map((r) => `${r.questionId}: ${r.response}`).join(' | '),
      ]),
    ),
    { name: 'podejscia.csv' },
  );
  archive.append(
    csvOf(
      ['code', 'courseTitle', 'courseVersion', 'completedAt', 'issuedAt', 'validUntil', 'state'],
      certificates.map((c) => [c.code, c.courseTitle, c.courseVersion, iso(c.completedAt), iso(c.issuedAt), iso(c.validUntil), c.state]),
    ),
    { name: 'zaswiadczenia.csv' },
  );
  archive.append(
    csvOf(
      ['courseId', 'dueDate', 'cycleStartedAt', 'withdrawnAt'],
      assignments.assignments.map((a) => [a.courseId, iso(a.dueDate), iso(a.cycleStartedAt), iso(a.withdrawnAt)]),
    ),
    { name: 'przydzialy.csv' },
  );
  archive.append(
    csvOf(
      ['courseId', 'sentCount', 'lastSentAt'],
      assignments.reminders.map((r) => [r.courseId, r.sentCount, iso(r.lastSentAt)]),
    ),
    { name: 'przypomnienia.csv' },
  );
  archive.append(
    csvOf(
      ['at', 'actor', 'action', 'reason'],
      audit.map((e) => [iso(e.at), e.actorName, e.action, e.reason ?? '']),
    ),
    { name: 'dziennik.csv' },
  );
  archive.append(
    csvOf(
      ['at', 'viewer', 'role', 'what'],
      access.map((e) => [iso(e.at), e.viewerName, e.viewerRole, e.what]),
    ),
    { name: 'dostep.csv' },
  );
  for (const [code, pdf] of files) archive.append(pdf, { name: `zaswiadczenia/${code}.pdf` });
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** Builds one export, stores its pieces, marks it ready and queues the mail saying so (never the file itself). */
async function build(deps: DataExportDeps, record: DataExportDoc): Promise<void> {
  const zip = await buildArchive(deps, record);
  const count = Math.max(1, Math.ceil(zip.length / CHUNK_BYTES));
  for (let n = 0; n < count; n++) {
    const _id = chunkId(record, n);
    await DataExportChunk.deleteOne({ _id, organisationId: record.organisationId });
    await DataExportChunk.create({ _id, organisationId: record.organisationId, data: zip.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES) });
  }
  const now = deps.clock.now();
  await DataExport.updateOne(
    { _id: record._id, organisationId: record.organisationId },
    {
      $set: { status: 'ready', token: randomBytes(24).toString('hex'), readyAt: now, expiresAt: addDays(now, EXPORT_VALID_DAYS), bytes: zip.length, chunks: count },
      $unset: { lastError: 1 },
    },
  );
  const account = await accountDataOf({ organisationId: record.organisationId.toHexString(), userId: record._id });
  if (account) {
    const link = `${deps.config.BASE_URL.replace(/\/+$/, '')}/konto/moje-dane`;
    await deps.mailer.enqueue({
      to: account.email,
      subject: 'Twoje dane są gotowe do pobrania / Your data is ready',
      text: `Plik z Twoimi danymi z Akademii JST jest gotowy. Pobierzesz go po zalogowaniu, przez ${EXPORT_VALID_DAYS} dni: ${link}\n\nThe file with your data from Akademia JST is ready. Sign in to download it within ${EXPORT_VALID_DAYS} days: ${link}\n`,
    });
  }
  deps.logger.info({ userId: record._id, bytes: zip.length }, 'data export ready');
}

/**
 * The job (every 15 s; tests call it): deletes expired files, then builds each waiting export under a 10-minute
 * lease claim (two instances never build one twice; a build that died is taken over in the next slot). A failed
 * build is retried up to MAX_ATTEMPTS times, then shown as failed (the person may ask again). Returns how many it built.
 */
export async function runPendingDataExports(deps: DataExportDeps): Promise<number> {
  const now = deps.clock.now();
  // Across organisations on purpose: the job's pass over a small collection.
  const all = await DataExport.find({}).setOptions({ acrossOrganisations: true }).lean<DataExportDoc[]>();
  for (const expired of all.filter((record) => record.status === 'ready' && record.expiresAt && record.expiresAt <= now)) {
    await deleteFile(expired);
    await DataExport.deleteOne({ _id: expired._id, organisationId: expired.organisationId });
  }
  let built = 0;
  const slot = Math.floor(now.getTime() / LEASE_MS);
  for (const record of all.filter((candidate) => candidate.status === 'requested')) {
    const lease = `data-export:${record._id}:${record.requestedAt.getTime()}:${slot}`;
    if (!(await claimOnce(lease, record.organisationId))) continue;
    try {
      await build(deps, record);
      built += 1;
    } catch (error) {
      const attempts = (record.attempts ?? 0) + 1;
      deps.logger.warn({ err: error, userId: record._id, attempts }, 'could not build a data export; will retry');
      await releaseClaim(lease, record.organisationId).catch(() => undefined);
      await DataExport.updateOne(
        { _id: record._id, organisationId: record.organisationId },
        { $set: { attempts, lastError: String((error as Error).message ?? error).slice(0, 500), ...(attempts >= MAX_ATTEMPTS ? { status: 'failed' } : {}) } },
      ).catch(() => undefined);
    }
  }
  return built;
}

/** Deletes the person's export and its file (their erasure). */
export async function deleteDataExportOf(userId: string): Promise<number> {
  const record = await dataExportOf(userId);
  if (!record) return 0;
  await deleteFile(record);
  await DataExport.deleteOne({ _id: record._id, organisationId: record.organisationId });
  return 1;
}
