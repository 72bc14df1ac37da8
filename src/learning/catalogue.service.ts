// The courses a learner may see: the loaded catalogue filtered by the sharing policy, for their office in this request.
import type { Course } from '../courses/course.types.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { NotFoundError } from '../http/errors.js';
import { officeCourseFactsOf } from '../organisations/organisation.service.js';
import type { Learner } from './learner.js';
import { assertCanSeeCourse, canSeeCourse, visitorCourseAccess, type CourseAccess, type CourseOpenness } from './learning.policy.js';
import { findEnrolment } from './enrolment.service.js';

/** What the catalogue answers need from the platform (a Platform fits). */
export interface CatalogueDeps {
  catalogue: CourseCatalogue;
  /** The sharing registry (Platform.availability). */
  availability: CourseOpenness;
}

/**
 * The learner's access for this request: their office read by `_id` (one look-up), so an admin hiding a course or a
 * changed membership is in effect on the next request, without signing in again; the session carries no copy.
 */
export async function courseAccessOf(deps: Pick<CatalogueDeps, 'availability'>, learner: Pick<Learner, 'organisationId'>): Promise<CourseAccess> {
  return { openness: deps.availability, office: await officeCourseFactsOf(learner.organisationId) };
}

/** Courses open to the learner's office, in catalogue order (one read of the office). */
export async function coursesOpenTo(deps: CatalogueDeps, learner: Learner): Promise<Course[]> {
  const access = await courseAccessOf(deps, learner);
  return deps.catalogue.list().filter((course) => canSeeCourse(access, course));
}

/** A course open to the learner, or NotFoundError (a closed course looks like no course at all). */
export async function courseOpenTo(deps: CatalogueDeps, learner: Learner, courseId: string): Promise<Course> {
  const course = deps.catalogue.get(courseId);
  if (!course) throw new NotFoundError('Nie znaleziono szkolenia.');
  assertCanSeeCourse(await courseAccessOf(deps, learner), course);
  return course;
}

/** The public courses, in catalogue order, for a visitor who is not signed in (learning.policy.ts visitorCourseAccess). */
export function coursesOpenToVisitors(deps: CatalogueDeps): Course[] {
  const access = visitorCourseAccess(deps.availability);
  return deps.catalogue.list().filter((course) => canSeeCourse(access, course));
}

/** A public course for a visitor who is not signed in, or NotFoundError (any other course looks like no course). */
export function courseOpenToVisitors(deps: CatalogueDeps, courseId: string): Course {
  const course = deps.catalogue.get(courseId);
  if (!course) throw new NotFoundError('Nie znaleziono szkolenia.');
  assertCanSeeCourse(visitorCourseAccess(deps.availability), course);
  return course;
}

/**
 * The course as the learner studies it: the version their enrolment started on (a version published since does not
 * change the lessons or the test under them), or the newest open to them when they are not enrolled.
 *
 * The enrolment is read first: an enrolled learner keeps their course even when it has since been closed to their
 * office (hidden by the admin, sharing narrowed) — they finish what they started (learning.policy.ts canSeeCourse) —
 * and needs no read of the office. Only a learner who is not enrolled is asked the sharing rule.
 */
export async function courseOfLearner(deps: CatalogueDeps, learner: Learner, courseId: string): Promise<Course> {
  const enrolment = await findEnrolment(learner, courseId);
  const studied = enrolment && deps.catalogue.versionOrNewest(courseId, enrolment.courseVersion);
  return studied || courseOpenTo(deps, learner, courseId);
}

/** The version an enrolment started on, or the newest served (undefined when the course was withdrawn). */
export function courseOfEnrolment(catalogue: CourseCatalogue, enrolment: { courseId: string; courseVersion?: string }): Course | undefined {
  return catalogue.versionOrNewest(enrolment.courseId, enrolment.courseVersion);
}
