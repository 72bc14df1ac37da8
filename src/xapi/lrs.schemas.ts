// zod schemas for LRS request parameters: unknown or mis-cased parameters are rejected (spec Communication 3.2).
import { z } from 'zod';
import { BadRequestError } from '../http/errors.js';
import { Agent, Group, Iri, LIMITS, Timestamp, Uuid, cappedString, describeIssues } from './statement.schemas.js';

const booleanParam = z.enum(['true', 'false'], { message: 'expected true or false' }).transform((value) => value === 'true');

/** Longest JSON parameter (agent): an Agent with an account is a few hundred characters. */
const MAX_JSON_PARAM = 8 * 1024;
/** Ids of state and profile documents: free text, but no longer than an IRI. */
const DocumentId = cappedString(LIMITS.iri, 'a document id').min(1);

const jsonParam = <S extends z.ZodType>(schema: S, what: string) =>
  cappedString(MAX_JSON_PARAM, what).transform((text, ctx): z.infer<S> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected ${what} as JSON` });
      return z.NEVER;
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      ctx.addIssue({ code: 'custom', message: describeIssues(result.error, what) });
      return z.NEVER;
    }
    return result.data;
  });

/** The agent filter of GET statements: an Agent or an Identified Group. */
const AgentOrIdentifiedGroup = z.unknown().superRefine((value, ctx) => {
  const isGroup = typeof value === 'object' && value !== null && (value as { objectType?: unknown }).objectType === 'Group';
  const result = (isGroup ? Group : Agent).safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return;
  }
  if (isGroup && !['mbox', 'mbox_sha1sum', 'openid', 'account'].some((key) => (value as Record<string, unknown>)[key] !== undefined)) {
    ctx.addIssue({ code: 'custom', message: 'the agent filter must be an Agent or an Identified Group' });
  }
});

export const StatementsGetParams = z.strictObject({
  statementId: Uuid.optional(),
  voidedStatementId: Uuid.optional(),
  agent: jsonParam(AgentOrIdentifiedGroup, 'agent').optional(),
  verb: Iri.optional(),
  activity: Iri.optional(),
  registration: Uuid.optional(),
  related_activities: booleanParam.optional(),
  related_agents: booleanParam.optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  limit: cappedString(16, 'limit')
    .regex(/^\d+$/, { message: 'expected a non-negative integer' })
    .transform((value) => Number(value))
    .optional(),
  format: z.enum(['ids', 'exact', 'canonical']).optional(),
  attachments: booleanParam.optional(),
  ascending: booleanParam.optional(),
  /** The platform's own paging token (the `more` IRL). */
  more: cappedString(MAX_JSON_PARAM * 2, 'more').optional(),
});
export type StatementsGetParams = z.infer<typeof StatementsGetParams>;

export const StatementPutParams = z.strictObject({ statementId: Uuid });
export const NoParams = z.strictObject({});

const agentParam = jsonParam(Agent, 'agent');

export const StateParams = z.strictObject({
  activityId: Iri,
  agent: agentParam,
  registration: Uuid.optional(),
  stateId: DocumentId.optional(),
  since: Timestamp.optional(),
});
export const ActivityProfileParams = z.strictObject({ activityId: Iri, profileId: DocumentId.optional(), since: Timestamp.optional() });
export const AgentProfileParams = z.strictObject({ agent: agentParam, profileId: DocumentId.optional(), since: Timestamp.optional() });
export const ActivityParams = z.strictObject({ activityId: Iri });
export const AgentParams = z.strictObject({ agent: agentParam });

/** Parses LRS parameters or throws a 400 naming each bad or unknown parameter. */
export function parseParams<S extends z.ZodType>(schema: S, params: Map<string, string>): z.infer<S> {
  const result = schema.safeParse(Object.fromEntries(params));
  if (!result.success) {
    const message = result.error.issues
      .map((issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown parameter(s) ${issue.keys.map((key) => `"${key}"`).join(', ')} (parameter names are case-sensitive)`
          : `${issue.path.join('.') || 'parameters'}: ${issue.message}`,
      )
      .join('; ');
    throw new BadRequestError(`Invalid parameters: ${message}`);
  }
  return result.data;
}
