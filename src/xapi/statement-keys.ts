// Derives the flat query fields of a statement (agent keys, activity ids, target) that sit beside its JSON.
import type { Actor, Statement } from './xapi.types.js';

type Loose = Record<string, unknown> & { objectType?: string };

/** A stable key for an Agent or Identified Group's inverse functional identifier, or undefined (Anonymous Group). */
export function agentKey(agent: unknown): string | undefined {
  if (typeof agent !== 'object' || agent === null) return undefined;
  const value = agent as { mbox?: string; mbox_sha1sum?: string; openid?: string; account?: { homePage: string; name: string } };
  if (value.mbox) return `mbox|${value.mbox}`;
  if (value.mbox_sha1sum) return `mbox_sha1sum|${value.mbox_sha1sum.toLowerCase()}`;
  if (value.openid) return `openid|${value.openid}`;
  if (value.account) return `account|${value.account.homePage}|${value.account.name}`;
  return undefined;
}

/** Keys of an actor, and of its members when it is a group (the `agent` filter matches members too). */
function actorKeys(actor: unknown): string[] {
  if (typeof actor !== 'object' || actor === null) return [];
  const keys: string[] = [];
  const own = agentKey(actor);
  if (own) keys.push(own);
  const members = (actor as { member?: unknown[] }).member;
  if (Array.isArray(members)) for (const member of members) keys.push(...actorKeys(member));
  return keys;
}

function objectAgentKeys(object: Loose | undefined): string[] {
  return object && (object.objectType === 'Agent' || object.objectType === 'Group') ? actorKeys(object) : [];
}

function objectActivityIds(object: Loose | undefined): string[] {
  return object && (object.objectType === undefined || object.objectType === 'Activity') && typeof object.id === 'string' ? [object.id] : [];
}

function contextActivityIds(context: Statement['context']): string[] {
  const lists = context?.contextActivities;
  if (!lists) return [];
  return Object.values(lists)
    .flatMap((list) => (Array.isArray(list) ? list : list ? [list] : []))
    .map((activity) => activity.id);
}

function contextAgentKeys(context: Statement['context']): string[] {
  return [...actorKeys(context?.instructor), ...actorKeys(context?.team)];
}

export interface StatementKeys {
  agentKeys: string[];
  relatedAgentKeys: string[];
  activityIds: string[];
  relatedActivityIds: string[];
  targetId?: string;
  registration?: string;
}

const unique = (values: string[]) => [...new Set(values)];

/** Computes the query fields of a complete statement. */
export function statementKeys(statement: Statement & { authority?: Actor }): StatementKeys {
  const object = statement.object as unknown as Loose;
  const sub = object.objectType === 'SubStatement' ? (object as unknown as Statement) : undefined;
  const subObject = sub?.object as unknown as Loose | undefined;
  const agentKeys = unique([...actorKeys(statement.actor), ...objectAgentKeys(object)]);
  const relatedAgentKeys = unique([
    ...agentKeys,
    ...actorKeys(statement.authority),
    ...contextAgentKeys(statement.context),
    ...(sub ? [...actorKeys(sub.actor), ...objectAgentKeys(subObject), ...contextAgentKeys(sub.context)] : []),
  ]);
  const activityIds = objectActivityIds(object);
  const relatedActivityIds = unique([
    ...activityIds,
    ...contextActivityIds(statement.context),
    ...(sub ? [...objectActivityIds(subObject), ...contextActivityIds(sub.context)] : []),
  ]);
  return {
    agentKeys,
    relatedAgentKeys,
    activityIds,
    relatedActivityIds,
    targetId: object.objectType === 'StatementRef' ? String(object.id).toLowerCase() : undefined,
    registration: statement.context?.registration?.toLowerCase(),
  };
}
