// What assignments, their jobs and listeners need from the platform: one interface a Platform satisfies.
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Clock } from '../calendar/clock.js';
import type { Config } from '../config.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { PlatformEvents } from '../events/platform-events.js';
import type { LearningDeps } from '../learning/learner.js';
import type { CourseOpenness } from '../learning/learning.policy.js';
import type { Mailer } from '../mail/mail.service.js';

/** What the assignments feature needs (a Platform fits). */
export interface AssignmentsDeps extends LearningDeps {
  catalogue: CourseCatalogue;
  /** Which courses are open to which office (Platform.availability): HR assigns only those open to their office. */
  availability: CourseOpenness;
  mailer: Mailer;
  events: PlatformEvents;
  audit: AuditTrail;
  clock: Clock;
  /** BASE_URL: course links in the e-mails. */
  config: Pick<Config, 'BASE_URL'>;
}
