// The one builder of the `course.passed` payload: a passed final test, a satisfied SCORM package and a satisfied cmi5 course announce the same fact.
import type { CoursePassed } from '../events/platform-events.js';
import type { EnrolmentDoc } from './enrolment.model.js';
import type { Learner } from './learner.js';

/** What `course.passed` says of an enrolment the learner has just passed (certificates listen). */
export function coursePassedEvent(params: {
  learner: Pick<Learner, 'id' | 'organisationId'>;
  courseId: string;
  enrolment: Pick<EnrolmentDoc, '_id' | 'courseVersion' | 'registration'>;
  scorePercent: number;
  completedAt: Date;
}): CoursePassed {
  const { learner, enrolment } = params;
  return {
    userId: learner.id,
    organisationId: learner.organisationId,
    courseId: params.courseId,
    courseVersion: enrolment.courseVersion,
    enrolmentId: String(enrolment._id),
    registration: enrolment.registration,
    scorePercent: params.scorePercent,
    completedAt: params.completedAt,
  };
}
