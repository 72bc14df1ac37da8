// The courses a learner may see: the loaded catalogue filtered by the sharing policy.
import type { Course } from '../courses/course.types.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { NotFoundError } from '../http/errors.js';
import type { Learner } from './learner.js';
import { canSeeCourse } from './learning.policy.js';

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

/** A loaded course by id, whoever asks (for rows of "Moje szkolenia" whose course may have been withdrawn). */
export function loadedCourse(catalogue: CourseCatalogue, courseId: string): Course | undefined {
  return catalogue.get(courseId);
}
