// zod schemas for xAPI 1.0.3 statements: strict validation so the LRS rejects every statement the spec says it must.
import { z } from 'zod';
import { VERBS } from './xapi-vocabulary.js';

/** Best-effort IRI/IRL check: a scheme, then no whitespace (spec Data 2.2.s4.b6 allows best effort). */
const IRI_PATTERN = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|\\^`]+$/;
const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/**
 * RFC 5646 section 2.1 (ABNF): langtag (language, extlang, script, region, variants, extensions, private use), a
 * private-use tag, or one of the 26 grandfathered tags. Case-insensitive (2.1.1). The repeats the ABNF cannot
 * forbid (2.2.5, 2.2.6) are checked by `repeatsNoSubtag`.
 */
const LANGUAGE_TAG_PATTERN =
  /^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*(?:-x(?:-[a-z0-9]{1,8})+)?|x(?:-[a-z0-9]{1,8})+|en-gb-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)|sgn-(?:be-fr|be-nl|ch-de)|art-lojban|cel-gaulish|no-(?:bok|nyn)|zh-(?:guoyu|hakka|min|min-nan|xiang))$/i;
/** ISO 8601 combined date and time; the offset is optional but "-00:00" (RFC 3339 unknown offset) is not ISO 8601. */
const TIMESTAMP_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$/;
/** ISO 8601 durations (weeks alone, or years..seconds with a fractional last part). */
const DURATION_PATTERN =
  /^P(?:\d+(?:\.\d+)?W|(?=\d|T\d)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?)$/;
const SHA1_PATTERN = /^[0-9a-fA-F]{40}$/;
const SHA2_PATTERN = /^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$/;
/**
 * Local part, then dot-separated domain labels. The labels cannot contain a dot, so there is one way to split
 * the domain and matching is linear; the old `[^@\s]+\.[^@\s]+` let both runs take the dots, which backtracked
 * quadratically (150 KB froze the process for 11 s, issue 10).
 */
const MAILTO_PATTERN = /^mailto:[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$/;

/** Every pattern that sees client input, for the test that runs them on adversarial strings. */
export const PATTERNS = {
  iri: IRI_PATTERN,
  uuid: UUID_PATTERN,
  languageTag: LANGUAGE_TAG_PATTERN,
  timestamp: TIMESTAMP_PATTERN,
  duration: DURATION_PATTERN,
  sha1: SHA1_PATTERN,
  sha2: SHA2_PATTERN,
  mailto: MAILTO_PATTERN,
} as const;

/**
 * Longest strings the LRS accepts, checked before any pattern so no regex ever sees a huge client string
 * (docs/xapi.md, "Limits"). Every pattern above is also linear on its own: no nested or overlapping quantifiers.
 */
export const LIMITS = {
  iri: 2048,
  /** "mailto:" and the 320 characters of the longest e-mail address (RFC 3696 errata). */
  mbox: 7 + 320,
  /** RFC 5646 section 4.4.1: 35 characters hold every tag made of registered subtags. */
  languageTag: 35,
  name: 512,
  timestamp: 64,
  duration: 64,
  /** Free-text identifiers that are not IRIs (interaction component ids, content types, revision, platform). */
  token: 2048,
} as const;

/** A string capped at `max` characters; the cap aborts, so later checks (patterns) never run on a longer one. */
export const cappedString = (max: number, what: string) => z.string().max(max, { message: `${what} may be at most ${max} characters long`, abort: true });

export const VOIDED_VERB = VERBS.voided;
export const INTERACTION_TYPES = ['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other'] as const;

export const Iri = cappedString(LIMITS.iri, 'an IRI').regex(IRI_PATTERN, { message: 'expected an absolute IRI with a scheme' });
export const Uuid = cappedString(36, 'a UUID').regex(UUID_PATTERN, { message: 'expected a UUID' });
/**
 * RFC 5646 2.2.5 and 2.2.6: the same variant may not appear twice, nor the same extension singleton (what follows
 * "x" is private use and free). Run on a tag the pattern accepted, so the subtags are where the ABNF puts them.
 */
function repeatsNoSubtag(tag: string): boolean {
  const subtags = tag.toLowerCase().split('-');
  if (subtags[0] === 'x' || subtags[0] === 'i') return true;
  const singletons = new Set<string>();
  const variants = new Set<string>();
  for (const subtag of subtags.slice(1)) {
    if (subtag === 'x') break;
    if (subtag.length === 1) {
      if (singletons.has(subtag)) return false;
      singletons.add(subtag);
    } else if (singletons.size === 0 && (subtag.length >= 5 || (subtag.length === 4 && /^[0-9]/.test(subtag)))) {
      if (variants.has(subtag)) return false;
      variants.add(subtag);
    }
  }
  return true;
}

/** A language tag (RFC 5646): every language map key and context.language, at the top level and in a SubStatement. */
export const LanguageTag = cappedString(LIMITS.languageTag, 'a language tag')
  .regex(LANGUAGE_TAG_PATTERN, { message: 'expected an RFC 5646 language tag' })
  .refine(repeatsNoSubtag, { message: 'expected an RFC 5646 language tag: an extension singleton or a variant may not appear twice' });
export const Timestamp = cappedString(LIMITS.timestamp, 'a timestamp')
  .regex(TIMESTAMP_PATTERN, { message: 'expected an ISO 8601 timestamp such as 2024-05-01T10:00:00.000Z' })
  .refine((value) => !value.endsWith('-00:00') && !value.endsWith('-0000') && !Number.isNaN(Date.parse(value)), {
    message: 'expected an ISO 8601 timestamp with a valid date and offset (-00:00 is not allowed)',
  });
const Duration = cappedString(LIMITS.duration, 'a duration').regex(DURATION_PATTERN, { message: 'expected an ISO 8601 duration such as PT1H30M' });

/** A language map: keys are language tags (the key's own problem is named, e.g. a repeated singleton), values strings. */
export const LanguageMap = z.record(LanguageTag, z.string({ message: 'a language map value must be a string' }), {
  error: (issue) => {
    if (issue.code !== 'invalid_key') return 'expected a language map';
    const why = (issue as { issues?: Array<{ message: string }> }).issues?.[0]?.message ?? 'expected an RFC 5646 language tag';
    return `the key is not a language tag: ${why}`;
  },
});
/** Extension values may be anything (even null); only the keys are checked. */
export const Extensions = z.record(Iri, z.unknown(), { message: 'expected an object whose keys are IRIs' });

const Account = z.strictObject({
  homePage: Iri,
  name: cappedString(LIMITS.name, 'an account name').min(1, { message: 'account name may not be empty' }),
});

const ifiFields = {
  mbox: cappedString(LIMITS.mbox, 'an mbox').regex(MAILTO_PATTERN, { message: 'expected a mailto: IRI' }).optional(),
  mbox_sha1sum: cappedString(40, 'an mbox_sha1sum').regex(SHA1_PATTERN, { message: 'expected a SHA-1 hex digest' }).optional(),
  openid: Iri.optional(),
  account: Account.optional(),
};

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

function ifiCount(value: Record<string, unknown>): number {
  return IFI_KEYS.filter((key) => value[key] !== undefined).length;
}

const exactlyOneIfi = (value: Record<string, unknown>, ctx: z.RefinementCtx, what: string) => {
  const count = ifiCount(value);
  if (count !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: `${what} must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account); found ${count}`,
    });
  }
};

export const Agent = z
  .strictObject({ objectType: z.literal('Agent').optional(), name: cappedString(LIMITS.name, 'a name').optional(), ...ifiFields })
  .superRefine((value, ctx) => exactlyOneIfi(value, ctx, 'an Agent'));

export const Group = z
  .strictObject({
    objectType: z.literal('Group'),
    name: cappedString(LIMITS.name, 'a name').optional(),
    member: z.array(Agent).optional(),
    ...ifiFields,
  })
  .superRefine((value, ctx) => {
    const count = ifiCount(value);
    if (count > 1) ctx.addIssue({ code: 'custom', message: 'an Identified Group must have exactly one inverse functional identifier' });
    if (count === 0 && (!value.member || value.member.length === 0)) {
      ctx.addIssue({ code: 'custom', message: 'an Anonymous Group must list its members', path: ['member'] });
    }
  });

/** Agent or Group, chosen by objectType (Agent when absent). */
export const Actor = z.unknown().transform((value, ctx) => parseNested(isObjectType(value, 'Group') ? Group : Agent, value, ctx));

/**
 * Data 2.4.9: the authority is an Agent, or in 3-legged OAuth an anonymous Group of exactly two Agents (the
 * application and the user), the application being the OAuth consumer identified by account (2.4.9.s7.b2).
 * The LRS overwrites it with the client's own, but a statement that breaks the rule is still a 400.
 */
export const Authority = z.unknown().transform((value, ctx) => {
  if (!isObjectType(value, 'Group')) return parseNested(Agent, value, ctx);
  const group = value as Record<string, unknown>;
  const fail = (message: string, path: PropertyKey[] = []) => {
    ctx.addIssue({ code: 'custom', message, path });
    return z.NEVER;
  };
  const identifiers = IFI_KEYS.filter((key) => group[key] !== undefined);
  if (identifiers.length) {
    return fail(`a Group as authority must be anonymous (3-legged OAuth, Data 2.4.9), so it may not have ${identifiers.join(', ')}; send an Agent instead`);
  }
  const members: unknown[] = Array.isArray(group.member) ? group.member : [];
  if (members.length !== 2) {
    return fail(`a Group as authority must have exactly two members, the OAuth application and the user (Data 2.4.9); it has ${members.length}`, ['member']);
  }
  const notAgent = members.findIndex(
    (member) => typeof member !== 'object' || member === null || !['Agent', undefined].includes((member as { objectType?: unknown }).objectType as string),
  );
  if (notAgent !== -1) return fail('each member of a Group as authority must be an Agent (Data 2.4.9)', ['member', notAgent]);
  const parsed = parseNested(Group, value, ctx);
  if (!members.some((member) => (member as { account?: unknown }).account !== undefined)) {
    return fail('one member of a Group as authority must be the OAuth consumer, identified by account (Data 2.4.9.s7.b2)', ['member']);
  }
  return parsed;
});

const Verb = z.strictObject({ id: Iri, display: LanguageMap.optional() });

const InteractionComponent = z.strictObject({ id: cappedString(LIMITS.token, 'an interaction component id').min(1), description: LanguageMap.optional() });
const componentList = z.array(InteractionComponent).superRefine((components, ctx) => {
  const ids = components.map((component) => component.id);
  if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'interaction component ids must be distinct' });
});

export const ActivityDefinition = z
  .strictObject({
    name: LanguageMap.optional(),
    description: LanguageMap.optional(),
    type: Iri.optional(),
    moreInfo: Iri.optional(),
    extensions: Extensions.optional(),
    interactionType: z.enum(INTERACTION_TYPES).optional(),
    correctResponsesPattern: z.array(z.string()).optional(),
    choices: componentList.optional(),
    scale: componentList.optional(),
    source: componentList.optional(),
    target: componentList.optional(),
    steps: componentList.optional(),
  })
  .superRefine((value, ctx) => {
    const interactionKeys = ['correctResponsesPattern', 'choices', 'scale', 'source', 'target', 'steps'] as const;
    if (!value.interactionType && interactionKeys.some((key) => value[key] !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'interaction properties require an interactionType' });
    }
  });

export const Activity = z.strictObject({
  objectType: z.literal('Activity').optional(),
  id: Iri,
  definition: ActivityDefinition.optional(),
});

const StatementRef = z.strictObject({ objectType: z.literal('StatementRef'), id: Uuid });

const Score = z
  .strictObject({
    scaled: z.number().min(-1).max(1).optional(),
    raw: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((score, ctx) => {
    if (score.min !== undefined && score.max !== undefined && score.min >= score.max) {
      ctx.addIssue({ code: 'custom', message: 'score.min must be less than score.max' });
    }
    if (score.raw !== undefined && score.min !== undefined && score.raw < score.min) {
      ctx.addIssue({ code: 'custom', message: 'score.raw must not be below score.min' });
    }
    if (score.raw !== undefined && score.max !== undefined && score.raw > score.max) {
      ctx.addIssue({ code: 'custom', message: 'score.raw must not be above score.max' });
    }
  });

const Result = z.strictObject({
  score: Score.optional(),
  success: z.boolean().optional(),
  completion: z.boolean().optional(),
  response: z.string().optional(),
  duration: Duration.optional(),
  extensions: Extensions.optional(),
});

type ActivityInput = z.infer<typeof Activity>;
const ActivityArray = z.array(Activity);
/** One Activity or an array of them; chosen by shape rather than a union, so a bad activity's own problem is named. */
const ContextActivityList = z
  .unknown()
  .transform((value, ctx): ActivityInput | ActivityInput[] => (Array.isArray(value) ? parseNested(ActivityArray, value, ctx) : parseNested(Activity, value, ctx)));

const Context = z.strictObject({
  registration: Uuid.optional(),
  instructor: Actor.optional(),
  team: Group.optional(),
  contextActivities: z
    .strictObject({
      parent: ContextActivityList.optional(),
      grouping: ContextActivityList.optional(),
      category: ContextActivityList.optional(),
      other: ContextActivityList.optional(),
    })
    .optional(),
  revision: cappedString(LIMITS.token, 'context.revision').optional(),
  platform: cappedString(LIMITS.token, 'context.platform').optional(),
  language: LanguageTag.optional(),
  statement: StatementRef.optional(),
  extensions: Extensions.optional(),
});

const Attachment = z.strictObject({
  usageType: Iri,
  display: LanguageMap,
  description: LanguageMap.optional(),
  contentType: cappedString(LIMITS.token, 'an attachment contentType').min(1),
  length: z.number().int().nonnegative(),
  sha2: cappedString(128, 'a SHA-2 hash').regex(SHA2_PATTERN, { message: 'expected a SHA-2 hex digest' }),
  fileUrl: Iri.optional(),
});

function isObjectType(value: unknown, type: string): boolean {
  return typeof value === 'object' && value !== null && (value as { objectType?: unknown }).objectType === type;
}

/** Runs a nested schema and copies its issues into the outer context, keeping their paths. */
function parseNested<S extends z.ZodType>(schema: S, value: unknown, ctx: z.RefinementCtx): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  }
  return result.data;
}

const objectSchemaFor = (allowSubStatement: boolean): z.ZodType<unknown> =>
  z.unknown().transform((value, ctx) => {
    const type = typeof value === 'object' && value !== null ? (value as { objectType?: unknown }).objectType : undefined;
    if (type === undefined || type === 'Activity') return parseNested(Activity, value, ctx);
    if (type === 'Agent') return parseNested(Agent, value, ctx);
    if (type === 'Group') return parseNested(Group, value, ctx);
    if (type === 'StatementRef') return parseNested(StatementRef, value, ctx);
    if (type === 'SubStatement' && allowSubStatement) return parseNested(SubStatement, value, ctx);
    ctx.addIssue({
      code: 'custom',
      message: `object.objectType must be Activity, Agent, Group, StatementRef${allowSubStatement ? ' or SubStatement' : ''} (got ${JSON.stringify(type)})`,
    });
    return z.NEVER;
  });

/** Rules shared by statements and sub-statements that span several properties. */
function checkCrossFieldRules(statement: { verb: { id: string }; object: unknown; context?: { revision?: string; platform?: string } }, ctx: z.RefinementCtx): void {
  const objectIsActivity = !(statement.object as { objectType?: string }).objectType || (statement.object as { objectType?: string }).objectType === 'Activity';
  if (!objectIsActivity && statement.context?.revision !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'context.revision may only be used when the object is an Activity', path: ['context', 'revision'] });
  }
  if (!objectIsActivity && statement.context?.platform !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'context.platform may only be used when the object is an Activity', path: ['context', 'platform'] });
  }
  if (statement.verb.id === VOIDED_VERB && !isObjectType(statement.object, 'StatementRef')) {
    ctx.addIssue({ code: 'custom', message: 'a voiding statement must have a StatementRef as its object', path: ['object'] });
  }
}

const SubStatement: z.ZodType<unknown> = z
  .strictObject({
    objectType: z.literal('SubStatement'),
    actor: Actor,
    verb: Verb,
    object: objectSchemaFor(false),
    result: Result.optional(),
    context: Context.optional(),
    timestamp: Timestamp.optional(),
    attachments: z.array(Attachment).optional(),
  })
  .superRefine(checkCrossFieldRules);

/** A complete statement as a client may send it (the LRS then sets id, stored, authority, version, timestamp). */
export const Statement = z
  .strictObject({
    id: Uuid.optional(),
    actor: Actor,
    verb: Verb,
    object: objectSchemaFor(true),
    result: Result.optional(),
    context: Context.optional(),
    timestamp: Timestamp.optional(),
    stored: Timestamp.optional(),
    authority: Authority.optional(),
    version: cappedString(16, 'version')
      .regex(/^1\.0(\.\d+)?$/, { message: 'version must start with 1.0.' })
      .optional(),
    attachments: z.array(Attachment).optional(),
  })
  .superRefine(checkCrossFieldRules);

/** Turns the first few zod issues into one helpful sentence naming where each problem is. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${where || 'statement'}: ${issue.message}`;
    })
    .join('; ');
}
