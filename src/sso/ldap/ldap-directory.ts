// Talks to an office's LDAP / Active Directory with ldapts: service bind, find the person, bind as them, read them.
import { Client, Filter, InvalidCredentialsError, type Entry } from 'ldapts';
import type { DirectoryProfile } from '../directory-profile.js';
import type { LdapSettings } from './ldap.settings.js';

/** How long a connection may take, and each operation after it: a directory that is down never hangs a request. */
const CONNECT_TIMEOUT_MS = 5000;
const OPERATION_TIMEOUT_MS = 10000;
/** AD's userAccountControl ACCOUNTDISABLE bit. */
const AD_ACCOUNT_DISABLED = 0x2;
/** The longest username tried at all (sAMAccountName has 20 characters, uid rarely more than 64). */
const USERNAME_MAX = 256;

export type LdapFailure = 'invalid' | 'disabled' | 'unavailable' | 'other';
export type LdapOutcome<T> = { ok: T } | { failure: LdapFailure; detail: string };

/** One directory person as the sync and sign-in see them. */
export interface LdapPerson {
  dn: string;
  profile: DirectoryProfile;
  /** The login name (loginAttribute), for the sync's list. */
  login: string;
  disabled: boolean;
}

/** The ldapts client for a method: timeouts set; TLS verified (against the method's CA when given). */
function clientOf(settings: LdapSettings): Client {
  // ldapts speaks TLS from the start whenever tlsOptions are given, so they go only with ldaps:// (StartTLS gets its own).
  const secure = settings.url.toLowerCase().startsWith('ldaps://');
  return new Client({
    url: settings.url,
    connectTimeout: CONNECT_TIMEOUT_MS,
    timeout: OPERATION_TIMEOUT_MS,
    ...(secure ? { tlsOptions: tlsOptionsOf(settings) } : {}),
    strictDN: false,
  });
}

/** Certificate verification always on; the method's CA when given, the system's otherwise. */
function tlsOptionsOf(settings: LdapSettings) {
  return { rejectUnauthorized: true, ...(settings.caCertificate ? { ca: [settings.caCertificate] } : {}) };
}

/** What went wrong, as a failure reason (and a detail for the admin's log, never for the person). */
export function failureOf(error: unknown): { failure: LdapFailure; detail: string } {
  if (error instanceof InvalidCredentialsError) return { failure: 'invalid', detail: 'invalid credentials (LDAP 49)' };
  const err = error as NodeJS.ErrnoException & { code?: unknown };
  const message = err instanceof Error ? err.message : String(error);
  const code = typeof err?.code === 'string' ? err.code : '';
  if (
    ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE'].includes(code) ||
    /timeout|timed out|closed|connect/i.test(message)
  ) {
    return { failure: 'unavailable', detail: `${code || 'connection'}: ${message}` };
  }
  if (/certificate|self.signed|tls|ssl|handshake/i.test(message) || code.startsWith('ERR_TLS') || code.includes('CERT'))
    return { failure: 'unavailable', detail: `TLS: ${message}` };
  return { failure: 'other', detail: message };
}

/** Opens a connection (StartTLS when asked) and binds as `dn`; an empty password is refused before the directory sees it. */
async function boundClient(settings: LdapSettings, dn: string, password: string): Promise<Client> {
  // Many directories take a bind with a DN and no password as an anonymous ("unauthenticated") success (RFC 4513 5.1.2).
  if (!password) throw new InvalidCredentialsError('empty password');
  const client = clientOf(settings);
  try {
    if (settings.startTls) await client.startTLS(tlsOptionsOf(settings));
    await client.bind(dn, password);
    return client;
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw error;
  }
}

async function closing<T>(client: Client, work: (client: Client) => Promise<T>): Promise<T> {
  try {
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** The strings of an attribute, whatever ldapts gave (a string, a list, buffers). */
function valuesOf(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!key) return [];
  const raw = entry[key] as unknown;
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value))).filter((value) => value !== '');
}

/** AD's objectGUID (16 bytes, the first three groups little-endian) as the usual text form. */
function guidText(bytes: Buffer): string {
  if (bytes.length !== 16) return bytes.toString('hex');
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Buffer.from(bytes.subarray(from, to));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

function subjectOf(entry: Entry, settings: LdapSettings): string {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === settings.subjectAttribute.toLowerCase());
  const raw = key ? (entry[key] as unknown) : undefined;
  const first: unknown = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
  if (Buffer.isBuffer(first)) return settings.subjectAttribute.toLowerCase() === 'objectguid' ? guidText(first) : first.toString('hex');
  return typeof first === 'string' || typeof first === 'number' ? String(first) : '';
}

function isDisabled(entry: Entry, settings: LdapSettings): boolean {
  if (settings.disabledCheck === 'ad') {
    const control = Number(valuesOf(entry, 'userAccountControl')[0] ?? 0);
    return Number.isFinite(control) && (control & AD_ACCOUNT_DISABLED) !== 0;
  }
  if (settings.disabledCheck === 'attribute' && settings.disabledAttribute) {
    const values = valuesOf(entry, settings.disabledAttribute);
    if (!settings.disabledValue) return values.length > 0;
    return values.some((value) => value.toLowerCase() === settings.disabledValue!.toLowerCase());
  }
  return false;
}

/** The attributes asked for: every user attribute, and the operational/binary ones the mapping names. */
function attributesOf(settings: LdapSettings): string[] {
  const named = [settings.subjectAttribute, settings.loginAttribute, settings.emailAttribute, settings.nameAttribute, 'userAccountControl'];
  if (settings.groupMode === 'memberOf' && settings.groupAttribute) named.push(settings.groupAttribute);
  if (settings.disabledAttribute) named.push(settings.disabledAttribute);
  return ['*', ...new Set(named)];
}

/** The user filter with the typed name put in, escaped (RFC 4515): `*`, `(`, `)`, `\` and NUL lose their meaning. */
export function userFilterFor(settings: Pick<LdapSettings, 'userFilter'>, username: string): string {
  return settings.userFilter.split('{{username}}').join(Filter.escape(username));
}

/** The same filter matching every person (the sync's list). */
function everyoneFilter(settings: Pick<LdapSettings, 'userFilter'>): string {
  return settings.userFilter.split('{{username}}').join('*');
}

async function groupsOf(client: Client, settings: LdapSettings, entry: Entry): Promise<string[]> {
  if (settings.groupMode === 'memberOf') return settings.groupAttribute ? valuesOf(entry, settings.groupAttribute) : [];
  if (!settings.groupSearchBase || !settings.groupFilter) return [];
  const filter = settings.groupFilter.split('{{dn}}').join(Filter.escape(entry.dn));
  const { searchEntries } = await client.search(settings.groupSearchBase, { scope: 'sub', filter, attributes: ['cn'], paged: true });
  return searchEntries.map((group) => group.dn);
}

async function personOf(client: Client, settings: LdapSettings, entry: Entry): Promise<LdapPerson> {
  const attributes: Record<string, string[]> = {};
  for (const key of Object.keys(entry)) if (key !== 'dn' && key !== '*' && key.toLowerCase() !== settings.subjectAttribute.toLowerCase()) attributes[key] = valuesOf(entry, key);
  const email = (valuesOf(entry, settings.emailAttribute)[0] ?? '').trim().toLowerCase();
  const login = valuesOf(entry, settings.loginAttribute)[0] ?? '';
  return {
    dn: entry.dn,
    login,
    disabled: isDisabled(entry, settings),
    profile: {
      subject: subjectOf(entry, settings),
      email,
      fullName: (valuesOf(entry, settings.nameAttribute)[0] ?? '').trim() || login,
      groups: await groupsOf(client, settings, entry),
      attributes,
    },
  };
}

/**
 * Signs a person in at the directory: service bind, search with the escaped username, bind as the entry found with
 * the typed password, then the entry's attributes and groups. Refused: an empty username or password, no entry or
 * more than one (invalid), a wrong password (invalid), a disabled account (disabled, said only after the password
 * matched), a directory that does not answer in time (unavailable).
 */
export async function authenticateLdap(settings: LdapSettings, bindPassword: string, username: string, password: string): Promise<LdapOutcome<LdapPerson>> {
  const name = username.trim();
  if (!name || name.length > USERNAME_MAX || !password) return { failure: 'invalid', detail: 'empty or over-long username or password' };
  try {
    const service = await boundClient(settings, settings.bindDn, bindPassword).catch((error: unknown) => {
      // The service account itself refused: a configuration fault, not the person's.
      if (error instanceof InvalidCredentialsError) throw Object.assign(new Error('service account bind refused'), { serviceBind: true });
      throw error;
    });
    const entry = await closing(service, async (client) => {
      const { searchEntries } = await client.search(settings.searchBase, {
        scope: 'sub',
        filter: userFilterFor(settings, name),
        attributes: attributesOf(settings),
        sizeLimit: 2,
        explicitBufferAttributes: ['objectGUID'],
      });
      return searchEntries.length === 1 ? searchEntries[0] : undefined;
    });
    if (!entry) return { failure: 'invalid', detail: 'no single entry matches the username' };
    const person = await closing(await boundClient(settings, entry.dn, password), async () => {
      // Read again with the service account: the person may not be allowed to read their own groups.
      const reader = await boundClient(settings, settings.bindDn, bindPassword);
      return closing(reader, (client) => personOf(client, settings, entry));
    });
    if (person.disabled) return { failure: 'disabled', detail: `account disabled at the directory: ${entry.dn}` };
    return { ok: person };
  } catch (error) {
    if ((error as { serviceBind?: boolean }).serviceBind) return { failure: 'other', detail: 'the service account bind was refused (check the bind DN and password)' };
    return failureOf(error);
  }
}

/** Every person the user filter finds (the sync), with their groups. */
export async function listLdapPeople(settings: LdapSettings, bindPassword: string): Promise<LdapOutcome<LdapPerson[]>> {
  try {
    const service = await boundClient(settings, settings.bindDn, bindPassword);
    return {
      ok: await closing(service, async (client) => {
        const { searchEntries } = await client.search(settings.searchBase, {
          scope: 'sub',
          filter: everyoneFilter(settings),
          attributes: attributesOf(settings),
          paged: true,
          explicitBufferAttributes: ['objectGUID'],
        });
        const people: LdapPerson[] = [];
        for (const entry of searchEntries) people.push(await personOf(client, settings, entry));
        return people;
      }),
    };
  } catch (error) {
    return failureOf(error);
  }
}

/** What "Sprawdź połączenie" found: bound with the service account and read the search base, or why not. */
export type LdapConnectionCheck = { ok: true; people: number } | { ok: false; problem: 'unreachable' | 'tls' | 'bind' | 'base' | 'other'; detail: string };

/** Binds with the service account and counts the people the filter finds (at most 1000 asked for). */
export async function checkLdapConnection(settings: LdapSettings, bindPassword: string): Promise<LdapConnectionCheck> {
  let client: Client;
  try {
    client = await boundClient(settings, settings.bindDn, bindPassword);
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return { ok: false, problem: 'bind', detail: (error as Error).message };
    const { failure, detail } = failureOf(error);
    return { ok: false, problem: detail.startsWith('TLS') ? 'tls' : failure === 'unavailable' ? 'unreachable' : 'other', detail };
  }
  try {
    const { searchEntries } = await client.search(settings.searchBase, { scope: 'sub', filter: everyoneFilter(settings), attributes: ['dn'], paged: true });
    return { ok: true, people: searchEntries.length };
  } catch (error) {
    const { failure, detail } = failureOf(error);
    return { ok: false, problem: failure === 'unavailable' ? 'unreachable' : 'base', detail };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
