// Sharing a studio course: who it is open to (its owner's choice), its default at publication, and the start-up load.
import { Types } from 'mongoose';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import { ValidationError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { memberOfficesOf } from '../organisations/organisation.service.js';
import { bumpSharingStamp, ensureCourseSharing, ownerKindOf, type CourseAvailability } from './course-availability.js';
import { CourseSharing, defaultAudienceOf, type Audience, type CourseSharingDoc } from './course-sharing.model.js';
import type { SharingBody } from './course-sharing.schemas.js';
import type { Author } from './studio.policy.js';
import { StudioCourse } from './studio-course.model.js';
import { titleOf } from './studio.presenter.js';
import { studioCourseOf } from './studio.service.js';

/** What sharing needs from the platform (a Platform fits). */
export interface SharingDeps {
  availability: CourseAvailability;
  audit: AuditTrail;
}

/** The audiences an owner may choose: an association shares with its members (all or chosen), an office keeps its own. */
export function audiencesFor(ownerKind: string | undefined): Audience[] {
  return ownerKind === 'association' ? ['members', 'chosen'] : ['own'];
}

/** The sharing page's facts: the course, its owner's kind, the current audience and the member offices to choose from. */
export interface SharingState {
  courseId: string;
  title: string;
  ownerKind: string;
  audience: Audience;
  /** Ids of the offices chosen (for `chosen`). */
  offices: string[];
  /** The audiences this owner may choose. */
  audiences: Audience[];
  /** The owning association's member offices, by name (none for an office's course). */
  memberOffices: Array<{ id: string; name: string; teryt?: string }>;
}

/**
 * The sharing of one of the author's organisation's studio courses (NotFoundError for another's). Reads the course,
 * its record and the owner by `_id`, and for an association its member offices (a filter on `memberOf`: a scan of
 * the organisations, a small collection, on an author's occasional page).
 */
export async function sharingOfCourse(author: Author, courseId: string): Promise<SharingState> {
  const course = await studioCourseOf(author, courseId);
  const ownerKind = (await ownerKindOf(author.organisationId)) ?? 'office';
  const record = await CourseSharing.findById(courseId).lean<CourseSharingDoc>();
  const members = ownerKind === 'association' ? ((await memberOfficesOf(author.organisationId))?.offices ?? []) : [];
  return {
    courseId,
    title: titleOf(course.files, courseId),
    ownerKind,
    audience: record?.audience ?? defaultAudienceOf(ownerKind),
    offices: (record?.offices ?? []).map((id) => id.toHexString()),
    audiences: audiencesFor(ownerKind),
    memberOffices: members,
  };
}

/**
 * Stores the author's choice. Refused with field errors, nothing stored: an audience this owner may not choose, no
 * office for `chosen`, an office that is not a member of the owning association. Then the registry of this process
 * takes it at once, the stamp moves for the other instances, and the owner's audit trail records it. Returns whether
 * anything changed.
 */
export async function changeCourseSharing(deps: SharingDeps, author: Author, courseId: string, input: SharingBody): Promise<boolean> {
  const state = await sharingOfCourse(author, courseId);
  if (!state.audiences.includes(input.audience)) throw new ValidationError({ audience: ['studio:sharing.errors.audienceNotForOwner'] });
  const offices = input.audience === 'chosen' ? [...new Set(input.offices)] : [];
  const members = new Set(state.memberOffices.map((office) => office.id));
  if (input.audience === 'chosen' && !offices.length) throw new ValidationError({ offices: ['studio:sharing.errors.chooseOffice'] });
  if (offices.some((id) => !members.has(id))) throw new ValidationError({ offices: ['studio:sharing.errors.officeNotMember'] });
  const unchanged =
    state.audience === input.audience && (input.audience !== 'chosen' || (offices.length === state.offices.length && offices.every((id) => state.offices.includes(id))));
  if (unchanged) return false;
  const organisationId = new Types.ObjectId(author.organisationId);
  const changedBy = { id: author.id, name: author.fullName };
  // By `_id` alone (with the owner it would be a scan on FerretDB); the course was found in the author's organisation.
  await CourseSharing.updateOne(
    { _id: courseId },
    { $set: { organisationId, audience: input.audience, offices: offices.map((id) => new Types.ObjectId(id)), changedBy } },
    { upsert: true },
  );
  deps.availability.set({ courseId, ownerId: author.organisationId, audience: input.audience, offices });
  await bumpSharingStamp();
  const names = new Map(state.memberOffices.map((office) => [office.id, office.name]));
  const actor: AuditActor = { id: author.id, fullName: author.fullName };
  await deps.audit.record({
    organisationId: author.organisationId,
    actor,
    action: 'course.sharingChanged',
    subject: { kind: 'course', id: courseId, label: state.title },
    details: { audience: { before: state.audience, after: input.audience }, ...(offices.length ? { offices: offices.map((id) => names.get(id) ?? id) } : {}) },
  });
  return true;
}

/**
 * Start-up: every studio course gets its sharing record (courses published before sharing existed get their owner's
 * default), then the registry reads them all. Scans of the studio courses (ids and owners only), the sharing records
 * and the owners (organisations by `_id` list): small collections, once per start.
 */
export async function loadCourseSharing(deps: { availability: CourseAvailability; logger: Pick<Logger, 'info'> }): Promise<void> {
  // Across organisations on purpose: the start-up pass covers every owner.
  const courses = await StudioCourse.find({})
    .select({ _id: 1, organisationId: 1 })
    .setOptions({ acrossOrganisations: true })
    .lean<Array<{ _id: string; organisationId: Types.ObjectId }>>();
  const known = new Set((await CourseSharing.find({}).select({ _id: 1 }).setOptions({ acrossOrganisations: true }).lean<Array<{ _id: string }>>()).map((doc) => doc._id));
  const missing = courses.filter((course) => !known.has(course._id));
  for (const course of missing) await ensureCourseSharing(deps, course._id, course.organisationId.toHexString());
  if (missing.length) deps.logger.info({ courses: missing.length }, `${missing.length} studio course(s) given their owner's default sharing`);
  await deps.availability.load();
}
