// Starts a private OpenLDAP server (Debian's slapd) for a test file: own config, own port on 127.0.0.1, seeded by ldapadd.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SLAPD_BIN = '/usr/sbin/slapd';
export const BASE_DN = 'dc=urzad,dc=local';
export const ADMIN_DN = `cn=admin,${BASE_DN}`;
export const ADMIN_PASSWORD = 'admin-haslo-testowe';
/** The service account the platform binds with (read-only). */
export const SERVICE_DN = `cn=svc-akademia,ou=uslugi,${BASE_DN}`;
export const SERVICE_PASSWORD = 'Usluga-Haslo-2026';
export const PEOPLE_BASE = `ou=pracownicy,${BASE_DN}`;
export const GROUPS_BASE = `ou=grupy,${BASE_DN}`;

/** A running slapd of a test file. */
export interface Slapd {
  url: string;
  port: number;
  /** Adds entries (LDIF) as the directory's admin. */
  add(ldif: string): Promise<void>;
  /** Applies an LDIF of changes (changetype: modify …) as the directory's admin. */
  modify(ldif: string): Promise<void>;
  /** Deletes one entry. */
  remove(dn: string): Promise<void>;
  /** Stops the server (SIGTERM, then waits) and removes its directory. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`slapd exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`slapd did not listen on ${port} within ${timeoutMs} ms`);
}

function config(dir: string): string {
  return [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    'include /etc/ldap/schema/nis.schema',
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'moduleload memberof',
    `pidfile ${path.join(dir, 'slapd.pid')}`,
    `argsfile ${path.join(dir, 'slapd.args')}`,
    'database mdb',
    `suffix "${BASE_DN}"`,
    `rootdn "${ADMIN_DN}"`,
    `rootpw ${ADMIN_PASSWORD}`,
    `directory ${path.join(dir, 'data')}`,
    'maxsize 33554432',
    // Passwords: checked at bind, never read back; everything else readable by bound accounts.
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by users read by * none',
    'overlay memberof',
    'memberof-refint TRUE',
    '',
  ].join('\n');
}

/** The office's directory at the start of each test file: the service account, people and groups (test/integration/sso-ldap.test.ts). */
export function seedLdif(): string {
  return `dn: ${BASE_DN}
objectClass: dcObject
objectClass: organization
dc: urzad
o: Urzad Gminy Testowo

dn: ou=uslugi,${BASE_DN}
objectClass: organizationalUnit
ou: uslugi

dn: ${PEOPLE_BASE}
objectClass: organizationalUnit
ou: pracownicy

dn: ${GROUPS_BASE}
objectClass: organizationalUnit
ou: grupy

dn: ${SERVICE_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: svc-akademia
userPassword: ${SERVICE_PASSWORD}
`;
}

/** One person's LDIF (inetOrgPerson), for seeds and tests adding people. */
export function personLdif(person: { uid: string; fullName: string; mail?: string; password: string; department?: string; employeeType?: string }): string {
  const [given, ...rest] = person.fullName.split(' ');
  return [
    `dn: uid=${person.uid},${PEOPLE_BASE}`,
    'objectClass: inetOrgPerson',
    `uid: ${person.uid}`,
    `cn: ${person.fullName}`,
    `givenName: ${given}`,
    `sn: ${rest.join(' ') || given}`,
    `displayName: ${person.fullName}`,
    ...(person.mail ? [`mail: ${person.mail}`] : []),
    ...(person.department ? [`departmentNumber: ${person.department}`] : []),
    ...(person.employeeType ? [`employeeType: ${person.employeeType}`] : []),
    `userPassword: ${person.password}`,
    '',
  ].join('\n');
}

/** A group (groupOfNames) with these members (uids of PEOPLE_BASE). */
export function groupLdif(cn: string, memberUids: string[]): string {
  return [`dn: cn=${cn},${GROUPS_BASE}`, 'objectClass: groupOfNames', `cn: ${cn}`, ...memberUids.map((uid) => `member: uid=${uid},${PEOPLE_BASE}`), ''].join('\n');
}

/** Starts slapd with a fresh, seeded directory; call stop() in the file's `after`. */
export async function startSlapd(extraLdif = ''): Promise<Slapd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'akademia-slapd-'));
  await mkdir(path.join(dir, 'data'));
  const conf = path.join(dir, 'slapd.conf');
  await writeFile(conf, config(dir));
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  // -d 0: stay in the foreground (so the test owns the process) and log nothing.
  const child = spawn(SLAPD_BIN, ['-f', conf, '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    await waitForPort(port, child);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  const ldif = async (tool: 'ldapadd' | 'ldapmodify', text: string) => {
    const file = path.join(dir, `change-${Date.now()}-${Math.random().toString(36).slice(2)}.ldif`);
    await writeFile(file, text);
    await run(tool, ['-x', '-H', url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD, '-f', file]);
  };
  await ldif('ldapadd', seedLdif() + (extraLdif ? `\n${extraLdif}` : ''));
  return {
    url,
    port,
    add: (text) => ldif('ldapadd', text),
    modify: (text) => ldif('ldapmodify', text),
    remove: async (dn) => {
      await run('ldapdelete', ['-x', '-H', url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD, dn]);
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
