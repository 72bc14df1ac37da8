// Which offices each course is open to: the sharing records held in memory by the platform, kept in step in-process
// on every change and refreshed from the database (a cheap stamp look-up) for changes another instance made; and the
// writes every sharing change makes (the default record at publication, the stamp).
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../db/database-errors.js';
import type { Logger } from '../logger.js';
import { Organisation } from '../organisations/organisation.model.js';
import type { OfficeCourseFacts } from '../organisations/organisation.service.js';
import { CourseSharing, defaultAudienceOf, SHARING_STAMP_ID, SharingStamp, type Audience, type CourseSharingDoc, type SharingStampDoc } from './course-sharing.model.js';

/** One course's sharing as the rule reads it. */
export interface SharingRule {
  courseId: string;
  /** The owning organisation (an association or an office). */
  ownerId: string;
  audience: Audience;
  /** For `chosen`: the office ids it is open to. */
  offices: string[];
}

/** A sharing record as the rule reads it. */
export function ruleOf(doc: Pick<CourseSharingDoc, '_id' | 'organisationId' | 'audience' | 'offices'>): SharingRule {
  return { courseId: doc._id, ownerId: doc.organisationId.toHexString(), audience: doc.audience, offices: (doc.offices ?? []).map((id) => id.toHexString()) };
}

/**
 * The rule, in one place:
 * - a course the office's admin hid is closed to that office, whatever its sharing;
 * - a course without a sharing record (a folder of courses/, no studio owner) is open to every office;
 * - the owning organisation always sees its own course;
 * - `members`: open to every office that is a member of the owner (memberOf, read per request: joining or leaving the
 *   association opens or closes it at once);
 * - `chosen`: open to the listed offices while they are members (an office that left loses it, even if still listed);
 * - `own`: the owner only.
 */
export function isOpenUnder(rule: SharingRule | undefined, courseId: string, office: OfficeCourseFacts): boolean {
  if (office.hiddenCourses.includes(courseId)) return false;
  if (!rule) return true;
  if (office.id === rule.ownerId) return true;
  switch (rule.audience) {
    case 'members':
      return office.memberOf.includes(rule.ownerId);
    case 'chosen':
      return office.memberOf.includes(rule.ownerId) && rule.offices.includes(office.id);
    case 'own':
      return false;
  }
}

/**
 * The platform's registry of course sharing (Platform.availability). Loaded at start-up (startup.ts, after the course
 * versions), set in-process by the sharing service on every change and on publication, and `refresh()`ed by whoever
 * refreshes the catalogue periodically, so a second instance learns another's change within that period.
 *
 * A course is published with its sharing record written first (studio.service publishDraft), so an instance that
 * refreshes its sharing before its catalogue never serves a studio course as if it had no owner.
 */
export class CourseAvailability {
  private rules = new Map<string, SharingRule>();
  /** The stamp's generation when the rules were last read whole; undefined before the first load. */
  private generation: number | undefined;

  constructor(private readonly logger: Pick<Logger, 'info' | 'warn'>) {}

  /** Whether `courseId` is open to `office` (the rule above). Synchronous: no database read. */
  isOpenTo(courseId: string, office: OfficeCourseFacts): boolean {
    return isOpenUnder(this.rules.get(courseId), courseId, office);
  }

  /** The sharing rule of a studio course, or undefined for a course without an owner (courses/). */
  ruleFor(courseId: string): SharingRule | undefined {
    return this.rules.get(courseId);
  }

  /** Takes a change this process just stored (sharing.service, publication): in effect here at once. */
  set(rule: SharingRule): void {
    this.rules.set(rule.courseId, rule);
  }

  /**
   * Reads every sharing record. The stamp is read before the records: a change made in between moves the stamp past
   * what was kept, so the next refresh reads them again rather than missing it. A filter-less read of a small
   * collection (one record per studio course): at start-up and when the stamp moved, never per request.
   */
  async load(): Promise<void> {
    const stamp = await SharingStamp.findById(SHARING_STAMP_ID).lean<SharingStampDoc>();
    // Across organisations on purpose: the registry answers for every owner.
    const docs = await CourseSharing.find({}).setOptions({ acrossOrganisations: true }).lean<CourseSharingDoc[]>();
    this.rules = new Map(docs.map((doc) => [doc._id, ruleOf(doc)]));
    this.generation = stamp?.generation ?? 0;
    this.logger.info({ courses: docs.length }, `sharing of ${docs.length} studio course(s) loaded`);
  }

  /**
   * Brings the registry in step with changes other instances stored: one `_id` look-up of the stamp, and a reload
   * only when it moved. Returns whether it reloaded. Safe to call often (every few seconds).
   */
  async refresh(): Promise<boolean> {
    const stamp = await SharingStamp.findById(SHARING_STAMP_ID).lean<SharingStampDoc>();
    if (this.generation !== undefined && (stamp?.generation ?? 0) === this.generation) return false;
    await this.load();
    return true;
  }
}

/**
 * Moves the stamp after a sharing record was stored, so other instances reload on their next refresh. `$inc` with
 * an upsert by `_id`; two first writers at once may meet the unique `_id`, and the loser's retry increments the one.
 */
export async function bumpSharingStamp(): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await SharingStamp.updateOne({ _id: SHARING_STAMP_ID }, { $inc: { generation: 1 } }, { upsert: true });
      return;
    } catch (error) {
      if (attempt > 0 || !isDuplicateKeyError(error)) throw error;
    }
  }
}

/** The kind of an organisation (association, office, platform), read by `_id`. */
export async function ownerKindOf(organisationId: string): Promise<string | undefined> {
  return (await Organisation.findById(organisationId, { kind: 1 }).lean())?.kind;
}

/**
 * The course's sharing record, written with the owner's default when it has none yet (an insert by `_id`: two
 * publications at once keep the first), and taken by this process's registry. Called before a studio version is
 * served, so no instance ever serves a studio course without its owner's rule.
 */
export async function ensureCourseSharing(deps: { availability: CourseAvailability }, courseId: string, ownerId: string): Promise<SharingRule> {
  const existing = await CourseSharing.findById(courseId).lean<CourseSharingDoc>();
  if (existing) {
    const rule = ruleOf(existing);
    deps.availability.set(rule);
    return rule;
  }
  const audience = defaultAudienceOf(await ownerKindOf(ownerId));
  try {
    await CourseSharing.create({ _id: courseId, organisationId: new Types.ObjectId(ownerId), audience, offices: [] });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return ensureCourseSharing(deps, courseId, ownerId);
  }
  const rule: SharingRule = { courseId, ownerId, audience, offices: [] };
  deps.availability.set(rule);
  await bumpSharingStamp();
  return rule;
}
