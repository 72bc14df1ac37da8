// Pure builders turning platform learning events into xAPI statements (ADL verbs, stable activity IRIs).
import { createHash } from 'node:crypto';
import type { Course, Lesson, Question } from '../courses/course.types.js';
import { ACTIVITY_TYPES, VERBS, type XapiVocabulary } from './xapi-vocabulary.js';
import type { Activity, Statement } from './xapi.types.js';

export interface LearningContext {
  /** The installation's IRIs (activity ids, actor homePage). */
  vocabulary: XapiVocabulary;
  learner: { learnerId: string; fullName: string };
  course: Course;
  /** UUID of the enrolment: every statement of one enrolment shares it. */
  registration: string;
  /** When the learning happened (the statements' timestamp): the platform clock's now; the system clock's when absent. */
  now?: Date;
}

// Polish verbs as nouns ("ukończenie"): a statement does not know the person's grammatical gender, and a past-tense
// verb would have to guess it (issue 19).
const VERB_DISPLAY: Record<string, { pl: string; en: string }> = {
  [VERBS.registered]: { pl: 'zapis', en: 'registered' },
  [VERBS.launched]: { pl: 'uruchomienie', en: 'launched' },
  [VERBS.initialized]: { pl: 'rozpoczęcie', en: 'initialized' },
  [VERBS.experienced]: { pl: 'przeczytanie', en: 'experienced' },
  [VERBS.answered]: { pl: 'odpowiedź', en: 'answered' },
  [VERBS.passed]: { pl: 'zaliczenie', en: 'passed' },
  [VERBS.failed]: { pl: 'niezaliczenie', en: 'failed' },
  [VERBS.completed]: { pl: 'ukończenie', en: 'completed' },
  [VERBS.voided]: { pl: 'unieważnienie', en: 'voided' },
  [VERBS.earned]: { pl: 'otrzymanie', en: 'earned' },
};

const TEXT = {
  quiz: { pl: 'Test końcowy', en: 'Final quiz' },
  lesson: { pl: 'Lekcja', en: 'Lesson' },
  certificate: { pl: 'Zaświadczenie ukończenia szkolenia', en: 'Certificate of completion' },
};

/** The learner is the actor, but HR withdrew the certificate: the display says what happened to the learner. */
const REVOKED_DISPLAY = { pl: 'utracił(a) unieważnione zaświadczenie', en: 'had a certificate revoked' };

function verb(ctx: LearningContext, id: string) {
  const display = id === ctx.vocabulary.revokedVerb ? REVOKED_DISPLAY : VERB_DISPLAY[id];
  return display ? { id, display: { pl: display.pl, en: display.en } } : { id };
}

/** A language map in the course's language (course content is written in one language). */
function inCourseLanguage(ctx: LearningContext, text: string) {
  return { [ctx.course.language]: text } as Record<string, string>;
}

function courseActivity(ctx: LearningContext): Activity {
  return {
    objectType: 'Activity',
    id: ctx.vocabulary.activityIri.course(ctx.course.id),
    definition: {
      type: ACTIVITY_TYPES.course,
      name: inCourseLanguage(ctx, ctx.course.title),
      description: inCourseLanguage(ctx, ctx.course.summary),
    },
  };
}

function lessonActivity(ctx: LearningContext, lesson: Pick<Lesson, 'id' | 'title' | 'order'>): Activity {
  const label = TEXT.lesson[ctx.course.language];
  return {
    objectType: 'Activity',
    id: ctx.vocabulary.activityIri.lesson(ctx.course.id, lesson.id),
    definition: {
      type: ACTIVITY_TYPES.lesson,
      name: inCourseLanguage(ctx, lesson.title),
      description: inCourseLanguage(ctx, `${label} ${lesson.order}: ${ctx.course.title}`),
    },
  };
}

function quizActivity(ctx: LearningContext): Activity {
  return {
    objectType: 'Activity',
    id: ctx.vocabulary.activityIri.quiz(ctx.course.id),
    definition: {
      type: ACTIVITY_TYPES.assessment,
      name: inCourseLanguage(ctx, `${TEXT.quiz[ctx.course.language]}: ${ctx.course.title}`),
      description: inCourseLanguage(ctx, ctx.course.summary),
    },
  };
}

const RESPONSE_SEPARATOR = '[,]';

/**
 * The response string of an answer in the xAPI format of the question's interactionType:
 * single/multiple → option ids joined by "[,]"; true-false → "true"/"false"; ordering → option ids in the
 * learner's order joined by "[,]"; matching → "pairId[.]pairId" items (left id [.] chosen right id) joined by "[,]".
 */
export function formatResponse(question: Question, answer: string[] | boolean | Record<string, string>): string {
  if (typeof answer === 'boolean') return String(answer);
  if (Array.isArray(answer)) return answer.join(RESPONSE_SEPARATOR);
  return Object.entries(answer)
    .map(([left, right]) => `${left}[.]${right}`)
    .join(RESPONSE_SEPARATOR);
}

/** The interaction definition of a question (interactionType, choices and correct responses). */
function questionDefinition(ctx: LearningContext, question: Question): Record<string, unknown> {
  const base = {
    type: ACTIVITY_TYPES.interaction,
    name: inCourseLanguage(ctx, question.prompt.length > 120 ? `${question.prompt.slice(0, 117)}…` : question.prompt),
    description: inCourseLanguage(ctx, question.prompt),
  };
  const choices = (question.options ?? []).map((option) => ({ id: option.id, description: inCourseLanguage(ctx, option.text) }));
  switch (question.kind) {
    case 'true-false':
      return { ...base, interactionType: 'true-false', correctResponsesPattern: question.answer === undefined ? undefined : [String(question.answer)] };
    case 'single':
    case 'multiple':
      return { ...base, interactionType: 'choice', choices, correctResponsesPattern: question.correct ? [question.correct.join(RESPONSE_SEPARATOR)] : undefined };
    case 'ordering':
      return { ...base, interactionType: 'sequencing', choices, correctResponsesPattern: question.order ? [question.order.join(RESPONSE_SEPARATOR)] : undefined };
    case 'matching':
      return {
        ...base,
        interactionType: 'matching',
        source: (question.pairs ?? []).map((pair) => ({ id: pair.id, description: inCourseLanguage(ctx, pair.left) })),
        target: (question.pairs ?? []).map((pair) => ({ id: pair.id, description: inCourseLanguage(ctx, pair.right) })),
        correctResponsesPattern: question.pairs ? [question.pairs.map((pair) => `${pair.id}[.]${pair.id}`).join(RESPONSE_SEPARATOR)] : undefined,
      };
    default:
      return { ...base, interactionType: 'other' };
  }
}

/** Drops undefined values so the statement serialises exactly as validated. */
function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function context(ctx: LearningContext, options: { parent?: Activity[]; grouping?: boolean; extensions?: Record<string, unknown> } = {}) {
  const contextActivities: Record<string, Activity[]> = {};
  if (options.parent?.length) contextActivities.parent = options.parent.map(reference);
  const course = courseActivity(ctx);
  // Grouping names the course as a more distant context; when the course is already the parent it would only repeat it.
  if (options.grouping !== false && !options.parent?.some((activity) => activity.id === course.id)) contextActivities.grouping = [reference(course)];
  return {
    registration: ctx.registration,
    ...(Object.keys(contextActivities).length ? { contextActivities } : {}),
    revision: ctx.course.version,
    platform: 'Akademia JST',
    // xAPI context.language is the language the experience happened in: the course's, never the interface's.
    language: ctx.course.language,
    ...(options.extensions ? { extensions: options.extensions } : {}),
  };
}

/** Context activities refer to activities by id and type only: definitions travel with the object. */
function reference(activity: Activity): Activity {
  return { objectType: 'Activity', id: activity.id, definition: { type: activity.definition?.type } };
}

function statement(ctx: LearningContext, verbId: string, object: Activity, extra: Partial<Statement> = {}): Statement {
  return compact({
    actor: ctx.vocabulary.learnerActor(ctx.learner.learnerId),
    verb: verb(ctx, verbId),
    object,
    ...extra,
    timestamp: (ctx.now ?? new Date()).toISOString(),
  });
}

/** Namespace of the platform's name-based statement ids (fixed: changing it would change every derived id). */
const STATEMENT_ID_NAMESPACE = Buffer.from('9b0f3c1e7a4d4e5b8c2f6a1d3e5b7c90', 'hex');

/**
 * A name-based (RFC 4122 version 5) UUID for a statement that must be recorded at most once, e.g.
 * `registered:<enrolment id>`: the same name always gives the same id, so a retry cannot store a second copy.
 */
export function derivedStatementId(name: string): string {
  const hash = createHash('sha1').update(STATEMENT_ID_NAMESPACE).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The learner enrolled on the course. With `once` (the enrolment's derived id and its enrolment time) the statement
 * is the same whenever it is built, so recording it again after a crash is recognised as the same statement.
 */
export function registered(ctx: LearningContext, once?: { id: string; at: Date }): Statement {
  const built = statement(ctx, VERBS.registered, courseActivity(ctx), { context: context(ctx, { grouping: false }) });
  return once ? { id: once.id, ...built, timestamp: once.at.toISOString() } : built;
}

/** The learner opened the course player. */
export function launched(ctx: LearningContext): Statement {
  return statement(ctx, VERBS.launched, courseActivity(ctx), { context: context(ctx, { grouping: false }) });
}

/** The learner started working on the course (first lesson opened in this session). */
export function initialized(ctx: LearningContext): Statement {
  return statement(ctx, VERBS.initialized, courseActivity(ctx), { context: context(ctx, { grouping: false }) });
}

/** The learner viewed a lesson. */
export function lessonExperienced(ctx: LearningContext, lesson: Pick<Lesson, 'id' | 'title' | 'order'>): Statement {
  return statement(ctx, VERBS.experienced, lessonActivity(ctx, lesson), { context: context(ctx, { parent: [courseActivity(ctx)], grouping: false }) });
}

/**
 * The learner finished a lesson under the course's completion rule (its reading-time floor passed). `id` is derived
 * from the enrolment and lesson, so finishing a lesson twice records it once.
 */
export function lessonCompleted(ctx: LearningContext, lesson: Pick<Lesson, 'id' | 'title' | 'order'>, id: string): Statement {
  const built = statement(ctx, VERBS.completed, lessonActivity(ctx, lesson), {
    result: { completion: true },
    context: context(ctx, { parent: [courseActivity(ctx)], grouping: false }),
  });
  return { id, ...built };
}

export interface AnswerDetails {
  /**
   * In the format of formatResponse(); undefined when the learner left the question unanswered (no response
   * string would be valid for every interactionType: "" is not a true-false response).
   */
  response: string | undefined;
  success: boolean;
  /** 'quiz' for a final-quiz question, or the lesson holding a knowledge check. */
  parent: 'quiz' | { lessonId: string };
  attemptId?: string;
}

/** The learner answered a quiz question or an in-lesson knowledge check. */
export function questionAnswered(ctx: LearningContext, question: Question, answer: AnswerDetails): Statement {
  const inQuiz = answer.parent === 'quiz';
  const lessonId = answer.parent === 'quiz' ? undefined : answer.parent.lessonId;
  const lesson = lessonId ? ctx.course.lessons.find((candidate) => candidate.id === lessonId) : undefined;
  const object = {
    objectType: 'Activity',
    id: inQuiz ? ctx.vocabulary.activityIri.quizQuestion(ctx.course.id, question.id) : ctx.vocabulary.activityIri.lessonCheck(ctx.course.id, lessonId!, question.id),
    definition: questionDefinition(ctx, question),
  } as Activity;
  const parent = inQuiz ? quizActivity(ctx) : lessonActivity(ctx, lesson ?? { id: lessonId!, title: lessonId!, order: 0 });
  return statement(ctx, VERBS.answered, object, {
    result: { success: answer.success, ...(answer.response === undefined ? {} : { response: answer.response }) },
    context: context(ctx, { parent: [parent], extensions: answer.attemptId ? { [ctx.vocabulary.attemptExtension]: answer.attemptId } : undefined }),
  });
}

export interface ScoreDetails {
  scaled: number;
  raw: number;
  min: number;
  max: number;
}

/** The learner finished a quiz attempt: verb passed or failed, with the score. */
export function quizScored(ctx: LearningContext, details: ScoreDetails & { passed: boolean; attemptId: string }): Statement {
  return statement(ctx, details.passed ? VERBS.passed : VERBS.failed, quizActivity(ctx), {
    result: { score: { scaled: details.scaled, raw: details.raw, min: details.min, max: details.max }, success: details.passed, completion: true },
    context: context(ctx, { parent: [courseActivity(ctx)], extensions: { [ctx.vocabulary.attemptExtension]: details.attemptId } }),
  });
}

/** The learner completed the whole course. */
export function courseCompleted(ctx: LearningContext, score: ScoreDetails): Statement {
  return statement(ctx, VERBS.completed, courseActivity(ctx), {
    result: { score: { scaled: score.scaled, raw: score.raw, min: score.min, max: score.max }, success: true, completion: true },
    context: context(ctx, { grouping: false }),
  });
}

function certificateActivity(ctx: LearningContext, code: string, url?: string): Activity {
  return {
    objectType: 'Activity',
    id: ctx.vocabulary.activityIri.certificate(code),
    definition: {
      type: ACTIVITY_TYPES.certificate,
      name: inCourseLanguage(ctx, `${TEXT.certificate[ctx.course.language]}: ${ctx.course.title}`),
      ...(url ? { moreInfo: url } : {}),
    },
  };
}

/** The learner received a certificate for the course. */
export function certificateIssued(ctx: LearningContext, details: { code: string; url: string }): Statement {
  return statement(ctx, VERBS.earned, certificateActivity(ctx, details.code, details.url), { context: context(ctx, { parent: [courseActivity(ctx)] }) });
}

/** A certificate of the learner was withdrawn; the reason is the result response. */
export function certificateRevoked(ctx: LearningContext, details: { code: string; reason: string }): Statement {
  return statement(ctx, ctx.vocabulary.revokedVerb, certificateActivity(ctx, details.code), {
    result: { response: details.reason },
    context: context(ctx, { parent: [courseActivity(ctx)] }),
  });
}

/** Voids an earlier statement (something was undone); the learner remains the actor. */
export function voiding(targetStatementId: string, ctx: LearningContext): Statement {
  return compact({
    actor: ctx.vocabulary.learnerActor(ctx.learner.learnerId),
    verb: verb(ctx, VERBS.voided),
    object: { objectType: 'StatementRef', id: targetStatementId },
    context: { registration: ctx.registration, language: ctx.course.language },
    timestamp: (ctx.now ?? new Date()).toISOString(),
  });
}

/** What a SCORM SCO reported at a commit (src/scorm/scorm-runtime.ts). */
export interface ScoOutcome {
  /** completed or passed: the SCO is satisfied; failed: it reported a failure. */
  verb: 'completed' | 'failed';
  success?: boolean;
  score?: { scaled: number; raw?: number; min?: number; max?: number };
  /** ISO 8601 duration of the learner's time in the SCO (cmi.core.session_time / cmi.session_time). */
  duration?: string;
  /** A derived id (recorded once per attempt), or none for a failure (each one counts). */
  id?: string;
}

/**
 * A SCORM SCO, played as a lesson of its course, reported completion (with its success, score and time) or a failure:
 * `completed` of the lesson activity marks the lesson finished in the progress projection, `failed` counts an attempt.
 */
export function scoReported(ctx: LearningContext, lesson: Pick<Lesson, 'id' | 'title' | 'order'>, outcome: ScoOutcome): Statement {
  const built = statement(ctx, outcome.verb === 'completed' ? VERBS.completed : VERBS.failed, lessonActivity(ctx, lesson), {
    result: compact({
      completion: outcome.verb === 'completed' ? true : undefined,
      success: outcome.success,
      score: outcome.score ? compact({ ...outcome.score }) : undefined,
      duration: outcome.duration,
    }),
    context: context(ctx, { parent: [courseActivity(ctx)], grouping: false }),
  });
  return outcome.id ? { id: outcome.id, ...built } : built;
}
