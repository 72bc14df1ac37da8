// What the LRS holds about one person: their statements exported on request; on erasure pseudonymised, their documents deleted.
import { createHash, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { XapiAttachment } from './attachment.model.js';
import { XapiDocument } from './document.model.js';
import { statementKeys, agentKey } from './statement-keys.js';
import { statementsOf } from './statement.model.js';
import type { Agent, CompleteStatement } from './xapi.types.js';
import type { XapiVocabulary } from './xapi-vocabulary.js';

/** The usage type of a JWS signature attachment (Data 2.6): it holds the statement as signed, the person in it. */
const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';

/** How the person may appear in statements: the platform's opaque account, and an e-mail an LRS client may have sent. */
export interface ErasedAgent {
  learnerId: string;
  email?: string;
}

/** The agent keys (statement-keys.ts agentKey) of every identifier the person may carry in this LRS. */
export function agentKeysOf(vocabulary: XapiVocabulary, person: ErasedAgent): string[] {
  const keys = [agentKey(vocabulary.learnerActor(person.learnerId))!];
  if (person.email) {
    const mbox = `mailto:${person.email.toLowerCase()}`;
    keys.push(`mbox|${mbox}`, `mbox_sha1sum|${createHash('sha1').update(mbox).digest('hex')}`);
  }
  return keys;
}

/**
 * A new pseudonym: an account under `<BASE_URL>/xapi/pseudonyms` named by a random UUID. It is derived from nothing
 * the platform keeps, so once the erasure has finished (and forgotten it) no record links it back to the person.
 */
export function newPseudonym(vocabulary: XapiVocabulary): Agent {
  return { objectType: 'Agent', account: { homePage: `${vocabulary.baseUrl}/xapi/pseudonyms`, name: randomUUID() } };
}

/** The pseudonym an Agent with key `key` gets, or undefined to leave it. */
type PseudonymFor = (key: string) => Agent | undefined;

/** Replaces, anywhere in `value`, each Agent `pseudonymFor` names (a Group's members included) by its pseudonym. */
function replaceAgents(value: unknown, pseudonymFor: PseudonymFor): { value: unknown; changed: boolean } {
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const next = replaceAgents(item, pseudonymFor);
      changed ||= next.changed;
      return next.value;
    });
    return { value: items, changed };
  }
  if (typeof value !== 'object' || value === null) return { value, changed: false };
  const key = agentKey(value);
  const pseudonym = key && (value as { objectType?: string }).objectType !== 'Group' ? pseudonymFor(key) : undefined;
  if (pseudonym) return { value: { ...pseudonym }, changed: true };
  let changed = false;
  const copy: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    // The authority is the LRS client or the platform that recorded the statement, never the learner.
    if (name === 'authority') {
      copy[name] = inner;
      continue;
    }
    const next = replaceAgents(inner, pseudonymFor);
    changed ||= next.changed;
    copy[name] = next.value;
  }
  return { value: copy, changed };
}

export interface PseudonymiseResult {
  statements: number;
  signaturesRemoved: number;
}

/**
 * Rewrites the organisation's statements about the person: each Agent with one of the person's identifiers becomes
 * `pseudonym`; everything else (id, verb, object, result, context, timestamp, stored, authority, voided) stays, so
 * the record keeps its structure for statistics and voiding still works by statement id. A signature attachment is
 * dropped (its JWS carries the statement as signed, the person's identifier in it; it can no longer match).
 * Idempotent: a statement already rewritten carries none of the keys. A scan of the organisation's statement log
 * (FerretDB reads every statement of the office): erasure is rare and runs in the background of an admin's action.
 */
export async function pseudonymiseStatements(organisationId: string, keys: string[], pseudonym: Agent): Promise<PseudonymiseResult> {
  const wanted = new Set(keys);
  return rewriteStatements(organisationId, { $or: [{ agentKeys: { $in: keys } }, { relatedAgentKeys: { $in: keys } }] }, (key) => (wanted.has(key) ? pseudonym : undefined));
}

/**
 * The retention rule for statements in identifiable form: in statements stored before `before`, every learner of the
 * platform (an account under BASE_URL) gets a pseudonym, one per learner and run, so counts per learner still add up
 * within what was rewritten together. One pass over the office's old statements.
 */
export async function pseudonymiseStatementsStoredBefore(vocabulary: XapiVocabulary, organisationId: string, before: Date): Promise<PseudonymiseResult> {
  const learnerPrefix = `account|${vocabulary.baseUrl}|`;
  const pseudonyms = new Map<string, Agent>();
  return rewriteStatements(organisationId, { stored: { $lt: before } }, (key) => {
    if (!key.startsWith(learnerPrefix)) return undefined;
    if (!pseudonyms.has(key)) pseudonyms.set(key, newPseudonym(vocabulary));
    return pseudonyms.get(key);
  });
}

/** Rewrites the matching statements of one office, agent by agent (see pseudonymiseStatements for what stays). */
async function rewriteStatements(organisationId: string, filter: Record<string, unknown>, pseudonymFor: PseudonymFor): Promise<PseudonymiseResult> {
  const Statements = await statementsOf(organisationId);
  const organisation = new Types.ObjectId(organisationId);
  const about = await Statements.find({ organisationId: organisation, ...filter })
    .select({ _id: 1, json: 1, attachmentHashes: 1 })
    .lean<Array<{ _id: string; json: string; attachmentHashes?: string[] }>>();
  const result: PseudonymiseResult = { statements: 0, signaturesRemoved: 0 };
  for (const doc of about) {
    const replaced = replaceAgents(JSON.parse(doc.json) as CompleteStatement, pseudonymFor);
    if (!replaced.changed) continue;
    const next = replaced.value as CompleteStatement;
    const signatures = (next.attachments ?? []).filter((attachment) => attachment.usageType === SIGNATURE_USAGE);
    if (signatures.length) {
      next.attachments = (next.attachments ?? []).filter((attachment) => attachment.usageType !== SIGNATURE_USAGE);
      if (next.attachments.length === 0) delete next.attachments;
      result.signaturesRemoved += signatures.length;
    }
    const dropped = new Set(signatures.map((attachment) => attachment.sha2.toLowerCase()));
    await Statements.updateOne(
      { _id: doc._id, organisationId: organisation },
      { $set: { json: JSON.stringify(next), ...statementKeys(next), attachmentHashes: (doc.attachmentHashes ?? []).filter((hash) => !dropped.has(hash)) } },
    );
    for (const hash of dropped) await XapiAttachment.deleteOne({ _id: `${organisationId}:${hash}`, organisationId: organisation });
    result.statements += 1;
  }
  return result;
}

/** Deletes the State and Agent Profile documents of the person (every activity and registration). */
export async function deleteAgentDocuments(organisationId: string, keys: string[]): Promise<number> {
  const { deletedCount } = await XapiDocument.deleteMany({ organisationId: new Types.ObjectId(organisationId), agentKey: { $in: keys } });
  return deletedCount;
}

/** The statements about the person (actor, object, group member, instructor, team), as the LRS returns them. */
export async function statementsAbout(organisationId: string, keys: string[]): Promise<unknown[]> {
  const Statements = await statementsOf(organisationId);
  const about = await Statements.find({ organisationId: new Types.ObjectId(organisationId), $or: [{ agentKeys: { $in: keys } }, { relatedAgentKeys: { $in: keys } }] })
    .sort({ stored: 1 })
    .select({ json: 1 })
    .lean<Array<{ json: string }>>();
  return about.map((doc) => JSON.parse(doc.json) as unknown);
}
