// Re-certification after a change of law: a version published as "zmiana stanu prawnego" marks the valid certificates
// of older versions, tells each holder once, and announces the change so that HR's standings show who must re-certify.
import { Cron } from 'croner';
import semver from 'semver';
import type { Clock } from '../calendar/clock.js';
import type { Config } from '../config.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import type { CoursePublished, PlatformEvents } from '../events/platform-events.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mail.service.js';
import { holderOf } from './certificate-holder.js';
import { announceCertificate } from './certificate-issue.service.js';
import { statusOf } from './certificate-rules.js';
import { recertificationMail } from './certificate.mail.js';
import { Certificate, type CertificateDoc } from './certificate.model.js';
import { RecertificationRun, recertificationRunId, type RecertificationRunDoc } from './recertification-run.model.js';

/** What re-certification needs from the platform (a Platform fits). */
export interface RecertificationDeps {
  clock: Pick<Clock, 'now'>;
  mailer: Pick<Mailer, 'enqueue'>;
  /** BASE_URL: the course link in the mail. */
  config: Pick<Config, 'BASE_URL'>;
  /** Announces each marked certificate (`certificate.changed`): HR's standings listen. */
  events: Pick<PlatformEvents, 'emit'>;
  logger: Pick<Logger, 'info' | 'error'>;
}

/** Certificates a run works through before it records its progress on the run document. */
export const RECERTIFICATION_BATCH = 100;

/** How often the job looks for runs to work on (croner pattern): every minute. */
export const RECERTIFICATION_CRON = '* * * * *';

/** How long one instance's hold on a run lasts at most (a dead instance's hold lapses after it). */
export const RECERTIFICATION_LEASE_MS = 10 * 60_000;

/**
 * Records the run for a version published with `legalChange` (anything else is ignored): one insert whose `_id` is
 * the version, so announcing it twice records it once. True when this call recorded it. The work itself is the job's
 * (runPendingRecertifications): a course taken by every office of an association holds thousands of certificates,
 * each costing about a dozen database round trips (claim, mark, holder, mail, the HR standing), which would keep the
 * author's publish request waiting for minutes; the job works them off within a minute, in batches, resumably.
 */
export async function requestRecertification(deps: Pick<RecertificationDeps, 'clock'>, published: CoursePublished): Promise<boolean> {
  if (!published.legalChange) return false;
  try {
    await RecertificationRun.create({
      _id: recertificationRunId(published.courseId, published.version),
      organisationId: published.organisationId,
      courseId: published.courseId,
      version: published.version,
      note: published.changeNote,
      requestedAt: deps.clock.now(),
    });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/**
 * Whether a legal change in `version` calls this certificate to re-certification at `now`: it is valid (issued, not
 * expired; revoked and superseded ones prove nothing any more), of an older version, and not marked by a later change.
 * One already marked by this very change still counts: its mail may have failed, and its claim says whether it went.
 */
export function needsRecertification(certificate: Pick<CertificateDoc, 'state' | 'validUntil' | 'courseVersion' | 'recertification'>, version: string, now: Date): boolean {
  if (statusOf(certificate, now) !== 'valid') return false;
  if (!semver.valid(certificate.courseVersion) || !semver.lt(certificate.courseVersion, version)) return false;
  const marked = certificate.recertification?.byVersion;
  return !(marked && semver.valid(marked) && semver.gt(marked, version));
}

/** The claim that lets one caller, once, mail the holder of `certificate` about `version`. */
export function recertificationClaimKey(certificate: Pick<CertificateDoc, '_id'>, version: string): string {
  return `recertify:${certificate._id.toHexString()}:${version}`;
}

/**
 * Marks one certificate and tells its holder. The mark first (a `$set` by `_id`, harmless to repeat), then the claim
 * `recertify:<certificate>:<version>`: the one caller that inserts it queues the mail and announces the change, so
 * a re-run or a second instance never mails twice. When queueing fails the claim is given back and the next run
 * mails. A process dying between the claim and the mail loses that one mail (the mark and HR's view stay right).
 * Resolves true when this call mailed.
 */
export async function recertifyCertificate(
  deps: RecertificationDeps,
  certificate: CertificateDoc,
  run: Pick<RecertificationRunDoc, 'version' | 'note' | 'requestedAt'>,
): Promise<boolean> {
  // By `_id` alone (the only filter FerretDB on SQLite pushes down); the organisation is the certificate's own.
  await Certificate.updateOne({ _id: certificate._id }, { $set: { recertification: { requiredSince: run.requestedAt, byVersion: run.version, note: run.note } } });
  const key = recertificationClaimKey(certificate, run.version);
  if (!(await claimOnce(key, certificate.organisationId))) return false;
  try {
    const holder = await holderOf(certificate.userId, certificate.organisationId);
    // A deleted account or a leaver has nobody to tell; HR still sees the mark.
    if (holder && holder.status !== 'deactivated') {
      const mail = recertificationMail({
        learnerName: certificate.learnerName,
        courseTitle: certificate.courseTitle,
        code: certificate.code,
        completedAt: certificate.completedAt,
        certificateVersion: certificate.courseVersion,
        version: run.version,
        note: run.note,
        courseUrl: `${deps.config.BASE_URL}/szkolenia/${encodeURIComponent(certificate.courseId)}`,
        language: holder.language ?? 'pl',
      });
      await deps.mailer.enqueue({ to: holder.email, ...mail });
    }
  } catch (error) {
    await releaseClaim(key, certificate.organisationId);
    throw error;
  }
  await announceCertificate(deps, certificate, 'recertification');
  return true;
}

/** Of each enrolment's certificates, the latest: a person is told once per course, about the certificate that counts. */
function latestPerEnrolment(certificates: CertificateDoc[]): CertificateDoc[] {
  const latest = new Map<string, CertificateDoc>();
  for (const certificate of certificates) {
    const key = String(certificate.enrolmentId);
    const known = latest.get(key);
    if (!known || certificate.completedAt.getTime() > known.completedAt.getTime()) latest.set(key, certificate);
  }
  return [...latest.values()];
}

export interface RecertificationOutcome {
  /** Certificates this run found to mark (already marked and mailed ones are skipped by their claims). */
  found: number;
  /** Holders this run mailed (and certificates it announced). */
  mailed: number;
  failures: number;
}

/**
 * Works through one run: finds the course's certificates, marks and mails each (recertifyCertificate), in batches of
 * RECERTIFICATION_BATCH after each of which the run records its progress; one certificate failing does not stop the
 * others. Without failures the run is marked done; otherwise the next run tries again (the claims skip what was done).
 */
export async function runRecertification(deps: RecertificationDeps, run: RecertificationRunDoc): Promise<RecertificationOutcome> {
  const now = deps.clock.now();
  // Every office's certificates of the course, on purpose across organisations: a course is taken in every office
  // that may see it, and no key lists a course's certificates. On FerretDB this filter scans (decodes) the whole
  // certificates collection: acceptable for a job that runs once per change of law, never for a page.
  const certificates = await Certificate.find({ courseId: run.courseId, state: 'issued' })
    .select({ credentialJwt: 0 })
    .setOptions({ acrossOrganisations: true })
    .lean<CertificateDoc[]>();
  const due = latestPerEnrolment(certificates.filter((certificate) => needsRecertification(certificate, run.version, now)));
  const outcome: RecertificationOutcome = { found: due.length, mailed: 0, failures: 0 };
  let lastError: string | undefined;
  for (let start = 0; start < due.length; start += RECERTIFICATION_BATCH) {
    let mailed = 0;
    for (const certificate of due.slice(start, start + RECERTIFICATION_BATCH)) {
      try {
        if (await recertifyCertificate(deps, certificate, run)) mailed += 1;
      } catch (error) {
        outcome.failures += 1;
        lastError = (error as Error).message;
        deps.logger.error({ err: error, certificateId: certificate._id.toHexString(), run: run._id }, 're-certification of a certificate failed; the next run tries again');
      }
    }
    outcome.mailed += mailed;
    await RecertificationRun.updateOne({ _id: run._id }, { $inc: { marked: mailed }, $set: { lastRunAt: deps.clock.now() } });
  }
  await RecertificationRun.updateOne(
    { _id: run._id },
    outcome.failures
      ? { $set: { failures: outcome.failures, lastError, lastRunAt: deps.clock.now() } }
      : { $set: { doneAt: deps.clock.now(), failures: 0, lastRunAt: deps.clock.now() }, $unset: { lastError: 1 } },
  );
  return outcome;
}

/**
 * The claim that lets one instance work on a run now: `recertify-run:<run>:<lease window>`, given back when its pass
 * ends. Not needed for correctness (the certificates' claims decide who mails), but two instances working through one
 * run at once would write HR's standings of one office and course at the same moment, and FerretDB loses one of two
 * simultaneous updates of a document. A holder that died leaves the claim; the next lease window needs a new one.
 */
function leaseKey(run: Pick<RecertificationRunDoc, '_id'>, now: Date): string {
  return `recertify-run:${run._id}:${Math.floor(now.getTime() / RECERTIFICATION_LEASE_MS)}`;
}

/**
 * Works through every run not done yet, oldest first, each on one instance at a time (leaseKey). Safe on several
 * instances at once (the claims decide who mails) and after a crash (a run stays pending until one pass had no
 * failure). A failing run does not stop the others.
 */
export async function runPendingRecertifications(deps: RecertificationDeps): Promise<RecertificationOutcome> {
  // Every organisation's runs, on purpose (a platform job): one small document per change of law ever published.
  const runs = (await RecertificationRun.find({}).setOptions({ acrossOrganisations: true }).lean<RecertificationRunDoc[]>())
    .filter((run) => !run.doneAt)
    .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime());
  const total: RecertificationOutcome = { found: 0, mailed: 0, failures: 0 };
  for (const run of runs) {
    const lease = leaseKey(run, deps.clock.now());
    if (!(await claimOnce(lease, run.organisationId))) continue;
    try {
      const outcome = await runRecertification(deps, run);
      total.found += outcome.found;
      total.mailed += outcome.mailed;
      total.failures += outcome.failures;
    } catch (error) {
      total.failures += 1;
      deps.logger.error({ err: error, run: run._id }, 're-certification run failed; the next run tries again');
    } finally {
      await releaseClaim(lease, run.organisationId);
    }
  }
  return total;
}

/** Schedules the job (every minute; it never overlaps itself and does not keep the process alive). Returns it, to stop. */
export function scheduleRecertifications(deps: RecertificationDeps & { logger: Pick<Logger, 'info' | 'error' | 'warn'> }): Cron {
  return new Cron(RECERTIFICATION_CRON, { unref: true, protect: true }, async () => {
    try {
      const outcome = await runPendingRecertifications(deps);
      if (outcome.mailed || outcome.failures) deps.logger.info(outcome, 're-certification after a change of law');
    } catch (error) {
      deps.logger.warn({ err: error }, 're-certification job failed; will retry');
    }
  });
}
