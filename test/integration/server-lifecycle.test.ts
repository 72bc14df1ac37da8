// Starts the real server process as docker-compose configures it (embedded DB instead of mongo:7),
// checks /healthz, then stops it with SIGTERM and checks it shut down cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<Response> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`);
    try {
      return await fetch(url);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`server did not answer:\n${log()}`);
}

function ferretDbChildrenOf(pid: number): string[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'ferretdb'])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

describe('server lifecycle (docker-compose environment)', function () {
  this.timeout(90_000);
  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
    services: Record<string, { image?: string; build?: string; environment?: Record<string, string> }>;
  };

  it('describes the app, mongo:7 and a mail catcher', () => {
    expect(Object.keys(compose.services)).to.include.members(['app', 'mongo', 'mailpit']);
    expect(compose.services.mongo.image).to.equal('mongo:7');
    expect(compose.services.app.environment?.MONGODB_URI).to.match(/^mongodb:\/\/mongo:27017\//);
  });

  it('ships no secret and no demo data: compose requires SESSION_SECRET and SECRETS_KEY from the shell or .env', () => {
    const environment = compose.services.app.environment ?? {};
    expect(environment.NODE_ENV).to.equal('production');
    // `${VAR:?message}`: compose itself refuses to start when the operator has not set it.
    expect(environment.SESSION_SECRET).to.match(/^\$\{SESSION_SECRET:\?[^}]+\}$/);
    expect(environment.SECRETS_KEY).to.match(/^\$\{SECRETS_KEY:\?[^}]+\}$/);
    expect(environment).not.to.have.property('SEED_DEMO');
  });

  it('starts with the compose environment on the embedded database, serves /healthz and stops on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-lifecycle-'));
    // Everything compose sets, except that the database is the embedded one, the port is free here and the
    // secret is the operator's (compose reads it from .env), as is SEED_DEMO, which the process inherits.
    const { MONGODB_URI: _mongo, SESSION_SECRET: _secret, SECRETS_KEY: _key, ...composeEnv } = compose.services.app.environment ?? {};
    const { SEED_DEMO: _seed, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        ...inherited,
        ...composeEnv,
        SESSION_SECRET: randomBytes(32).toString('hex'),
        SECRETS_KEY: randomBytes(32).toString('hex'),
        MONGODB_URI: '',
        PORT: String(port),
        BASE_URL: `http://127.0.0.1:${port}`,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    try {
      const res = await waitForHealth(`http://127.0.0.1:${port}/healthz`, child, () => output);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ status: 'ok', db: 'ok' });
      expect(ferretDbChildrenOf(child.pid!)).to.have.length(1);

      // A keep-alive client in the middle of a request when SIGTERM arrives: its request is finished, and the
      // connection, idle afterwards, must not hold the shutdown until the 10 s cut-off.
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      let answer = '';
      socket.on('data', (chunk) => (answer += String(chunk)));
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n');
      await new Promise((resolve) => setTimeout(resolve, 200));

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      socket.write('\r\n');
      expect(await exited).to.equal(0);
      expect(Date.now() - stoppedAt, 'shutdown time with an idle keep-alive connection').to.be.below(5_000);
      expect(answer).to.match(/^HTTP\/1\.1 200 /);
      socket.destroy();
      expect(ferretDbChildrenOf(child.pid!)).to.have.length(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses demo data with the compose environment (production) and names SEED_DEMO', async () => {
    const { MONGODB_URI: _mongo, ...composeEnv } = compose.services.app.environment ?? {};
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, ...composeEnv, SESSION_SECRET: randomBytes(32).toString('hex'), SECRETS_KEY: randomBytes(32).toString('hex'), MONGODB_URI: '', SEED_DEMO: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).to.equal(78);
    expect(stderr).to.contain('SEED_DEMO: demo data');
  });

  it('refuses to start with a bad variable and names it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: 'not-a-port', MONGODB_URI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).to.equal(78);
    expect(stderr).to.contain('PORT');
  });
});
