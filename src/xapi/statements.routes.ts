// Statements resource of the LRS (/xapi/statements): PUT, POST, GET with every query parameter, paging by `more`.
import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import { BadRequestError, ForbiddenError, PayloadTooLargeError } from '../http/errors.js';
import { bytesOf } from './attachment.model.js';
import { lrsRequest, type LrsRequest } from './lrs.http.js';
import type { LrsSessionAuthority } from './lrs-session.js';
import { NoParams, StatementPutParams, StatementsGetParams, parseParams } from './lrs.schemas.js';
import { agentKey } from './statement-keys.js';
import { attachmentContents, decodeCursor, encodeCursor, findStatement, queryStatements, type StatementFilter, type StatementRow } from './statement-query.service.js';
import { readStatementBody } from './statement-request.js';
import { formatStatement, multipartResponse, statementResultJson, type StatementFormat } from './statement.presenter.js';
import { validateStatements, type AttachmentPart, type StatementStore } from './statement.service.js';
import type { XapiVocabulary } from './xapi-vocabulary.js';

/** What the Statements resource needs from the platform (a Platform fits). */
export interface StatementsDeps {
  statements: StatementStore;
  vocabulary: XapiVocabulary;
  config: Pick<Config, 'XAPI_MAX_STATEMENTS_PER_REQUEST'>;
  /** The session authority of session tokens (cmi5): its rules admit or refuse their statements. */
  sessions?: LrsSessionAuthority;
}

/**
 * Stores a batch; under a session token, only once the session authority admitted it (valid xAPI first, so a bad
 * statement is the LRS's 400 as for anyone), telling it whether the store took the batch.
 */
async function storeBatch(deps: StatementsDeps, lrs: LrsRequest, batch: unknown[], attachments: AttachmentPart[]): Promise<string[]> {
  const credentials = lrs.credentials!;
  const options = { organisationId: credentials.organisationId, authority: deps.vocabulary.clientAuthority(credentials), attachments };
  if (!credentials.sessionId) return deps.statements.store(batch, options);
  // Only the authority issues session credentials; without it nothing of theirs is stored unchecked.
  if (!deps.sessions) throw new ForbiddenError('This session token is not accepted here.');
  const admitted = await deps.sessions.admitStatements(credentials, validateStatements(batch));
  let ids: string[];
  try {
    ids = await deps.statements.store(batch, options);
  } catch (error) {
    await admitted.refused();
    throw error;
  }
  await admitted.stored();
  return ids;
}

/** Every response of the Statements resource says up to when the LRS's reads are complete. */
export function consistentThrough(_req: Request, res: Response, next: () => void): void {
  // Writes are acknowledged before the answer, so everything stored until now is readable.
  res.setHeader('X-Experience-API-Consistent-Through', new Date().toISOString());
  next();
}

async function putStatement(deps: StatementsDeps, res: Response): Promise<void> {
  const lrs = lrsRequest(res);
  const { statementId } = parseParams(StatementPutParams, lrs.params);
  const { payload, attachments } = readStatementBody(lrs);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new BadRequestError('PUT takes a single statement object; POST a batch instead.');
  }
  const statement = payload as { id?: unknown };
  if (statement.id !== undefined && (typeof statement.id !== 'string' || statement.id.toLowerCase() !== statementId.toLowerCase())) {
    throw new BadRequestError(`The statement id ${JSON.stringify(statement.id)} differs from the statementId parameter ${statementId}.`);
  }
  await storeBatch(deps, lrs, [{ ...statement, id: statement.id ?? statementId }], attachments);
  res.status(204).end();
}

async function postStatements(deps: StatementsDeps, res: Response): Promise<void> {
  const lrs = lrsRequest(res);
  parseParams(NoParams, lrs.params);
  const { payload, attachments } = readStatementBody(lrs);
  const batch = Array.isArray(payload) ? payload : [payload];
  if (typeof payload !== 'object' || payload === null) throw new BadRequestError('POST takes a statement object or an array of statements.');
  const limit = deps.config.XAPI_MAX_STATEMENTS_PER_REQUEST;
  if (batch.length > limit) {
    throw new PayloadTooLargeError(
      `The batch has ${batch.length} statements; this LRS accepts at most ${limit} per request (XAPI_MAX_STATEMENTS_PER_REQUEST). Send them in smaller batches.`,
    );
  }
  const ids = await storeBatch(deps, lrs, batch, attachments);
  res.status(200).type('application/json').send(JSON.stringify(ids));
}

async function sendStatements(res: Response, json: string, rows: StatementRow[], withAttachments: boolean, organisationId: string): Promise<void> {
  if (!withAttachments) {
    res.status(200).type('application/json').send(json);
    return;
  }
  const contents = await attachmentContents(
    organisationId,
    rows.flatMap((row) => row.attachmentHashes),
  );
  const { contentType, body } = multipartResponse(
    json,
    contents.map((doc) => ({ sha2: doc.sha2, contentType: doc.contentType, content: bytesOf(doc.content) })),
  );
  res.status(200).setHeader('Content-Type', contentType);
  res.send(body);
}

async function getStatements(req: Request, res: Response): Promise<void> {
  const lrs = lrsRequest(res);
  const organisationId = lrs.credentials!.organisationId;
  let params = parseParams(StatementsGetParams, lrs.params);
  const format: StatementFormat = params.format ?? 'exact';
  const withAttachments = params.attachments ?? false;

  if (params.statementId || params.voidedStatementId) {
    if (params.statementId && params.voidedStatementId) throw new BadRequestError('Give statementId or voidedStatementId, not both.');
    const others = [...lrs.params.keys()].filter((key) => !['statementId', 'voidedStatementId', 'format', 'attachments'].includes(key));
    if (others.length) throw new BadRequestError(`With statementId or voidedStatementId only format and attachments may be given (not ${others.join(', ')}).`);
    const row = await findStatement(organisationId, (params.statementId ?? params.voidedStatementId)!, Boolean(params.voidedStatementId));
    res.setHeader('Last-Modified', row.stored.toUTCString());
    await sendStatements(res, formatStatement(row.json, format, lrs.headers.acceptLanguage), [row], withAttachments, organisationId);
    return;
  }

  let position;
  // The query a `more` token continues: the parameters of the first page.
  let queryParams = Object.fromEntries(lrs.params);
  if (params.more !== undefined) {
    if (lrs.params.size > 1) throw new BadRequestError('The more IRL must be used as it is, without other parameters.');
    const cursor = decodeCursor(params.more);
    queryParams = cursor.params;
    params = parseParams(StatementsGetParams, new Map(Object.entries(cursor.params)));
    position = cursor.position;
  }
  const filter: StatementFilter = {
    agentKey: params.agent ? agentKey(params.agent) : undefined,
    verb: params.verb,
    activity: params.activity,
    registration: params.registration,
    relatedActivities: params.related_activities ?? false,
    relatedAgents: params.related_agents ?? false,
    since: params.since ? new Date(params.since) : undefined,
    until: params.until ? new Date(params.until) : undefined,
    ascending: params.ascending ?? false,
    limit: params.limit ?? 0,
  };
  const { rows, next } = await queryStatements(organisationId, filter, position);
  const more = next ? `${req.baseUrl}/statements?more=${encodeCursor(queryParams, next)}` : '';
  const json = statementResultJson(
    rows.map((row) => formatStatement(row.json, format, lrs.headers.acceptLanguage)),
    more,
  );
  await sendStatements(res, json, rows, withAttachments, organisationId);
}

/** The Statements resource; POST with a `method` was already re-routed by prepareRequest. */
export function statementsRouter(deps: StatementsDeps): Router {
  const router = Router();
  router.put('/statements', (_req, res) => putStatement(deps, res));
  router.post('/statements', (_req, res) => postStatements(deps, res));
  router.get('/statements', getStatements);
  return router;
}
