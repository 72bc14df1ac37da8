// An office's own catalogue: the courses shared with it, and the admin hiding one from its staff or bringing it back.
import { Types } from 'mongoose';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Course } from '../courses/course.types.js';
import { ForbiddenError, NotFoundError } from '../http/errors.js';
import type { CourseOpenness } from '../learning/learning.policy.js';
import { Organisation, type OrganisationDoc } from './organisation.model.js';
import { courseFactsOf, type OfficeCourseFacts } from './organisation.service.js';

/** What the office's catalogue needs from the platform (a Platform fits). */
export interface OfficeCoursesDeps {
  catalogue: CourseCatalogue;
  availability: CourseOpenness;
  audit: AuditTrail;
}

/** One course of the office's catalogue page. */
export interface OfficeCourseRow {
  id: string;
  title: string;
  summary: string;
  hidden: boolean;
}

/** The office (by `_id`); ForbiddenError for an association or the platform: only an office has a staff catalogue. */
async function officeOf(organisationId: string): Promise<OrganisationDoc> {
  const organisation = Types.ObjectId.isValid(organisationId) ? await Organisation.findById(organisationId).lean<OrganisationDoc>() : null;
  if (!organisation) throw new NotFoundError();
  if (organisation.kind !== 'office') throw new ForbiddenError();
  return organisation;
}

/** Whether the course is shared with the office, leaving aside the office's own hiding (what its admin may hide). */
function sharedWith(deps: Pick<OfficeCoursesDeps, 'availability'>, course: Pick<Course, 'id'>, office: OfficeCourseFacts): boolean {
  return deps.availability.isOpenTo(course.id, { ...office, hiddenCourses: [] });
}

/** Every course shared with the office, in catalogue order, each marked hidden when its admin hid it. */
export async function officeCourses(deps: Pick<OfficeCoursesDeps, 'catalogue' | 'availability'>, organisationId: string): Promise<OfficeCourseRow[]> {
  const office = courseFactsOf(await officeOf(organisationId));
  return deps.catalogue
    .list()
    .filter((course) => sharedWith(deps, course, office))
    .map((course) => ({ id: course.id, title: course.title, summary: course.summary, hidden: office.hiddenCourses.includes(course.id) }));
}

/**
 * Hides (`hidden: true`) or brings back a course in the office's catalogue. Hiding takes a course shared with the
 * office (any other is a 404, as for learners); bringing back takes any course on the office's hidden list. People
 * already enrolled keep the course either way (learning.policy.ts). One `_id` update of the office: every instance
 * reads the office per request, so the change is in effect on the next page anyone opens. Returns the course's
 * title and whether anything changed (false: it already was so).
 */
export async function setCourseHidden(
  deps: OfficeCoursesDeps,
  params: { organisationId: string; courseId: string; hidden: boolean; actor: AuditActor },
): Promise<{ title: string; changed: boolean }> {
  const organisation = await officeOf(params.organisationId);
  const office = courseFactsOf(organisation);
  const course = deps.catalogue.get(params.courseId);
  const isHidden = office.hiddenCourses.includes(params.courseId);
  if (params.hidden ? !course || !sharedWith(deps, course, office) : !isHidden) throw new NotFoundError('Nie znaleziono szkolenia.');
  const title = course?.title ?? params.courseId;
  if (isHidden === params.hidden) return { title, changed: false };
  await Organisation.updateOne({ _id: organisation._id }, params.hidden ? { $addToSet: { hiddenCourses: params.courseId } } : { $pull: { hiddenCourses: params.courseId } });
  await deps.audit.record({
    organisationId: params.organisationId,
    actor: params.actor,
    action: params.hidden ? 'course.hidden' : 'course.restored',
    subject: { kind: 'course', id: params.courseId, label: title },
  });
  return { title, changed: true };
}
