// Starts and stops the embedded default database: FerretDB v1.24 on SQLite, as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';

export const FERRETDB_VERSION = 'v1.24.2';

export interface EmbeddedFerretDb {
  uri: string;
  stop(): Promise<void>;
}

/** Where scripts/install-ferretdb.sh puts the binary (outside the work tree, shared by clones). */
export function defaultFerretDbBinary(): string {
  return path.join(os.homedir(), '.cache', 'akademia-jst', `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPing(uri: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`FerretDB exited with code ${child.exitCode} before it answered:\n${output()}`);
    }
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 500, directConnection: true });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`FerretDB did not answer a ping within ${timeoutMs} ms: ${String(lastError)}\n${output()}`);
}

/**
 * Starts FerretDB with its SQLite backend on a free local port, data under `dataDir`,
 * and resolves once it answers a ping.
 */
export async function startEmbeddedFerretDb(options: { dataDir: string; binary?: string }): Promise<EmbeddedFerretDb> {
  const binary = options.binary ?? defaultFerretDbBinary();
  if (!existsSync(binary)) {
    throw new Error(
      `The embedded database is not installed (no ${binary}).\n` + 'Run `npm run db:install` (needs Go), or set MONGODB_URI to a MongoDB you run, or use `docker compose up`.',
    );
  }
  const sqliteDir = path.join(options.dataDir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${sqliteDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${sqliteDir}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  // If this process ends without a graceful stop (an uncaught error, process.exit), take FerretDB with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const uri = `mongodb://127.0.0.1:${port}/`;
  try {
    await waitForPing(uri, child, () => output, 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  return {
    uri,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
