// Keeps HR's read model of training standings in step: recomputes a person's cell from learning's and certificates'
// read APIs when an enrolment, its progress or a certificate changes; rebuilds an office's standings from scratch.
import { Types } from 'mongoose';
import { completionsOfEnrolments, type EnrolmentCompletions } from '../certificates/certificates.read.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Course } from '../courses/course.types.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import type { PlatformEvents } from '../events/platform-events.js';
import { enrolmentOfPerson, enrolmentsOfOrganisation, trainingFactsOf, type EnrolmentWithProgress } from '../learning/learning.read.js';
import type { Logger } from '../logger.js';
import { Organisation } from '../organisations/organisation.model.js';
import { builtMarkerId, decodeCell, encodeCell, standingId, TrainingStanding, type StandingFacts, type TrainingStandingDoc } from './training-standing.model.js';

/** Drops undefined fields, so a stored cell holds only the facts that exist (the driver would store nulls). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A cell's facts from the sources: the status facts as the learner's dashboard decides them (trainingFactsOf), plus
 * what HR's views show. The one function the listeners, the rebuild and the benchmark's bulk writer use.
 */
export function standingFactsOf(course: Course | undefined, row: EnrolmentWithProgress, completions: EnrolmentCompletions | undefined): StandingFacts {
  const { enrolment, progress } = row;
  const latest = completions?.latest;
  const facts = trainingFactsOf(course, enrolment, progress ?? null, latest);
  // The certificate speaks for the completion the facts judge (trainingFactsOf took its validity and revocation).
  const certified = latest && facts.completedAt && latest.completedAt.getTime() >= facts.completedAt.getTime() - 60_000;
  return compact({
    enrolmentId: enrolment._id.toHexString(),
    dueDate: facts.dueDate ?? undefined,
    assignedBy: enrolment.assignedBy ? String(enrolment.assignedBy) : undefined,
    started: facts.started,
    lastActivityAt: progress?.lastActivityAt ?? undefined,
    completedAt: facts.completedAt ?? undefined,
    validUntil: facts.validUntil ?? undefined,
    revoked: Boolean(facts.revoked),
    revokedAt: certified ? latest.revokedAt : undefined,
    certificateCode: certified ? latest.code : undefined,
    recertification: facts.recertification ?? undefined,
    // Earlier completions; a latest certificate the progress has since overtaken (a renewal not yet certified) joins them.
    history: [
      ...(latest && !certified ? [compact({ completedAt: latest.completedAt, certificateCode: latest.code, validUntil: latest.validUntil, revokedAt: latest.revokedAt })] : []),
      ...(completions?.earlier ?? []).map((record) => compact({ ...record })),
    ],
  });
}

/**
 * Runs an upsert, once more if it lost a race: two first writes of one document at once (two listeners, or two
 * instances back-filling at start-up) make one insert and the other fail on the duplicate `_id`; run again, it updates.
 */
async function upsertRetryingOnce(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await write();
  }
}

/** Writes one cell (or removes it when `facts` is undefined); a concurrent first upsert of the document is retried once. */
async function writeCell(organisationId: Types.ObjectId, courseId: string, userId: string, facts: StandingFacts | undefined): Promise<void> {
  const _id = standingId(organisationId, courseId);
  const update = facts ? { $set: { [`cells.${userId}`]: encodeCell(facts) }, $setOnInsert: { organisationId, courseId } } : { $unset: { [`cells.${userId}`]: 1 } };
  await upsertRetryingOnce(() => TrainingStanding.updateOne({ _id }, update, { upsert: Boolean(facts) }));
}

/** What recomputing a cell needs from the platform. */
export interface StandingsDeps {
  catalogue: CourseCatalogue;
}

/** Recomputes one person's cell on one course from the read APIs (an enrolment gone removes the cell). */
export async function refreshStanding(deps: StandingsDeps, params: { organisationId: string; userId: string; courseId: string }): Promise<void> {
  const organisationId = new Types.ObjectId(params.organisationId);
  const row = await enrolmentOfPerson(organisationId, params.userId, params.courseId);
  if (!row) return writeCell(organisationId, params.courseId, params.userId, undefined);
  const completions = await completionsOfEnrolments(organisationId, [row.enrolment._id]);
  const facts = standingFactsOf(deps.catalogue.versionOrNewest(params.courseId, row.enrolment.courseVersion), row, completions.get(row.enrolment._id.toHexString()));
  await writeCell(organisationId, params.courseId, params.userId, facts);
}

/** Keeps the standings in step with enrolments, progress and certificates; createPlatform wires it. */
export function listenForTrainingChanges(deps: StandingsDeps & { events: PlatformEvents }): void {
  const refresh = (event: { organisationId: string; userId: string; courseId: string }) => refreshStanding(deps, event);
  deps.events.on('enrolment.changed', refresh);
  deps.events.on('progress.changed', refresh);
  deps.events.on('certificate.changed', refresh);
}

/**
 * Rebuilds one office's standings from its enrolments (a scan of the enrolments: the start-up back-fill, the
 * `npm run reports:rebuild` script and tests, never a page), then marks the office as built. A cell a listener
 * writes while this runs may be overwritten with what was read a moment earlier; the next change sets it right.
 */
export async function rebuildOfficeStandings(deps: StandingsDeps, organisationId: Types.ObjectId | string): Promise<number> {
  const office = new Types.ObjectId(String(organisationId));
  const rows = await enrolmentsOfOrganisation(office);
  const completions = await completionsOfEnrolments(
    office,
    rows.map((row) => row.enrolment._id),
  );
  const byCourse = new Map<string, Record<string, string>>(deps.catalogue.list().map((course) => [course.id, {}]));
  for (const row of rows) {
    const cells = byCourse.get(row.enrolment.courseId) ?? {};
    cells[String(row.enrolment.userId)] = encodeCell(
      standingFactsOf(deps.catalogue.versionOrNewest(row.enrolment.courseId, row.enrolment.courseVersion), row, completions.get(row.enrolment._id.toHexString())),
    );
    byCourse.set(row.enrolment.courseId, cells);
  }
  for (const [courseId, cells] of byCourse) {
    await upsertRetryingOnce(() => TrainingStanding.replaceOne({ _id: standingId(office, courseId) }, { organisationId: office, courseId, cells }, { upsert: true }));
  }
  await upsertRetryingOnce(() => TrainingStanding.replaceOne({ _id: builtMarkerId(office) }, { organisationId: office, courseId: '*', cells: {} }, { upsert: true }));
  return rows.length;
}

/** Start-up back-fill: builds the standings of every organisation not marked as built (once after the upgrade). */
export async function backfillStandings(deps: StandingsDeps & { logger: Pick<Logger, 'info'> }): Promise<void> {
  // Every organisation's id (a start-up task, not a request): one `_id` read of each marker afterwards.
  const organisations = await Organisation.find({}).select('_id').lean<Array<{ _id: Types.ObjectId }>>();
  for (const { _id } of organisations) {
    if (await TrainingStanding.exists({ _id: builtMarkerId(_id) })) continue;
    const count = await rebuildOfficeStandings(deps, _id);
    deps.logger.info({ organisationId: String(_id), enrolments: count }, 'training standings built');
  }
}

/** An office's standings on these courses, by course id: one `_id` read per course (absent documents read as empty). */
export async function standingsOf(organisationId: Types.ObjectId | string, courseIds: string[]): Promise<Map<string, Record<string, StandingFacts>>> {
  const docs = await Promise.all(courseIds.map((courseId) => TrainingStanding.findById(standingId(organisationId, courseId)).lean<TrainingStandingDoc>()));
  return new Map(
    courseIds.map((courseId, index) => [courseId, Object.fromEntries(Object.entries(docs[index]?.cells ?? {}).map(([userId, stored]) => [userId, decodeCell(stored)]))]),
  );
}
