// State, Activity Profile and Agent Profile documents: ETag preconditions, JSON merge on POST, listing by scope.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { BadRequestError, ConflictError, NotFoundError, PreconditionFailedError } from '../http/errors.js';
import { bytesOf } from './attachment.model.js';
import { checkDocumentContentType } from './document-media.js';
import { XapiDocument } from './document.model.js';
import { checkJsonDepth, checkRecordSize } from './lrs-json.js';

export type DocumentKind = 'state' | 'activityProfile' | 'agentProfile';

/** Which documents a request is about: the kind plus the activity/agent/registration that scope it. */
export interface DocumentScope {
  organisationId: string;
  kind: DocumentKind;
  activityId?: string;
  agentKey?: string;
  registration?: string;
}

export interface Preconditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface StoredDocument {
  content: Buffer;
  contentType: string;
  etag: string;
  updated: Date;
}

function documentKey(scope: DocumentScope, documentId: string): string {
  const parts = [scope.organisationId, scope.kind, scope.activityId ?? '', scope.agentKey ?? '', scope.registration?.toLowerCase() ?? '', documentId];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function scopeFilter(scope: DocumentScope): Record<string, unknown> {
  const filter: Record<string, unknown> = { organisationId: new Types.ObjectId(scope.organisationId), kind: scope.kind };
  if (scope.activityId !== undefined) filter.activityId = scope.activityId;
  if (scope.agentKey !== undefined) filter.agentKey = scope.agentKey;
  if (scope.registration !== undefined) filter.registration = scope.registration.toLowerCase();
  return filter;
}

/** The ETag of some content: the quoted lower-case SHA-1 hex, as the spec prescribes. */
export function etagOf(content: Buffer): string {
  return `"${createHash('sha1').update(content).digest('hex')}"`;
}

const mediaType = (contentType: string) => contentType.split(';')[0].trim().toLowerCase();

function etagList(header: string): string[] {
  return header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
}

/** Applies If-Match / If-None-Match (RFC 2616) to the current document; throws 412 when they fail. */
function checkPreconditions(existing: StoredDocument | null, preconditions: Preconditions): void {
  if (preconditions.ifMatch !== undefined) {
    const tags = etagList(preconditions.ifMatch);
    if (!existing || !(tags.includes('*') || tags.includes(existing.etag))) {
      throw new PreconditionFailedError(existing ? 'If-Match does not match the current ETag of the document.' : 'If-Match was given but the document does not exist.');
    }
  }
  if (preconditions.ifNoneMatch !== undefined && existing) {
    const tags = etagList(preconditions.ifNoneMatch);
    if (tags.includes('*') || tags.includes(existing.etag)) {
      throw new PreconditionFailedError('If-None-Match: the document already exists (or has that ETag).');
    }
  }
}

async function findDocument(scope: DocumentScope, documentId: string): Promise<StoredDocument | null> {
  const doc = await XapiDocument.findOne({ _id: documentKey(scope, documentId), organisationId: new Types.ObjectId(scope.organisationId) }).lean();
  return doc ? { content: bytesOf(doc.content), contentType: doc.contentType, etag: doc.etag, updated: doc.updated } : null;
}

async function writeDocument(scope: DocumentScope, documentId: string, content: Buffer, contentType: string): Promise<void> {
  checkRecordSize(content.length, 'The document');
  await XapiDocument.updateOne(
    { _id: documentKey(scope, documentId), organisationId: new Types.ObjectId(scope.organisationId) },
    {
      $set: {
        kind: scope.kind,
        activityId: scope.activityId,
        agentKey: scope.agentKey,
        registration: scope.registration?.toLowerCase(),
        documentId,
        content,
        contentType,
        etag: etagOf(content),
        updated: new Date(),
      },
    },
    { upsert: true },
  );
}

/** One document, or NotFoundError. */
export async function getDocument(scope: DocumentScope, documentId: string): Promise<StoredDocument> {
  const doc = await findDocument(scope, documentId);
  if (!doc) throw new NotFoundError(`No document "${documentId}" here.`);
  return doc;
}

/** Ids of the documents in scope, optionally only those updated after `since`. */
export async function listDocumentIds(scope: DocumentScope, since?: Date): Promise<string[]> {
  const filter = scopeFilter(scope);
  if (since) filter.updated = { $gt: since };
  const docs = await XapiDocument.find(filter).select('documentId').sort({ documentId: 1 }).lean();
  return [...new Set(docs.map((doc) => doc.documentId))];
}

/**
 * Replaces a document. A PUT to a profile must carry If-Match or If-None-Match (Communication 3.1.s3.b1, for the
 * Activity and Agent Profile resources of 2.6 and 2.7): without either, over an existing profile it is the 409 of
 * 3.1.s4.b13 that tells the client what to do, and for a profile not stored yet a 400, since the request breaks
 * the rule whatever the LRS holds. The State resource permits PUT without them (3.1.s3), so it is not asked.
 */
export async function putDocument(scope: DocumentScope, documentId: string, content: Buffer, contentType: string, preconditions: Preconditions): Promise<void> {
  checkDocumentContentType(contentType);
  const existing = await findDocument(scope, documentId);
  checkPreconditions(existing, preconditions);
  if (scope.kind !== 'state' && preconditions.ifMatch === undefined && preconditions.ifNoneMatch === undefined) {
    if (existing) throw new ConflictError('The document already exists. Check its current state (GET), then send PUT again with If-Match set to its current ETag.');
    throw new BadRequestError(
      'A PUT to a profile must carry If-Match or If-None-Match (xAPI Communication 3.1): send If-None-Match: * to create the profile, or If-Match with the ETag of the version you read to replace it.',
    );
  }
  await writeDocument(scope, documentId, content, contentType);
}

function parseObject(content: Buffer, what: string): Record<string, unknown> {
  checkJsonDepth(content.toString('utf8'));
  let value: unknown;
  try {
    value = JSON.parse(content.toString('utf8'));
  } catch {
    throw new BadRequestError(`The ${what} is not valid JSON, so it cannot be merged.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError(`The ${what} is not a JSON object, so it cannot be merged.`);
  return value as Record<string, unknown>;
}

/** POST: stores a new document, or merges top-level properties into an existing JSON object document. */
export async function postDocument(scope: DocumentScope, documentId: string, content: Buffer, contentType: string, preconditions: Preconditions): Promise<void> {
  checkDocumentContentType(contentType);
  const existing = await findDocument(scope, documentId);
  checkPreconditions(existing, preconditions);
  if (!existing) {
    if (mediaType(contentType) === 'application/json') parseObject(content, 'posted document');
    await writeDocument(scope, documentId, content, contentType);
    return;
  }
  if (mediaType(contentType) !== 'application/json' || mediaType(existing.contentType) !== 'application/json') {
    throw new BadRequestError('POST merges JSON objects only: both the stored and the posted document must be application/json. Use PUT to replace the document.');
  }
  const merged = { ...parseObject(existing.content, 'stored document'), ...parseObject(content, 'posted document') };
  await writeDocument(scope, documentId, Buffer.from(JSON.stringify(merged), 'utf8'), 'application/json');
}

/** Deletes one document (If-Match honoured); deleting a missing document is not an error. */
export async function deleteDocument(scope: DocumentScope, documentId: string, preconditions: Preconditions): Promise<void> {
  const existing = await findDocument(scope, documentId);
  if (preconditions.ifMatch !== undefined) checkPreconditions(existing, { ifMatch: preconditions.ifMatch });
  await XapiDocument.deleteOne({ _id: documentKey(scope, documentId), organisationId: new Types.ObjectId(scope.organisationId) });
}

/** Deletes every document in scope (State resource without stateId). */
export async function deleteDocuments(scope: DocumentScope): Promise<void> {
  await XapiDocument.deleteMany(scopeFilter(scope));
}
