// The statement store: validates, completes and persists xAPI statements, then feeds the projectors.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Types } from 'mongoose';
import { BadRequestError, ConflictError, ForbiddenError } from '../http/errors.js';
import { XapiAttachment } from './attachment.model.js';
import type { Logger } from '../logger.js';
import { MAX_STATEMENT_BYTES, checkRecordSize } from './lrs-json.js';
import type { Projector } from './projectors.js';
import { Statement as StatementSchema, VOIDED_VERB, describeIssues } from './statement.schemas.js';
import { agentKey, statementKeys } from './statement-keys.js';
import { SIGNATURE_USAGE, checkSignature } from './statement-signature.js';
import { hasLrsFact, setLrsFact } from './lrs-fact.model.js';
import { statementKey, statementsOf } from './statement.model.js';
import { XapiVoidMark, voidMarkId } from './void-mark.model.js';
import type { XapiVocabulary } from './xapi-vocabulary.js';
import type { Actor, CompleteStatement, StoredStatement } from './xapi.types.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { findEachById } from '../db/lookups.js';

/** Raw attachment content that arrived with the statements, by SHA-2 hash. */
export interface AttachmentPart {
  sha2: string;
  contentType: string;
  content: Buffer;
}

export interface StoreStatementsOptions {
  /** The organisation the statements belong to (hex ObjectId). */
  organisationId: string;
  /** The agent the statements are stored on behalf of; the platform itself when absent. */
  authority?: Actor;
  /** Attachment parts from a multipart/mixed request. */
  attachments?: AttachmentPart[];
}

type Loose = Record<string, unknown>;

/** Returns every value in contextActivities as an array, as the spec requires the LRS to return it. */
function normaliseContext(context: Loose | undefined): Loose | undefined {
  if (!context || typeof context.contextActivities !== 'object' || context.contextActivities === null) return context;
  const lists = context.contextActivities as Loose;
  return { ...context, contextActivities: Object.fromEntries(Object.entries(lists).map(([key, list]) => [key, Array.isArray(list) ? list : [list]])) };
}

/** Completes a validated statement with the properties the LRS sets, keeping the client's serialisation otherwise. */
export function completeStatement(input: Loose, stored: string, authority: Actor): CompleteStatement {
  const id = typeof input.id === 'string' ? input.id : randomUUID();
  const object = input.object as Loose;
  const completed: Loose = {
    id,
    ...input,
    ...(input.context ? { context: normaliseContext(input.context as Loose) } : {}),
    ...(object.objectType === 'SubStatement' && object.context ? { object: { ...object, context: normaliseContext(object.context as Loose) } } : {}),
    timestamp: typeof input.timestamp === 'string' ? input.timestamp : stored,
    stored,
    authority,
    version: typeof input.version === 'string' ? input.version : '1.0.0',
  };
  return completed as unknown as CompleteStatement;
}

/**
 * The comparable form of a statement: what the LRS set (stored, authority, version) removed, the id
 * lower-cased, timestamps as instants and context activities as arrays, so only real differences count.
 */
function comparable(statement: Loose): Loose {
  const { stored: _stored, authority: _authority, version: _version, ...rest } = statement;
  const copy = JSON.parse(JSON.stringify(rest)) as Loose;
  if (typeof copy.id === 'string') copy.id = copy.id.toLowerCase();
  if (typeof copy.timestamp === 'string') copy.timestamp = Date.parse(copy.timestamp);
  if (copy.context) copy.context = normaliseContext(copy.context as Loose);
  const object = copy.object as Loose;
  if (object?.objectType === 'StatementRef' && typeof object.id === 'string') object.id = object.id.toLowerCase();
  if (object?.objectType === 'SubStatement') {
    if (object.context) object.context = normaliseContext(object.context as Loose);
    if (typeof object.timestamp === 'string') object.timestamp = Date.parse(object.timestamp);
  }
  return copy;
}

/** Validates every statement or throws a BadRequestError naming the first bad one. */
export function validateStatements(statements: unknown[]): Loose[] {
  return statements.map((statement, index) => {
    // Before the schema: a statement bigger than a stored record can hold would fail only at the insert, as a 500.
    checkRecordSize(Buffer.byteLength(JSON.stringify(statement) ?? ''), `The statement${statements.length > 1 ? ` at index ${index}` : ''}`, MAX_STATEMENT_BYTES);
    const result = StatementSchema.safeParse(statement);
    if (!result.success) {
      throw new BadRequestError(`Invalid statement${statements.length > 1 ? ` at index ${index}` : ''}: ${describeIssues(result.error)}`);
    }
    return statement as Loose;
  });
}

/** A statement as stored: the document statementRecord() builds. */
export type StatementDoc = Record<string, unknown> & { _id: string; stored: Date; targetId?: string };

/**
 * The exact document the store inserts for a completed statement of one organisation (pure: the bench bulk-loads
 * with it). `voided`: the statement arrives already voided (a void mark said so); `heldAttachments`: SHA-2 hashes
 * (lower-case) of attachment content the LRS holds for it.
 */
export function statementRecord(organisationId: string, statement: CompleteStatement, options: { voided?: boolean; heldAttachments?: ReadonlySet<string> } = {}): StatementDoc {
  const id = statement.id.toLowerCase();
  return {
    _id: statementKey(organisationId, id),
    statementId: id,
    authorityKey: agentKey(statement.authority) ?? '',
    organisationId: new Types.ObjectId(organisationId),
    json: JSON.stringify(statement),
    stored: new Date(statement.stored),
    voided: statement.verb.id !== VOIDED_VERB && Boolean(options.voided),
    verbId: statement.verb.id,
    ...statementKeys(statement),
    attachmentHashes: (statement.attachments ?? []).filter((a) => options.heldAttachments?.has(a.sha2.toLowerCase())).map((a) => a.sha2.toLowerCase()),
  };
}

/** What one batch looks like once checked: the completed statements, the new ones among them, and their parts. */
interface CheckedBatch {
  organisationId: Types.ObjectId;
  /** agentKey() of the authority every statement of the batch gets. */
  authorityKey: string;
  /** True when the platform itself records the batch (its recorder): it may void any statement of the organisation. */
  byPlatform: boolean;
  /** agentKey() of the platform's own authority. */
  platformKey: string;
  inputs: Loose[];
  completed: CompleteStatement[];
  ids: string[];
  /** Per statement: whether the client chose its id (one the LRS generated cannot be stored or voided yet). */
  clientIds: boolean[];
  parts: Map<string, AttachmentPart>;
}

export interface StatementStoreOptions {
  vocabulary: XapiVocabulary;
  /** Derived collections kept in step with the log, in the order given (createPlatform lists them). */
  projectors: Projector[];
  logger: Pick<Logger, 'error'>;
}

/**
 * The statement store of one platform: validates, completes and persists statements, then feeds its projectors.
 * Statements already stored with the same content are accepted again without change; different content
 * under a known id is a ConflictError (409). Nothing from a batch is stored when one statement is invalid.
 */
export class StatementStore {
  readonly projectors: readonly Projector[];
  private lastStoredMs = 0;

  constructor(private readonly options: StatementStoreOptions) {
    this.projectors = [...options.projectors];
  }

  /**
   * Validates, assigns id/stored/timestamp/authority/version, persists the statements (answering only after
   * the database acknowledged the write), then awaits every projector. Returns the ids in order.
   */
  async store(statements: unknown[], options: StoreStatementsOptions): Promise<string[]> {
    if (statements.length === 0) return [];
    const batch = this.complete(statements, options);
    checkAttachmentParts(batch);
    checkSignatures(batch);
    await checkVoidingTargets(batch, batch.completed);
    const docs = await statementDocuments(batch, batch.completed);
    await storeAttachmentContent(batch);
    // Before the insert: whoever can read a statement with a StatementRef must also see that the office has
    // some, or its filtered queries would skip following them (statement-query.service.ts).
    if (docs.some((doc) => doc.targetId)) await setLrsFact(batch.organisationId.toHexString(), 'statement-refs');
    const inserted = await insertBatch(batch, docs);
    const fresh = batch.completed.filter((statement) => inserted.has(statement.id.toLowerCase()));
    await applyVoiding(batch, fresh);
    await this.runProjectors(fresh.map((statement) => ({ ...statement, organisationId: batch.organisationId.toHexString() })));
    return batch.completed.map((statement) => statement.id);
  }

  /**
   * Feeds statements already stored (of one organisation, by id) to the projectors again and returns the ids found:
   * for a retry after a crash between storing and projecting. Projectors are idempotent. One `_id` look-up per id.
   */
  async reproject(organisationId: string, ids: string[]): Promise<string[]> {
    const found: StoredStatement[] = [];
    const statements = await statementsOf(organisationId);
    for (const id of ids) {
      // By _id alone (the fast look-up on FerretDB), in the organisation's own log; the owner checked again here.
      const doc = await statements.findById(statementKey(organisationId, id)).lean();
      if (doc && String((doc as { organisationId?: unknown }).organisationId) === organisationId) {
        found.push({ ...(JSON.parse(doc.json) as CompleteStatement), organisationId });
      }
    }
    found.sort((a, b) => Date.parse(a.stored) - Date.parse(b.stored));
    await this.runProjectors(found);
    return found.map((statement) => statement.id.toLowerCase());
  }

  /** Feeds projectors; a failing projector is logged, not fatal: the statements are stored and a rebuild repairs it. */
  async runProjectors(statements: StoredStatement[]): Promise<void> {
    if (!statements.length) return;
    for (const projector of this.projectors) {
      try {
        await projector.apply(statements);
      } catch (error) {
        this.options.logger.error({ err: error, projector: projector.name }, 'xAPI projector failed; run npm run xapi:rebuild');
      }
    }
  }

  /** Step 1: validate every statement and complete it with id, stored, timestamp, authority and version. */
  private complete(statements: unknown[], options: StoreStatementsOptions): CheckedBatch {
    const inputs = validateStatements(statements);
    const stored = this.storedInstants(inputs.length);
    const platformKey = agentKey(this.options.vocabulary.platformAuthority())!;
    const authority = options.authority ?? this.options.vocabulary.platformAuthority();
    const authorityKey = agentKey(authority) ?? '';
    const completed = inputs.map((input, index) => completeStatement(input, stored[index].toISOString(), authority));
    const ids = completed.map((statement) => statement.id.toLowerCase());
    if (new Set(ids).size !== ids.length) throw new BadRequestError('The batch contains two or more statements with the same id.');
    const parts = new Map((options.attachments ?? []).map((part) => [part.sha2.toLowerCase(), part]));
    return {
      organisationId: new Types.ObjectId(options.organisationId),
      authorityKey,
      byPlatform: authorityKey === platformKey,
      platformKey,
      inputs,
      completed,
      ids,
      clientIds: inputs.map((input) => typeof input.id === 'string'),
      parts,
    };
  }

  /**
   * One `stored` instant per statement of a batch, a millisecond apart and never earlier than any this store
   * handed out before: the LRS lists statements by `stored`, so a batch (answered…, failed) reads back, and
   * replays into the projectors, in the order it was sent rather than in random id order.
   */
  private storedInstants(count: number): Date[] {
    const first = Math.max(Date.now(), this.lastStoredMs + 1);
    this.lastStoredMs = first + count - 1;
    return Array.from({ length: count }, (_unused, index) => new Date(first + index));
  }
}

/** Step 2: each statement attachment without a fileUrl must come with its content (multipart/mixed), and every part must be referenced. */
function checkAttachmentParts({ completed, parts }: CheckedBatch): void {
  for (const [index, statement] of completed.entries()) {
    for (const attachment of statement.attachments ?? []) {
      if (!attachment.fileUrl && !parts.has(attachment.sha2.toLowerCase())) {
        throw new BadRequestError(`Statement at index ${index}: attachment ${attachment.sha2} has no fileUrl, so its content must be sent as a part of a multipart/mixed request.`);
      }
    }
  }
  const referenced = new Set(completed.flatMap((s) => (s.attachments ?? []).map((a) => a.sha2.toLowerCase())));
  for (const sha2 of parts.keys()) {
    if (!referenced.has(sha2)) throw new BadRequestError(`The attachment part with hash ${sha2} is not referenced by any statement.`);
  }
}

/** Step 3: signed statements; a malformed signature rejects the whole request. */
function checkSignatures({ completed, inputs, parts }: CheckedBatch): void {
  for (const [index, statement] of completed.entries()) {
    for (const attachment of statement.attachments ?? []) {
      if (attachment.usageType !== SIGNATURE_USAGE) continue;
      const part = parts.get(attachment.sha2.toLowerCase());
      if (!part) throw new BadRequestError(`Statement at index ${index}: the signature must be sent as an attachment part, not by fileUrl.`);
      checkSignature(inputs[index], attachment.contentType, part.content.toString('utf8'), index);
    }
  }
}

/**
 * Whether a stored statement is the one the client sent again (Communication 2.1.2: the same id with the same
 * content is accepted without change; different content is a 409).
 */
function sameStatement(storedJson: string, input: Loose): boolean {
  const storedStatement = JSON.parse(storedJson) as Loose;
  // A timestamp the LRS filled in is not part of what the client sent.
  if (input.timestamp === undefined) delete storedStatement.timestamp;
  return isDeepStrictEqual(comparable(storedStatement), comparable(input));
}

function voidingTargetsOf(statements: CompleteStatement[]): string[] {
  return statements.filter((s) => s.verb.id === VOIDED_VERB).map((s) => String((s.object as { id: string }).id).toLowerCase());
}

/**
 * Step 5: the target of a voiding statement may not itself be a voiding statement (400), and an LRS client may
 * void only statements it recorded itself (403, Data 2.3.2.s2.b4: "if the request is not from a source authorized
 * to void"): never the platform's own learning statements, nor those of another client. The platform may void
 * any statement of the organisation. A target not stored (yet) is accepted (2.3.2.s2.b5); statementDocuments
 * decides when it arrives.
 */
async function checkVoidingTargets({ organisationId, authorityKey, byPlatform }: CheckedBatch, fresh: CompleteStatement[]): Promise<void> {
  const voidingTargets = voidingTargetsOf(fresh);
  if (!voidingTargets.length) return;
  const voidingInBatch = new Set(fresh.filter((s) => s.verb.id === VOIDED_VERB).map((s) => s.id.toLowerCase()));
  const organisationHex = organisationId.toHexString();
  const statements = await statementsOf(organisationHex);
  // One `_id` look-up per target (an `$in` would scan the office's log); a batch voids few statements.
  const storedTargets = (
    await Promise.all(voidingTargets.map((target) => statements.findById(statementKey(organisationHex, target)).select('statementId verbId authorityKey').lean()))
  ).filter((doc) => doc !== null);
  const bad = voidingTargets.find((target) => voidingInBatch.has(target) || storedTargets.some((doc) => doc.statementId === target && doc.verbId === VOIDED_VERB));
  if (bad) throw new BadRequestError(`Statement ${bad} is a voiding statement and cannot be voided.`);
  if (byPlatform) return;
  const foreign = storedTargets.find((doc) => doc.authorityKey !== authorityKey);
  if (foreign) {
    throw new ForbiddenError(
      `Statement ${foreign.statementId} was not recorded by this LRS client, so this client may not void it: an LRS client may void only the statements it sent itself. Nothing of this request was stored.`,
    );
  }
}

/** Whether the voiding statement `voidingId` (stored earlier) may void a statement recorded by `targetAuthorityKey`. */
async function voiderMayVoid({ organisationId, platformKey }: CheckedBatch, voidingId: string, targetAuthorityKey: string): Promise<boolean> {
  const statements = await statementsOf(organisationId);
  const voiding = await statements.findById(statementKey(organisationId.toHexString(), voidingId)).select('authorityKey').lean();
  return voiding?.authorityKey === platformKey || voiding?.authorityKey === targetAuthorityKey;
}

/**
 * Step 6: the documents to insert. A statement that arrives after the statement voiding it is stored as voided,
 * when that voiding statement's source could have voided it (the platform, or the same LRS client): a client
 * cannot void, in advance, a statement the platform or another client records later.
 */
async function statementDocuments(batch: CheckedBatch, fresh: CompleteStatement[]): Promise<StatementDoc[]> {
  const { organisationId, parts, authorityKey } = batch;
  const organisationHex = organisationId.toHexString();
  // Only a client-chosen id can have been voided in advance, and only in an office that has void marks at all.
  const clientChosen = new Set(batch.ids.filter((_id, index) => batch.clientIds[index]));
  const candidates = fresh.filter((s) => clientChosen.has(s.id.toLowerCase()));
  // By `_id` alone (db/lookups.ts, a bounded number at once): the marks of every office share one collection, and a
  // second key would make it a scan.
  const marks =
    candidates.length && (await hasLrsFact(organisationHex, 'void-marks'))
      ? await findEachById(
          candidates.map((s) => voidMarkId(organisationHex, s.id)),
          (id) => XapiVoidMark.findById(id).select('_id voidingId').lean(),
        )
      : [];
  const alreadyVoided = new Set<string>();
  for (const mark of marks) {
    if (await voiderMayVoid(batch, mark.voidingId, authorityKey)) alreadyVoided.add(mark._id.slice(organisationHex.length + 1));
  }
  const voidedInBatch = new Set(voidingTargetsOf(fresh));
  const heldAttachments = new Set(parts.keys());
  return fresh.map((statement) => {
    const id = statement.id.toLowerCase();
    const doc = statementRecord(organisationHex, statement, { voided: alreadyVoided.has(id) || voidedInBatch.has(id), heldAttachments });
    // The authority the batch was stored under (the same agent statementRecord reads from the statement).
    return { ...doc, authorityKey };
  });
}

/** Step 7: attachment content first: harmless if the statements then fail, and statements never point at missing content. */
async function storeAttachmentContent({ organisationId, parts }: CheckedBatch): Promise<void> {
  for (const part of parts.values()) {
    const sha2 = part.sha2.toLowerCase();
    // By `_id` alone (the key names the organisation): a second key would scan every office's attachments.
    await XapiAttachment.updateOne(
      { _id: `${organisationId.toHexString()}:${sha2}` },
      { $setOnInsert: { sha2, contentType: part.contentType, content: part.content, organisationId } },
      { upsert: true },
    );
  }
}

/**
 * Step 8: the insert, which is also the check for ids already stored (step 4 of the rules): the unique `_id`
 * index answers it while inserting, where a look-up per id would cost a scan of the office's log on FerretDB
 * (its SQLite backend does not use the `_id` index for a look-up that finds nothing). Ordered: at a duplicate
 * the stored statement is read (by `_id`) and compared; the same one is accepted as known and the insert goes on
 * after it, a different one is a 409. On any failure what this batch inserted is removed again (no transactions
 * on FerretDB). Returns the ids inserted: the statements that are new.
 */
async function insertBatch({ organisationId, ids, inputs }: CheckedBatch, docs: StatementDoc[]): Promise<Set<string>> {
  const statements = await statementsOf(organisationId);
  const inserted: StatementDoc[] = [];
  const undo = async (extra: StatementDoc[] = []) => {
    const ours = [...inserted, ...extra];
    // `stored` too: a document with one of these ids and another instant is a concurrent request's.
    if (ours.length)
      await statements.deleteMany({ organisationId, _id: { $in: ours.map((doc) => doc._id) }, stored: { $in: ours.map((doc) => doc.stored) } }).catch(() => undefined);
  };
  let rest = docs;
  while (rest.length) {
    try {
      // The documents are complete already (statementRecord): no casting or validation pass over them again.
      await statements.insertMany(rest, { ordered: true, lean: true });
      inserted.push(...rest);
      break;
    } catch (error) {
      // With an ordered insert the documents before the failing one are ours; the failing one may belong to a concurrent request.
      const failedAt = (error as { writeErrors?: Array<{ index?: number }> }).writeErrors?.[0]?.index ?? (error as { index?: number }).index;
      if (!isDuplicateKeyError(error) || typeof failedAt !== 'number') {
        await undo(typeof failedAt === 'number' ? rest.slice(0, failedAt) : rest);
        throw error;
      }
      inserted.push(...rest.slice(0, failedAt));
      const duplicate = rest[failedAt];
      const existing = await statements.findById(duplicate._id).select('json').lean();
      const input = inputs[ids.indexOf(String(duplicate.statementId))];
      if (!existing || !input || !sameStatement(existing.json, input)) {
        await undo();
        throw new ConflictError(
          existing
            ? `A different statement with id ${String(duplicate.statementId)} is already stored; statements cannot be changed.`
            : 'A statement with one of these ids was stored at the same moment; send the batch again.',
        );
      }
      rest = rest.slice(failedAt + 1);
    }
  }
  return new Set(inserted.map((doc) => String(doc.statementId)));
}

/** Step 9: void mark first (a target stored later, or concurrently, is then stored as voided), then the targets. */
async function applyVoiding({ organisationId, authorityKey, byPlatform }: CheckedBatch, fresh: CompleteStatement[]): Promise<void> {
  const organisationHex = organisationId.toHexString();
  const voiding = fresh.filter((s) => s.verb.id === VOIDED_VERB);
  // The fact before the marks: a statement stored while a mark exists must see that it has to look.
  if (voiding.length) await setLrsFact(organisationHex, 'void-marks');
  for (const statement of voiding) {
    const target = String((statement.object as { id: string }).id);
    // By `_id` alone (it names the organisation): a second key would scan every office's marks.
    await XapiVoidMark.updateOne({ _id: voidMarkId(organisationHex, target) }, { $setOnInsert: { voidingId: statement.id.toLowerCase(), organisationId } }, { upsert: true });
  }
  const statements = await statementsOf(organisationHex);
  for (const target of voidingTargetsOf(fresh)) {
    const _id = statementKey(organisationHex, target);
    // The source check again: a target some other source stored since step 5 stays as it is. A statement never
    // changes but for `voided`, so reading it and then updating it by `_id` alone (no scan) checks the same.
    const stored = await statements.findById(_id).select('verbId authorityKey').lean();
    if (!stored || stored.verbId === VOIDED_VERB || (!byPlatform && stored.authorityKey !== authorityKey)) continue;
    await statements.updateOne({ _id }, { $set: { voided: true } });
  }
}
