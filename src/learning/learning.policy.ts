// Who may do what in learning: a learner sees courses open to their organisation and acts only on their own enrolments.
import type { Course } from '../courses/course.types.js';
import { ForbiddenError, NotFoundError } from '../http/errors.js';
import type { Learner } from './learner.js';

/**
 * Whether a course is open to the learner's organisation.
 * Sharing rule (for now): every loaded course is open to every organisation — the courses in the
 * repository are published by the association for all member offices. When courses gain an
 * `availableTo` list (organisation ids of associations and offices), this is the one place to check
 * it: an office sees a course listed for itself or for an association it is a member of (`memberOf`).
 */
export function canSeeCourse(_learner: Learner, _course: Course): boolean {
  return true;
}

/** A learner acts only on enrolments of their own, in their own organisation. */
export function canActOnEnrolment(learner: Learner, enrolment: { userId: unknown; organisationId: unknown }): boolean {
  return String(enrolment.userId) === learner.id && String(enrolment.organisationId) === learner.organisationId;
}

/** Throws NotFoundError (not 403: a closed course should look like no course at all). */
export function assertCanSeeCourse(learner: Learner, course: Course): void {
  if (!canSeeCourse(learner, course)) throw new NotFoundError('Nie znaleziono szkolenia.');
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
