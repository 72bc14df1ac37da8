// The learner as learning services need them, and what those services need from the platform.
import type { Clock } from '../calendar/clock.js';
import type { SessionUser } from '../auth/session-user.js';
import type { PlatformEvents } from '../events/platform-events.js';
import type { LearningRecorder } from '../xapi/learning-recorder.js';

/** What the learning services need to know about a person (a SessionUser fits). */
export type Learner = Pick<SessionUser, 'id' | 'organisationId' | 'learnerId' | 'fullName'>;

/** What the learning services that record statements need from the platform (a Platform fits). */
export interface LearningDeps {
  recorder: LearningRecorder;
  /** The platform clock: when someone enrolled. */
  clock: Pick<Clock, 'now'>;
  /** Announces enrolment changes (HR's standings listen). */
  events: Pick<PlatformEvents, 'emit'>;
}
