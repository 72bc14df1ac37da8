// The courses a learner may see: the loaded catalogue filtered by the sharing policy.
import type { Course } from '../courses/course.types.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { NotFoundError } from '../http/errors.js';
import type { Learner } from './learner.js';
import { canSeeCourse } from './learning.policy.js';
import { findEnrolment } from './enrolment.service.js';

/** Courses open to the learner's organisation, in catalogue order. */
export function coursesOpenTo(catalogue: CourseCatalogue, learner: Learner): Course[] {
  return catalogue.list().filter((course) => canSeeCourse(learner, course));
}

/** A course open to the learner, or NotFoundError (a closed course looks like no course at all). */
export function courseOpenTo(catalogue: CourseCatalogue, learner: Learner, courseId: string): Course {
  const course = catalogue.get(courseId);
  if (!course || !canSeeCourse(learner, course)) throw new NotFoundError('Nie znaleziono szkolenia.');
  return course;
}


/**
 * The course as the learner studies it: the version their enrolment started on (a version published since does not
 * change the lessons or the test under them), or the newest open to them when they are not enrolled.
 */
export async function courseOfLearner(catalogue: CourseCatalogue, learner: Learner, courseId: string): Promise<Course> {
  const newest = courseOpenTo(catalogue, learner, courseId);
  const enrolment = await findEnrolment(learner, courseId);
  return (enrolment && catalogue.version(courseId, enrolment.courseVersion)) || newest;
}

/** The version an enrolment started on, or the newest served (undefined when the course was withdrawn). */
export function courseOfEnrolment(catalogue: CourseCatalogue, enrolment: { courseId: string; courseVersion?: string }): Course | undefined {
  return catalogue.versionOrNewest(enrolment.courseId, enrolment.courseVersion);
}
