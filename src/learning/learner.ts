// The learner as learning services need them, and the xAPI statement context of one enrolment.
import type { SessionUser } from '../auth/session-user.js';
import type { Course } from '../courses/course.types.js';

/** What the learning services need to know about a person (a SessionUser fits). */
export type Learner = Pick<SessionUser, 'id' | 'organisationId' | 'learnerId' | 'fullName'>;

/** The context every learning statement builder takes (src/xapi/learning-statements.ts). */
export function statementContext(learner: Learner, course: Course, registration: string) {
  return {
    learner: { learnerId: learner.learnerId, fullName: learner.fullName },
    course,
    registration,
    language: course.language,
  };
}
