// Who may do what in learning: a learner sees courses open to their office and acts only on their own enrolments.
import type { Course } from '../courses/course.types.js';
import { ForbiddenError, NotFoundError } from '../http/errors.js';
import type { OfficeCourseFacts } from '../organisations/organisation.service.js';
import type { Learner } from './learner.js';

/** The sharing registry as learning asks it (the platform's CourseAvailability, studio/course-availability.ts). */
export interface CourseOpenness {
  isOpenTo(courseId: string, office: OfficeCourseFacts): boolean;
}

/** What decides which courses a learner may see: the registry, and their office's facts read for this request. */
export interface CourseAccess {
  openness: CourseOpenness;
  office: OfficeCourseFacts;
}

/**
 * Whether a course is open to the learner's office: shared with it by its owner (an association's course with its
 * member offices or the chosen ones, an office's private course with its own staff; a course of courses/ with every
 * office) and not hidden by the office's admin. The rule itself is studio/course-availability.ts isOpenUnder.
 *
 * A closed course takes no new enrolment and is not in the catalogue, but an enrolment already made keeps it: the
 * learner finishes it (lessons, test, certificate) and finds it on "Moje szkolenia" — hiding or narrowing a course
 * never strands people mid-course (canStudyCourse; catalogue.service.ts courseOfLearner).
 */
export function canSeeCourse(access: CourseAccess, course: Pick<Course, 'id'>): boolean {
  return access.openness.isOpenTo(course.id, access.office);
}

/**
 * The office of nobody: what an anonymous visitor's catalogue is asked with. A member of no association, owner of no
 * course, hiding nothing — so the sharing rule (isOpenUnder) lets through exactly the platform's public courses: those
 * open to every office (the folders of courses/, which have no studio owner). An association's course (shared with
 * its members, or only with chosen offices) and an office's private course stay out of the visitor's sight: their
 * existence is their owner's to tell. The visitor reads the course page only; lessons and the quiz need a sign-in.
 */
const NO_OFFICE: OfficeCourseFacts = Object.freeze({ id: '', memberOf: [], hiddenCourses: [] });

/** The access of a visitor who is not signed in (the public courses only, see NO_OFFICE). */
export function visitorCourseAccess(openness: CourseOpenness): CourseAccess {
  return { openness, office: NO_OFFICE };
}

/** Whether the learner may study the course: it is open to their office, or they are enrolled already. */
export function canStudyCourse(access: CourseAccess, course: Pick<Course, 'id'>, enrolment: unknown): boolean {
  return Boolean(enrolment) || canSeeCourse(access, course);
}

/** A learner acts only on enrolments of their own, in their own organisation. */
export function canActOnEnrolment(learner: Learner, enrolment: { userId: unknown; organisationId: unknown }): boolean {
  return String(enrolment.userId) === learner.id && String(enrolment.organisationId) === learner.organisationId;
}

/** Throws NotFoundError (not 403: a closed course should look like no course at all). */
export function assertCanSeeCourse(access: CourseAccess, course: Pick<Course, 'id'>): void {
  if (!canSeeCourse(access, course)) throw new NotFoundError('Nie znaleziono szkolenia.');
}

/** Throws ForbiddenError unless the enrolment is the learner's own. */
export function assertOwnEnrolment(learner: Learner, enrolment: { userId: unknown; organisationId: unknown }): void {
  if (!canActOnEnrolment(learner, enrolment)) throw new ForbiddenError();
}

/** HR and office admins may make exceptions to the quiz rules for people of their own organisation. */
export function canGrantQuizAttempts(actor: { roles: readonly string[] }): boolean {
  return actor.roles.includes('hr') || actor.roles.includes('admin');
}

/** Throws ForbiddenError unless the actor may grant quiz exceptions. */
export function assertCanGrantQuizAttempts(actor: { roles: readonly string[] }): void {
  if (!canGrantQuizAttempts(actor)) throw new ForbiddenError();
}
