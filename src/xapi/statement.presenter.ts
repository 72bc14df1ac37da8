// Turns stored statements into LRS responses: exact (verbatim), ids or canonical format, JSON or multipart/mixed.
import { randomBytes } from 'node:crypto';
import Negotiator from 'negotiator';

export type StatementFormat = 'exact' | 'ids' | 'canonical';
type Loose = Record<string, unknown>;

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

function actorIds(actor: unknown): unknown {
  if (typeof actor !== 'object' || actor === null) return actor;
  const value = actor as Loose;
  const ids: Loose = {};
  if (value.objectType) ids.objectType = value.objectType;
  for (const key of IFI_KEYS) if (value[key] !== undefined) ids[key] = value[key];
  const identified = IFI_KEYS.some((key) => value[key] !== undefined);
  if (!identified && Array.isArray(value.member)) ids.member = value.member.map(actorIds);
  return ids;
}

function activityIds(activity: unknown): unknown {
  const value = activity as Loose;
  return value.objectType ? { objectType: value.objectType, id: value.id } : { id: value.id };
}

function contextIds(context: Loose | undefined): Loose | undefined {
  if (!context) return context;
  const copy: Loose = { ...context };
  if (copy.instructor) copy.instructor = actorIds(copy.instructor);
  if (copy.team) copy.team = actorIds(copy.team);
  if (copy.contextActivities) {
    copy.contextActivities = Object.fromEntries(Object.entries(copy.contextActivities as Record<string, unknown[]>).map(([key, list]) => [key, list.map(activityIds)]));
  }
  return copy;
}

function objectIds(object: Loose): unknown {
  const type = object.objectType;
  if (type === undefined || type === 'Activity') return activityIds(object);
  if (type === 'Agent' || type === 'Group') return actorIds(object);
  if (type === 'SubStatement') return statementIds(object);
  return object;
}

/** format=ids: only what identifies agents, groups, activities and verbs. */
function statementIds(statement: Loose): Loose {
  const copy: Loose = { ...statement };
  copy.actor = actorIds(copy.actor);
  copy.verb = { id: (copy.verb as Loose).id };
  copy.object = objectIds(copy.object as Loose);
  if (copy.authority) copy.authority = actorIds(copy.authority);
  if (copy.context) copy.context = contextIds(copy.context as Loose);
  return copy;
}

/** Keeps the one entry of a language map that best fits Accept-Language (the first entry when none fits). */
function pickLanguage(map: unknown, acceptLanguage: string | undefined): unknown {
  if (typeof map !== 'object' || map === null) return map;
  const keys = Object.keys(map);
  if (keys.length <= 1) return map;
  const chosen = new Negotiator({ headers: { 'accept-language': acceptLanguage ?? '*' } }).language(keys) ?? keys[0];
  return { [chosen]: (map as Loose)[chosen] };
}

function canonicalActivity(activity: unknown, acceptLanguage: string | undefined): unknown {
  const value = activity as Loose;
  if (!value.definition) return activity;
  const definition: Loose = { ...(value.definition as Loose) };
  for (const key of ['name', 'description']) if (definition[key]) definition[key] = pickLanguage(definition[key], acceptLanguage);
  for (const key of ['choices', 'scale', 'source', 'target', 'steps']) {
    if (Array.isArray(definition[key])) {
      definition[key] = (definition[key] as Loose[]).map((component) =>
        component.description ? { ...component, description: pickLanguage(component.description, acceptLanguage) } : component,
      );
    }
  }
  return { ...value, definition };
}

function canonicalContext(context: Loose | undefined, acceptLanguage: string | undefined): Loose | undefined {
  if (!context?.contextActivities) return context;
  return {
    ...context,
    contextActivities: Object.fromEntries(
      Object.entries(context.contextActivities as Record<string, unknown[]>).map(([key, list]) => [key, list.map((a) => canonicalActivity(a, acceptLanguage))]),
    ),
  };
}

/** format=canonical: one language per map in activity definitions and verb displays; agents as received. */
function statementCanonical(statement: Loose, acceptLanguage: string | undefined): Loose {
  const copy: Loose = { ...statement };
  const verb = copy.verb as Loose;
  if (verb.display) copy.verb = { ...verb, display: pickLanguage(verb.display, acceptLanguage) };
  const object = copy.object as Loose;
  if (object.objectType === undefined || object.objectType === 'Activity') copy.object = canonicalActivity(object, acceptLanguage);
  if (object.objectType === 'SubStatement') copy.object = statementCanonical(object, acceptLanguage);
  if (copy.context) copy.context = canonicalContext(copy.context as Loose, acceptLanguage);
  return copy;
}

/** The statement's JSON in the requested format; exact is the stored string itself, byte for byte. */
export function formatStatement(json: string, format: StatementFormat, acceptLanguage?: string): string {
  if (format === 'exact') return json;
  const statement = JSON.parse(json) as Loose;
  return JSON.stringify(format === 'ids' ? statementIds(statement) : statementCanonical(statement, acceptLanguage));
}

/** A StatementResult object built from already-serialised statements, so exact statements stay verbatim. */
export function statementResultJson(statements: string[], more: string): string {
  return `{"statements":[${statements.join(',')}],"more":${JSON.stringify(more)}}`;
}

export interface AttachmentContent {
  sha2: string;
  contentType: string;
  content: Buffer;
}

/** multipart/mixed response: the JSON first, then each attachment with its hash (spec Data 2.4.11). */
export function multipartResponse(json: string, attachments: AttachmentContent[]): { contentType: string; body: Buffer } {
  const boundary = `xapi-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${json}\r\n`, 'utf8')];
  for (const attachment of attachments) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Type: ${attachment.contentType}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${attachment.sha2}\r\n\r\n`, 'utf8'),
      attachment.content,
      Buffer.from('\r\n', 'utf8'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
