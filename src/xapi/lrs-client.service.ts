// Creating, authenticating and listing LRS clients; the environment client is ensured at start-up.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Types } from 'mongoose';
import { BadRequestError, ConflictError, NotFoundError } from '../http/errors.js';
import { Organisation } from '../organisations/organisation.model.js';
import { LrsClient, type LrsClientDoc } from './lrs-client.model.js';
import { TrustedCourseIds } from './lrs-client.schemas.js';
import { PLATFORM_AUTHORITY_NAME } from './xapi-vocabulary.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** The credentials of a client as the LRS uses them on each request. */
export interface LrsCredentials {
  clientId: string;
  organisationId: string;
  name: string;
  key: string;
  canRead: boolean;
  canWrite: boolean;
  /** Set for a session token (xapi/lrs-session.ts): the session it was issued for. */
  sessionId?: string;
}

async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, 32);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

async function secretMatches(secret: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scryptAsync(secret, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(actual, expected);
}

// scrypt is deliberately slow; a verified (key, secret) pair is remembered by a SHA-256 of both,
// tied to the stored hash so a changed secret or deleted client is noticed on the next lookup.
const verified = new Map<string, string>();
const cacheKey = (key: string, secret: string) => createHash('sha256').update(`${key}\u0000${secret}`).digest('hex');

function toCredentials(client: LrsClientDoc): LrsCredentials {
  return {
    clientId: client._id.toHexString(),
    organisationId: client.organisationId.toHexString(),
    name: client.name,
    key: client.key,
    canRead: client.canRead,
    canWrite: client.canWrite,
  };
}

/** Returns the client whose key and secret match, or undefined. */
export async function authenticateLrsClient(key: string, secret: string): Promise<LrsCredentials | undefined> {
  // Cross-tenant by design: the key is what tells us the organisation (keys are unique platform-wide), and
  // nothing is returned unless the secret matches; every later query is scoped to the client's organisation.
  const client = await LrsClient.findOne({ key }).setOptions({ acrossOrganisations: true }).lean<LrsClientDoc>();
  if (!client) return undefined;
  const remembered = cacheKey(key, secret);
  if (verified.get(remembered) !== client.secretHash) {
    if (!(await secretMatches(secret, client.secretHash))) return undefined;
    verified.set(remembered, client.secretHash);
  }
  return toCredentials(client);
}

export interface NewLrsClient {
  organisationId: string;
  name: string;
  canRead?: boolean;
  canWrite?: boolean;
  /** Courses whose progress this client's statements may move (none by default). */
  trustedCourseIds?: string[];
}

/** The course ids checked (catalogue id format), without repeats; BadRequestError naming a bad one. */
function checkedCourseIds(courseIds: string[]): string[] {
  const result = TrustedCourseIds.safeParse(courseIds);
  if (!result.success) throw new BadRequestError(`Trusted course ids must be course ids such as rodo-w-urzedzie (${result.error.issues[0]?.message}).`);
  return [...new Set(result.data)];
}

/** Creates a client with a random key and secret; the secret is returned here only, never again. */
export async function createLrsClient(input: NewLrsClient): Promise<{ id: string; key: string; secret: string }> {
  const key = randomBytes(12).toString('base64url');
  const secret = randomBytes(24).toString('base64url');
  const client = await LrsClient.create({
    organisationId: new Types.ObjectId(input.organisationId),
    name: input.name,
    key,
    secretHash: await hashSecret(secret),
    canRead: input.canRead ?? true,
    canWrite: input.canWrite ?? true,
    trustedCourseIds: checkedCourseIds(input.trustedCourseIds ?? []),
  });
  return { id: client._id.toHexString(), key, secret };
}

/** Creates or updates the full-rights client named by the environment (XAPI_BASIC_USER / XAPI_BASIC_PASSWORD). */
export async function ensureEnvironmentLrsClient(input: { key: string; secret: string; organisationId: string }): Promise<void> {
  // The platform's own authority has this account name: a client with it would be taken for the platform.
  if (input.key === PLATFORM_AUTHORITY_NAME)
    throw new ConflictError(`XAPI_BASIC_USER may not be "${PLATFORM_AUTHORITY_NAME}": the platform records its own statements under that name.`);
  // Cross-tenant by design: keys are unique platform-wide, so an administrator's client in any organisation may hold it.
  const existing = await LrsClient.findOne({ key: input.key }).setOptions({ acrossOrganisations: true }).lean<LrsClientDoc>();
  if (existing && !existing.fromEnvironment) {
    throw new ConflictError(`XAPI_BASIC_USER "${input.key}" is already the key of an LRS client created by an administrator.`);
  }
  if (existing && (await secretMatches(input.secret, existing.secretHash)) && existing.canRead && existing.canWrite) return;
  try {
    await LrsClient.updateOne(
      { key: input.key, organisationId: existing?.organisationId ?? new Types.ObjectId(input.organisationId) },
      {
        $set: { secretHash: await hashSecret(input.secret), canRead: true, canWrite: true, fromEnvironment: true },
        $setOnInsert: { name: 'XAPI_BASIC_USER' },
      },
      { upsert: true },
    );
  } catch (error) {
    // Another instance starting at the same moment inserted the client first (unique key): look again, once.
    if (!isDuplicateKeyError(error) || existing) throw error;
    await ensureEnvironmentLrsClient(input);
  }
}

const ENVIRONMENT_CLIENT_SLUG = 'klienci-lrs';

/** The organisation the environment client belongs to: the first one, or a new one created for it. */
export async function organisationForEnvironmentClient(): Promise<string> {
  const first = await Organisation.findOne().sort({ createdAt: 1 }).lean();
  if (first) return first._id.toHexString();
  try {
    const created = await Organisation.create({ name: 'Klienci LRS', slug: ENVIRONMENT_CLIENT_SLUG, kind: 'office' });
    return created._id.toHexString();
  } catch (error) {
    // Two instances starting at once on an empty database: the unique slug kept one organisation; use it.
    if (!isDuplicateKeyError(error)) throw error;
    const created = await Organisation.findOne({ slug: ENVIRONMENT_CLIENT_SLUG }).lean();
    if (!created) throw error;
    return created._id.toHexString();
  }
}

/** The organisation with this slug, or NotFoundError. */
export async function organisationIdBySlug(slug: string): Promise<string> {
  const organisation = await Organisation.findOne({ slug: slug.toLowerCase() }).lean();
  if (!organisation) throw new NotFoundError(`No organisation with the slug "${slug}".`);
  return organisation._id.toHexString();
}

/** Clients of one organisation, newest first (never their secrets). */
export async function listLrsClients(organisationId: string) {
  const clients = await LrsClient.find({ organisationId: new Types.ObjectId(organisationId) })
    .sort({ createdAt: -1 })
    .lean<LrsClientDoc[]>();
  return clients.map(clientRow);
}

/** A client as the admin pages and the CLI list it (never its secret hash). */
function clientRow(client: LrsClientDoc) {
  return { ...toCredentials(client), createdAt: client.createdAt, fromEnvironment: client.fromEnvironment, trustedCourseIds: client.trustedCourseIds ?? [] };
}

/** Sets the courses whose progress a client's statements may move (an empty list trusts it for none). */
export async function setTrustedCourses(organisationId: string, clientId: string, courseIds: string[]): Promise<void> {
  const result = await LrsClient.updateOne({ _id: clientId, organisationId: new Types.ObjectId(organisationId) }, { $set: { trustedCourseIds: checkedCourseIds(courseIds) } });
  if (result.matchedCount === 0) throw new NotFoundError('No such LRS client.');
}

/** The courses the client with this key is trusted for in the organisation ([] for an unknown or deleted client). */
export async function trustedCourseIdsOf(organisationId: string, key: string): Promise<string[]> {
  const client = await LrsClient.findOne({ key, organisationId: new Types.ObjectId(organisationId) })
    .select('trustedCourseIds')
    .lean<Pick<LrsClientDoc, 'trustedCourseIds'>>();
  return client?.trustedCourseIds ?? [];
}

/** One client of the organisation (never its secret), or NotFoundError. */
export async function lrsClientOf(organisationId: string, clientId: string) {
  const client = await LrsClient.findOne({ _id: clientId, organisationId: new Types.ObjectId(organisationId) }).lean<LrsClientDoc>();
  if (!client) throw new NotFoundError('No such LRS client.');
  return clientRow(client);
}

/** Deletes a client of the organisation; its key stops working at once. */
export async function deleteLrsClient(organisationId: string, clientId: string): Promise<void> {
  const result = await LrsClient.deleteOne({ _id: clientId, organisationId: new Types.ObjectId(organisationId) });
  if (result.deletedCount === 0) throw new NotFoundError('No such LRS client.');
}
