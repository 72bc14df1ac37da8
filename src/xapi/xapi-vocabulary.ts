// The platform's xAPI vocabulary: verbs, activity types and the IRIs it coins, built once from the config.
import type { Actor, Agent } from './xapi.types.js';

export const VERBS = {
  registered: 'http://adlnet.gov/expapi/verbs/registered',
  launched: 'http://adlnet.gov/expapi/verbs/launched',
  initialized: 'http://adlnet.gov/expapi/verbs/initialized',
  experienced: 'http://adlnet.gov/expapi/verbs/experienced',
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  voided: 'http://adlnet.gov/expapi/verbs/voided',
  /** Tin Can registry verb for rewards such as certificates. */
  earned: 'http://id.tincanapi.com/verb/earned',
} as const;

export const ACTIVITY_TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  lesson: 'http://adlnet.gov/expapi/activities/lesson',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  interaction: 'http://adlnet.gov/expapi/activities/cmi.interaction',
  certificate: 'https://w3id.org/xapi/cmi5/activities/certificate',
} as const;

/** The account name of the platform's own authority; no LRS client may have it as its key. */
export const PLATFORM_AUTHORITY_NAME = 'akademia-jst';

/** Who recorded a statement, read from the authority the LRS set on it. */
export type Recorder = { kind: 'platform' } | { kind: 'client'; clientKey: string };

export interface XapiVocabularySettings {
  /** Public address of the platform (config.BASE_URL): account homePage of learners and LRS clients. */
  baseUrl: string;
  /** Base IRI of activity ids (config.XAPI_ACTIVITY_BASE). */
  activityBase: string;
}

/** The IRIs this installation coins. Statements are immutable, so these come from the config and nowhere else. */
export interface XapiVocabulary {
  readonly baseUrl: string;
  readonly activityBase: string;
  /** The LRS endpoint LRS clients are given. */
  readonly lrsEndpoint: string;
  /** Platform-coined verb for withdrawing a certificate (no ADL verb says it). */
  readonly revokedVerb: string;
  /** Extension key carrying the quiz attempt id on answered/passed/failed statements. */
  readonly attemptExtension: string;
  /** Activity IRIs: stable across course versions (the version goes into context.revision). */
  readonly activityIri: {
    course(courseId: string): string;
    lesson(courseId: string, lessonId: string): string;
    quiz(courseId: string): string;
    quizQuestion(courseId: string, questionId: string): string;
    lessonCheck(courseId: string, lessonId: string, questionId: string): string;
    certificate(code: string): string;
  };
  /** The learner as an xAPI actor: an opaque account, never the e-mail or the name (see docs/xapi.md). */
  learnerActor(learnerId: string): Agent;
  /** The platform's own identity when it records statements itself (used as authority). */
  platformAuthority(): Agent;
  /** The authority recorded on statements an LRS client sends: an Agent identified by the client's key. */
  clientAuthority(client: { key: string; name: string }): Agent;
  /** The platform or the LRS client behind an authority this LRS set; undefined for any other authority. */
  recorderOf(authority: Actor | undefined): Recorder | undefined;
}

/** Builds the vocabulary from the config's addresses (trailing slashes dropped). */
export function createXapiVocabulary(settings: XapiVocabularySettings): XapiVocabulary {
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');
  const activityBase = settings.activityBase.replace(/\/+$/, '');
  const course = (courseId: string) => `${activityBase}/courses/${encodeURIComponent(courseId)}`;
  const lesson = (courseId: string, lessonId: string) => `${course(courseId)}/lessons/${encodeURIComponent(lessonId)}`;
  const quiz = (courseId: string) => `${course(courseId)}/quiz`;
  const clientsHome = `${baseUrl}/xapi/clients`;
  return {
    baseUrl,
    activityBase,
    lrsEndpoint: `${baseUrl}/xapi/`,
    revokedVerb: `${baseUrl}/xapi/verbs/revoked`,
    attemptExtension: `${baseUrl}/xapi/extensions/attempt-id`,
    activityIri: {
      course,
      lesson,
      quiz,
      quizQuestion: (courseId, questionId) => `${quiz(courseId)}/questions/${encodeURIComponent(questionId)}`,
      lessonCheck: (courseId, lessonId, questionId) => `${lesson(courseId, lessonId)}/checks/${encodeURIComponent(questionId)}`,
      certificate: (code) => `${activityBase}/certificates/${encodeURIComponent(code)}`,
    },
    learnerActor: (learnerId) => ({ objectType: 'Agent', account: { homePage: baseUrl, name: learnerId } }),
    platformAuthority: () => ({ objectType: 'Agent', name: 'Akademia JST', account: { homePage: clientsHome, name: PLATFORM_AUTHORITY_NAME } }),
    clientAuthority: (client) => ({ objectType: 'Agent', name: client.name, account: { homePage: clientsHome, name: client.key } }),
    recorderOf: (authority) => {
      const account = (authority as { account?: { homePage?: unknown; name?: unknown } } | undefined)?.account;
      if (account?.homePage !== clientsHome || typeof account.name !== 'string') return undefined;
      return account.name === PLATFORM_AUTHORITY_NAME ? { kind: 'platform' } : { kind: 'client', clientKey: account.name };
    },
  };
}
