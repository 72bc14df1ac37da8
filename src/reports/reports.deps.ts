// What HR's reports, assignments and reminders need from the platform: one interface a Platform satisfies.
import type { Config } from '../config.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { LearningDeps } from '../learning/learner.js';
import type { CourseOpenness } from '../learning/learning.policy.js';
import type { Mailer } from '../mail/mail.service.js';

/** What HR's reports, assignments and reminders need from the platform (a Platform fits). */
export interface ReportsDeps extends LearningDeps {
  catalogue: CourseCatalogue;
  /** Which courses are open to which office (Platform.availability): HR's columns are their office's courses. */
  availability: CourseOpenness;
  mailer: Mailer;
  /** BASE_URL: course links in the e-mails. */
  config: Pick<Config, 'BASE_URL'>;
}
