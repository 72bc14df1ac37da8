// The one wiring point: builds the platform's services from the config, for the server, every script and the tests.
import { listenForJoiners } from './assignments/assignment.listeners.js';
import { AuditTrail } from './audit/audit-trail.js';
import { resolveSessionSecret } from './auth/session-secret.js';
import { systemClock, type Clock } from './calendar/clock.js';
import type { Config } from './config.js';
import { WindowCounters } from './db/window-counter.js';
import { listenForLegalChanges, listenForPassedCourses } from './certificates/certificate.listeners.js';
import { BadgeSigningKeys } from './certificates/signing-key.service.js';
import { loadCourseCatalogue, type CourseCatalogue } from './courses/course-catalogue.js';
import { PlatformEvents } from './events/platform-events.js';
import { learningProgressProjector } from './learning/progress.projector.js';
import type { Logger } from './logger.js';
import { Mailer } from './mail/mail.service.js';
import { listenForMergedDepartments } from './people/people.listeners.js';
import { listenForPersonalDataAccess } from './privacy/access-trail.js';
import { listenForTrainingChanges } from './reports/training-standings.js';
import type { SecretBox } from './secrets/secret-box.js';
import { resolveSecretBox } from './secrets/secrets-key.js';
import { CourseAvailability } from './studio/course-availability.js';
import { LearningRecorder } from './xapi/learning-recorder.js';
import type { Projector } from './xapi/projectors.js';
import { StatementStore } from './xapi/statement.service.js';
import { createXapiVocabulary, type XapiVocabulary } from './xapi/xapi-vocabulary.js';

/** Everything a feature may need outside a request, built once; passed on, never held in a module. */
export interface Platform {
  config: Config;
  logger: Logger;
  /** Signs session cookies and CSRF tokens: SESSION_SECRET, or the development secret kept in DATA_DIR. */
  sessionSecret: string;
  /** Seals the secrets kept in the database: SECRETS_KEY, or the development key kept in DATA_DIR. */
  secretBox: SecretBox;
  /** The Open Badges signing key, its private half sealed by secretBox. */
  badgeKeys: BadgeSigningKeys;
  /** The courses served (valid folders of COURSES_DIR). */
  catalogue: CourseCatalogue;
  /**
   * Which offices each course is open to (studio sharing; an office's hidden courses are read with the office): loaded
   * at start-up, set on every change in this process, `refresh()`ed for other instances' changes.
   */
  availability: CourseAvailability;
  /** The IRIs this installation coins (BASE_URL, XAPI_ACTIVITY_BASE). */
  vocabulary: XapiVocabulary;
  /** The statement store and its projectors. */
  statements: StatementStore;
  /** Records the platform's own learning statements. */
  recorder: LearningRecorder;
  /** Queues mail in the outbox; the server's mail sender (startup.ts) delivers it. */
  mailer: Mailer;
  events: PlatformEvents;
  /** Rate-limit and failed-login counters in the database, shared by every instance. */
  counters: WindowCounters;
  /** Who changed what in an organisation (admins, HR): written by the administration features. */
  audit: AuditTrail;
  /** What time it is for every rule (due dates, validity, reminders): the system clock, or one a test moves. */
  clock: Clock;
}

export interface CreatePlatformOptions {
  /** An already loaded catalogue (tests swapping courses); otherwise COURSES_DIR is loaded. */
  catalogue?: CourseCatalogue;
  /** A clock the tests move (calendar/clock.ts MovableClock); otherwise the system clock. */
  clock?: Clock;
}

/**
 * Builds the platform from the config. The database must be open already (openDatabase); nothing here
 * touches it. Projectors and event listeners are listed here explicitly, in the order they run.
 */
export async function createPlatform(config: Config, logger: Logger, options: CreatePlatformOptions = {}): Promise<Platform> {
  const sessionSecret = await resolveSessionSecret(config);
  const secretBox = await resolveSecretBox(config);
  const badgeKeys = new BadgeSigningKeys(secretBox);
  const catalogue = options.catalogue ?? (await loadCourseCatalogue({ dir: config.COURSES_DIR, logger }));
  const availability = new CourseAvailability(logger);
  const vocabulary = createXapiVocabulary({ baseUrl: config.BASE_URL, activityBase: config.XAPI_ACTIVITY_BASE });
  const events = new PlatformEvents(logger);
  const projectors: Projector[] = [learningProgressProjector(vocabulary, events)];
  const statements = new StatementStore({ vocabulary, projectors, logger });
  const clock = options.clock ?? systemClock;
  const recorder = new LearningRecorder(statements, vocabulary, clock);
  const mailer = new Mailer({ smtpConfigured: Boolean(config.SMTP_URL), logger });
  const counters = new WindowCounters();
  const audit = new AuditTrail();
  const platform: Platform = {
    config,
    logger,
    sessionSecret,
    secretBox,
    badgeKeys,
    catalogue,
    availability,
    vocabulary,
    statements,
    recorder,
    mailer,
    events,
    counters,
    audit,
    clock,
  };
  listenForPassedCourses(platform);
  listenForLegalChanges(platform);
  listenForMergedDepartments(platform);
  // After the certificate listener: a pass issues its certificate first, then the standing reads both.
  listenForTrainingChanges(platform);
  // After the people listeners: a merge moves staff first (person.changed), then they get the standing assignments.
  listenForJoiners(platform);
  // Views and exports of other people's data, into the access trail.
  listenForPersonalDataAccess(platform);
  return platform;
}
