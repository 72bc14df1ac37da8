// Reads statements for the LRS: single statements, filtered lists with StatementRef expansion, and `more` cursors.
import { Types } from 'mongoose';
import { BadRequestError, NotFoundError } from '../http/errors.js';
import { XapiAttachment } from './attachment.model.js';
import { XapiStatement, statementKey } from './statement.model.js';

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
  const doc = await XapiStatement.findOne({ _id: statementKey(organisationId, id), organisationId: orgId(organisationId) }).lean();
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

/** The (bare) ids of statements matching the non-time filters, StatementRef targeting included (up to MAX_STATEMENT_REF_DEPTH links). */
async function matchingIds(organisationId: string, filter: StatementFilter): Promise<string[] | undefined> {
  const match: Record<string, unknown> = {};
  if (filter.verb) match.verbId = filter.verb;
  if (filter.registration) match.registration = filter.registration.toLowerCase();
  if (filter.activity) match[filter.relatedActivities ? 'relatedActivityIds' : 'activityIds'] = filter.activity;
  if (filter.agentKey) match[filter.relatedAgents ? 'relatedAgentKeys' : 'agentKeys'] = filter.agentKey;
  if (Object.keys(match).length === 0) return undefined;

  const organisation = orgId(organisationId);
  const found = new Set(
    (
      await XapiStatement.find({ organisationId: organisation, ...match })
        .select('statementId')
        .lean()
    ).map((doc) => doc.statementId),
  );
  // Statements targeting a matching statement match too (Communication 2.1.3), up to MAX_STATEMENT_REF_DEPTH
  // links: each link is one more query over the log, and a chain of 150 took one GET 101 s (issue 10, finding 3).
  let frontier = [...found];
  for (let depth = 0; frontier.length && depth < MAX_STATEMENT_REF_DEPTH; depth += 1) {
    const targeting = await XapiStatement.find({ organisationId: organisation, targetId: { $in: frontier } })
      .select('statementId')
      .lean();
    frontier = targeting.map((doc) => doc.statementId).filter((id) => !found.has(id));
    for (const id of frontier) found.add(id);
  }
  return [...found];
}

/** A page of non-voided statements matching the filter, and the position to continue from when there are more. */
export async function queryStatements(organisationId: string, filter: StatementFilter, after?: PagePosition): Promise<{ rows: StatementRow[]; next?: PagePosition }> {
  const ids = await matchingIds(organisationId, filter);
  const query: Record<string, unknown> = { organisationId: orgId(organisationId), voided: false };
  if (ids) query._id = { $in: ids.map((id) => statementKey(organisationId, id)) };
  const stored: Record<string, Date> = {};
  if (filter.since) stored.$gt = filter.since;
  if (filter.until) stored.$lte = filter.until;
  if (Object.keys(stored).length) query.stored = stored;
  if (after) {
    const at = new Date(after.stored);
    const direction = filter.ascending ? '$gt' : '$lt';
    // Within one organisation `_id` orders as the bare id does (same prefix); the token keeps the bare id.
    query.$or = [{ stored: { [direction]: at } }, { stored: at, _id: { [direction]: statementKey(organisationId, after.id) } }];
  }
  const order = filter.ascending ? 1 : -1;
  const limit = filter.limit === 0 ? MAX_PAGE : Math.min(filter.limit, MAX_PAGE);
  const docs = await XapiStatement.find(query)
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
  if (!hashes.length) return [];
  return XapiAttachment.find({ organisationId: orgId(organisationId), sha2: { $in: [...new Set(hashes)] } }).lean();
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
