// The one way the platform records its own learning statements: build them in one enrolment's context, store them.
import type { Clock } from '../calendar/clock.js';
import type { Course } from '../courses/course.types.js';
import { ConflictError } from '../http/errors.js';
import type { LearningContext } from './learning-statements.js';
import type { StatementStore } from './statement.service.js';
import type { XapiVocabulary } from './xapi-vocabulary.js';
import type { Statement } from './xapi.types.js';

/** Whose learning is recorded: the learner of one enrolment (a SessionUser or a user record fits). */
export interface RecordedLearner {
  organisationId: string;
  learnerId: string;
  fullName: string;
}

/** One enrolment's statements: who, which course, and the registration every statement of it shares. */
export interface RecordingScope {
  learner: RecordedLearner;
  course: Course;
  registration: string;
}

/** Builds and stores the statements of the platform's own learning events (enrolment, lessons, quiz, certificates). */
export class LearningRecorder {
  constructor(
    private readonly store: StatementStore,
    readonly vocabulary: XapiVocabulary,
    /** The platform clock: statements say when the learning happened by it, so a test that moves it moves them too. */
    private readonly clock: Clock,
  ) {}

  /** The builders' context for one enrolment (see learning-statements.ts). */
  contextOf(scope: RecordingScope): LearningContext {
    return {
      vocabulary: this.vocabulary,
      learner: { learnerId: scope.learner.learnerId, fullName: scope.learner.fullName },
      course: scope.course,
      registration: scope.registration,
      now: this.clock.now(),
    };
  }

  /**
   * Builds the statements in the scope's context and stores them in the learner's organisation, with the platform
   * as authority; resolves with their ids once stored and projected. A failure rejects: callers undo what they did.
   */
  async record(scope: RecordingScope, build: (context: LearningContext) => Statement[]): Promise<string[]> {
    return this.store.store(build(this.contextOf(scope)), { organisationId: scope.learner.organisationId });
  }

  /** Feeds statements already stored (by id) to the projectors again (see StatementStore.reproject). */
  async reproject(organisationId: string, ids: string[]): Promise<string[]> {
    return this.store.reproject(organisationId, ids);
  }

  /**
   * Like record(), for statements built with fixed ids (derived from what they record, e.g. the enrolment): one
   * already stored is not stored again but fed to the projectors again. Retrying after a crash (stored but not
   * projected, or not stored at all) therefore ends with both done, and never with two copies. Resolves with the ids.
   */
  async recordOnce(scope: RecordingScope, build: (context: LearningContext) => Statement[]): Promise<string[]> {
    const organisationId = scope.learner.organisationId;
    const statements = build(this.contextOf(scope));
    const ids = statements.map((statement) => {
      if (!statement.id) throw new Error('recordOnce records statements with fixed ids only');
      return statement.id.toLowerCase();
    });
    const stored = new Set(await this.store.reproject(organisationId, ids));
    const missing = statements.filter((statement) => !stored.has(statement.id!.toLowerCase()));
    if (!missing.length) return ids;
    try {
      await this.store.store(missing, { organisationId });
    } catch (error) {
      // Stored at the same moment by another attempt (a start-up repair and the learner's click): it is there.
      if (!(error instanceof ConflictError)) throw error;
      await this.store.reproject(
        organisationId,
        missing.map((statement) => statement.id!),
      );
    }
    return ids;
  }
}
