// The bench's own database server: MONGODB_URI, or an embedded FerretDB (SQLite, or PostgreSQL with --backend postgres) in a temp dir.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FERRETDB_VERSION, startEmbeddedFerretDb } from '../../src/db/embedded-ferretdb.js';

const run = promisify(execFile);

export type Backend = 'sqlite' | 'postgres';

export interface BenchServer {
  uri: string;
  /** What the figures ran on, for the JSON line. */
  description: string;
  stop(): Promise<void>;
}

/** Where PostgreSQL is looked for (these machines: 127.0.0.1:5432, trust auth); BENCH_POSTGRES_URL overrides. */
const POSTGRES_BASE = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

async function psql(database: string, sql: string): Promise<string> {
  const { stdout } = await run('psql', [`${POSTGRES_BASE}/${database}`, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { timeout: 10_000 });
  return stdout.trim();
}

/** The PostgreSQL server's version, or undefined when none is reachable (no psql, nothing listening, refused). */
async function postgresVersion(): Promise<string | undefined> {
  try {
    return await psql('postgres', 'SHOW server_version');
  } catch {
    return undefined;
  }
}

export class BackendUnavailable extends Error {}

/**
 * Starts the server the bench runs on. With MONGODB_URI set that server is used as it is (the bench creates and
 * drops only its own database there); otherwise FerretDB is started from `binary` with its data in a temp dir,
 * on SQLite, or on a fresh PostgreSQL database created here (and dropped by stop()).
 */
export async function startBenchServer(options: { backend: Backend; mongodbUri?: string; binary?: string }): Promise<BenchServer> {
  if (options.mongodbUri) {
    if (options.backend === 'postgres') throw new BackendUnavailable('--backend postgres starts its own FerretDB: unset MONGODB_URI to use it.');
    return { uri: options.mongodbUri, description: 'MongoDB (MONGODB_URI)', stop: () => Promise.resolve() };
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-bench-'));
  let pgDatabase: string | undefined;
  let description = `embedded FerretDB ${FERRETDB_VERSION} (SQLite)`;
  let postgresqlUrl: string | undefined;
  if (options.backend === 'postgres') {
    const version = await postgresVersion();
    if (!version) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new BackendUnavailable(`No PostgreSQL reachable at ${POSTGRES_BASE} (psql could not connect): --backend postgres skipped.`);
    }
    pgDatabase = `akademia_bench_${randomBytes(4).toString('hex')}`;
    await psql('postgres', `CREATE DATABASE ${pgDatabase}`);
    postgresqlUrl = `${POSTGRES_BASE}/${pgDatabase}`;
    description = `embedded FerretDB ${FERRETDB_VERSION} (PostgreSQL ${version})`;
  }
  try {
    const embedded = await startEmbeddedFerretDb({ dataDir, binary: options.binary, postgresqlUrl });
    return {
      uri: embedded.uri,
      description,
      async stop() {
        await embedded.stop();
        if (pgDatabase) await psql('postgres', `DROP DATABASE IF EXISTS ${pgDatabase}`).catch((error: unknown) => console.error(`could not drop ${pgDatabase}: ${String(error)}`));
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (pgDatabase) await psql('postgres', `DROP DATABASE IF EXISTS ${pgDatabase}`).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
