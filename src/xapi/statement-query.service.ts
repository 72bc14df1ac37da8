// Reads statements for the LRS: single statements, filtered lists with StatementRef expansion, and `more` cursors.
import { Types } from 'mongoose';
import { BadRequestError, NotFoundError } from '../http/errors.js';
import { XapiAttachment } from './attachment.model.js';
import { hasLrsFact } from './lrs-fact.model.js';
import { type XapiStatement, statementKey, statementsOf } from './statement.model.js';

/** Largest page the LRS returns (limit=0 means this). */
export const MAX_PAGE = 100;

export interface StatementFilter {
  agentKey?: string;
  verb?: string;
  activity?: string;
  registration?: string;
  relatedActivities: boolean;
  relatedAgents: boolean;
  since?: Date;
  until?: Date;
  ascending: boolean;
  limit: number;
}

/** Where the previous page ended: the next page starts strictly after this (stored, id) pair. */
export interface PagePosition {
  stored: number;
  id: string;
}

export interface StatementRow {
  id: string;
  json: string;
  stored: Date;
  attachmentHashes: string[];
}

const orgId = (organisationId: string) => new Types.ObjectId(organisationId);

/** One statement by id: voided ones only through voidedStatementId, others only through statementId. */
export async function findStatement(organisationId: string, id: string, wantVoided: boolean): Promise<StatementRow> {
  const statements = await statementsOf(organisationId);
  // Exactly `{ _id }`: the one filter FerretDB's SQLite backend answers from SQL; the partition is the organisation's.
  const doc = await statements.findOne({ _id: statementKey(organisationId, id) }).lean();
  if (!doc || Boolean(doc.voided) !== wantVoided) {
    throw new NotFoundError(wantVoided ? `No voided statement with id ${id}.` : `No statement with id ${id}${doc?.voided ? ' (it is voided: ask with voidedStatementId)' : ''}.`);
  }
  return { id: doc.statementId, json: doc.json, stored: doc.stored, attachmentHashes: doc.attachmentHashes ?? [] };
}

/**
 * How many StatementRef links a filtered query follows: a statement further than this from a matching one is
 * not returned by the filter (it is still returned unfiltered and by statementId). docs/xapi.md, "Limits".
 */
export const MAX_STATEMENT_REF_DEPTH = 10;

/** The query fields of the non-time filters (empty when there are none). */
function fieldMatch(filter: StatementFilter): Record<string, unknown> {
  const match: Record<string, unknown> = {};
  if (filter.verb) match.verbId = filter.verb;
  if (filter.registration) match.registration = filter.registration.toLowerCase();
  if (filter.activity) match[filter.relatedActivities ? 'relatedActivityIds' : 'activityIds'] = filter.activity;
  if (filter.agentKey) match[filter.relatedAgents ? 'relatedAgentKeys' : 'agentKeys'] = filter.agentKey;
  return match;
}

/**
 * The (bare) ids of statements that reach a statement matching `match` through StatementRef links (Communication
 * 2.1.3: statements targeting a matching statement match too), up to MAX_STATEMENT_REF_DEPTH links. Two scans of
 * the office's log, whatever the depth: every statement with a StatementRef (few: voidings and references), then
 * which of their targets match; the links are followed in memory. (Following them with one query per link took
 * one GET 101 s on a chain of 150, issue 10, finding 3.)
 */
async function referencingIds(statements: typeof XapiStatement, organisationId: string, match: Record<string, unknown>): Promise<string[]> {
  const organisation = orgId(organisationId);
  const refs = await statements
    .find({ organisationId: organisation, targetId: { $exists: true, $ne: null } })
    .select('statementId targetId')
    .lean();
  if (!refs.length) return [];
  const targets = [...new Set(refs.map((ref) => ref.targetId!))];
  const matching = await statements
    .find({ organisationId: organisation, ...match, statementId: { $in: targets } })
    .select('statementId')
    .lean();
  const byTarget = new Map<string, string[]>();
  for (const ref of refs) byTarget.set(ref.targetId!, [...(byTarget.get(ref.targetId!) ?? []), ref.statementId]);
  const reached = new Set(matching.map((doc) => doc.statementId));
  const found = new Set<string>();
  let frontier = [...reached];
  for (let depth = 0; frontier.length && depth < MAX_STATEMENT_REF_DEPTH; depth += 1) {
    frontier = frontier.flatMap((id) => byTarget.get(id) ?? []).filter((id) => !reached.has(id));
    for (const id of frontier) {
      reached.add(id);
      found.add(id);
    }
  }
  return [...found];
}

/**
 * A page of non-voided statements matching the filter, and the position to continue from when there are more.
 * In the common case ONE scan of the office's log: the filter fields, `voided: false`, the time bounds, the sort
 * and the limit in one find. Only an office that has StatementRefs (lrs-fact.model.ts) pays two more scans to
 * follow them, and only for a filter on fields.
 */
export async function queryStatements(organisationId: string, filter: StatementFilter, after?: PagePosition): Promise<{ rows: StatementRow[]; next?: PagePosition }> {
  const statements = await statementsOf(organisationId);
  const match = fieldMatch(filter);
  const conditions: Record<string, unknown>[] = [];
  if (Object.keys(match).length) {
    const referencing = (await hasLrsFact(organisationId, 'statement-refs')) ? await referencingIds(statements, organisationId, match) : [];
    conditions.push(referencing.length ? { $or: [match, { _id: { $in: referencing.map((id) => statementKey(organisationId, id)) } }] } : match);
  }
  const query: Record<string, unknown> = { organisationId: orgId(organisationId), voided: false };
  const stored: Record<string, Date> = {};
  if (filter.since) stored.$gt = filter.since;
  if (filter.until) stored.$lte = filter.until;
  if (Object.keys(stored).length) query.stored = stored;
  if (after) {
    const at = new Date(after.stored);
    const direction = filter.ascending ? '$gt' : '$lt';
    // Within one organisation `_id` orders as the bare id does (same prefix); the token keeps the bare id.
    conditions.push({ $or: [{ stored: { [direction]: at } }, { stored: at, _id: { [direction]: statementKey(organisationId, after.id) } }] });
  }
  if (conditions.length === 1) Object.assign(query, conditions[0]);
  else if (conditions.length > 1) query.$and = conditions;
  const order = filter.ascending ? 1 : -1;
  const limit = filter.limit === 0 ? MAX_PAGE : Math.min(filter.limit, MAX_PAGE);
  const docs = await statements
    .find(query)
    .sort({ stored: order, _id: order })
    .limit(limit + 1)
    .select('statementId json stored attachmentHashes')
    .lean();
  const page = docs.slice(0, limit).map((doc) => ({ id: doc.statementId, json: doc.json, stored: doc.stored, attachmentHashes: doc.attachmentHashes ?? [] }));
  const last = page[page.length - 1];
  return { rows: page, next: docs.length > limit && last ? { stored: last.stored.getTime(), id: last.id } : undefined };
}

/** The raw attachment content for these hashes (for attachments=true). */
export async function attachmentContents(organisationId: string, hashes: string[]) {
  // One `_id` look-up per hash (the key names the organisation): every office's attachments share one collection.
  const docs = await Promise.all([...new Set(hashes)].map((sha2) => XapiAttachment.findById(`${organisationId}:${sha2}`).lean()));
  return docs.flatMap((doc) => (doc ? [doc] : []));
}

/** Encodes the query and position as the opaque `more` token (valid as long as the statements exist). */
export function encodeCursor(params: Record<string, string>, position: PagePosition): string {
  return Buffer.from(JSON.stringify({ p: params, s: position.stored, i: position.id }), 'utf8').toString('base64url');
}

export function decodeCursor(token: string): { params: Record<string, string>; position: PagePosition } {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { p: Record<string, string>; s: number; i: string };
    if (typeof value.s !== 'number' || typeof value.i !== 'string' || typeof value.p !== 'object') throw new Error('shape');
    return { params: value.p, position: { stored: value.s, id: value.i } };
  } catch {
    throw new BadRequestError('The "more" token is not one this LRS issued.');
  }
}
