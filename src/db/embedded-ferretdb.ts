// Starts and stops the embedded default database: FerretDB v1.24 on SQLite, as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Logger } from '../logger.js';

export const FERRETDB_VERSION = 'v1.24.2';
/** The one patch scripts/install-ferretdb.sh applies (look-ups by `_id` use the `_id` index); part of the build's folder. */
export const FERRETDB_PATCH = 'id-index';

export interface EmbeddedFerretDb {
  uri: string;
  /** The running FerretDB process's id (undefined between a death and its restart); the fault tests kill it. */
  pid(): number | undefined;
  /** Stops FerretDB for good (the supervisor does not restart it). */
  stop(): Promise<void>;
}

/** Where scripts/install-ferretdb.sh puts the binary (outside the work tree, shared by clones). */
export function defaultFerretDbBinary(): string {
  return path.join(os.homedir(), '.cache', 'akademia-jst', `ferretdb-${FERRETDB_VERSION}-${FERRETDB_PATCH}`, 'ferretdb');
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
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`FerretDB exited (${child.exitCode ?? child.signalCode}) before it answered:\n${output()}`);
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

/** Where the supervisor reports a death and a restart (the app's logger fits). */
export type SupervisorLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface EmbeddedFerretDbOptions {
  dataDir: string;
  binary?: string;
  /**
   * Use FerretDB's PostgreSQL backend on this database (postgres://…/<db>) instead of SQLite under `dataDir`
   * (npm run bench -- --backend postgres; the state directory stays under `dataDir`).
   */
  postgresqlUrl?: string;
  /** Reports deaths and restarts; silent without. */
  logger?: SupervisorLogger;
  /** Called once FerretDB answers a ping again after a restart (the connection may reconnect at once). */
  onRestarted?: () => void;
  /**
   * Called when FerretDB died more than `maxRestarts` times within `restartWindowMs`: the supervisor stops
   * restarting it, and the application should exit non-zero so that its own supervisor (systemd, Docker) restarts
   * the whole thing. Without it the supervisor only logs.
   */
  onGiveUp?: (reason: Error) => void;
  /** Restarts allowed within the window before giving up (default 5). */
  maxRestarts?: number;
  /** The window of `maxRestarts`, in milliseconds (default one minute). */
  restartWindowMs?: number;
  /** Delay before the first restart of a window, doubled for each further one up to 16 times it (default 250 ms). */
  restartDelayMs?: number;
}

/** Delay before the n-th restart within the window (0-based): by default 250 ms, 0.5 s, 1 s, 2 s, then 4 s. */
function restartDelayMs(firstDelayMs: number, attempt: number): number {
  return firstDelayMs * 2 ** Math.min(attempt, 4);
}

/**
 * Starts FerretDB with its SQLite backend on a free local port, data under `dataDir`, resolves once it answers a
 * ping, and supervises it: if it exits on its own (killed, crashed), it is started again on the same port and data
 * directory with a growing delay, each death and restart logged, so the driver's pool reconnects to the same
 * address without anyone restarting the app. More than `maxRestarts` deaths within `restartWindowMs` means
 * something is wrong with the data or the machine: `onGiveUp` is called instead. `stop()` is not a death.
 */
export async function startEmbeddedFerretDb(options: EmbeddedFerretDbOptions): Promise<EmbeddedFerretDb> {
  const binary = options.binary ?? defaultFerretDbBinary();
  if (!existsSync(binary)) {
    throw new Error(
      `The embedded database is not installed (no ${binary}).\n` + 'Run `npm run db:install` (needs Go), or set MONGODB_URI to a MongoDB you run, or use `docker compose up`.',
    );
  }
  const sqliteDir = path.join(options.dataDir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const port = await freePort();
  const uri = `mongodb://127.0.0.1:${port}/`;
  const maxRestarts = options.maxRestarts ?? 5;
  const restartWindowMs = options.restartWindowMs ?? 60_000;
  const logger = options.logger;

  let output = '';
  const launch = (): ChildProcess => {
    const spawned = spawn(
      binary,
      [
        ...(options.postgresqlUrl ? ['--handler=postgresql', `--postgresql-url=${options.postgresqlUrl}`] : ['--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`]),
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${sqliteDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    spawned.stdout?.on('data', keep);
    spawned.stderr?.on('data', keep);
    spawned.once('exit', (code, signal) => void onExit(spawned, code, signal));
    return spawned;
  };

  // Supervision begins once the first start answered; a failed first start is the caller's error, not a death.
  let supervising = false;
  let stopping = false;
  let gaveUp = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const deaths: number[] = [];

  const onExit = async (exited: ChildProcess, code: number | null, signal: NodeJS.Signals | null): Promise<void> => {
    if (!supervising || stopping || gaveUp || exited !== child) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0] < now - restartWindowMs) deaths.shift();
    logger?.error({ code, signal, port, output: output.slice(-1000) }, 'embedded FerretDB exited unexpectedly');
    if (deaths.length > maxRestarts) {
      gaveUp = true;
      const reason = new Error(`The embedded FerretDB died ${deaths.length} times within ${Math.round(restartWindowMs / 1000)} s; not restarting it again.`);
      logger?.error({ port }, reason.message);
      options.onGiveUp?.(reason);
      return;
    }
    const delayMs = restartDelayMs(options.restartDelayMs ?? 250, deaths.length - 1);
    logger?.warn({ attempt: deaths.length, delayMs, port }, 'restarting embedded FerretDB');
    await new Promise<void>((resolve) => {
      restartTimer = setTimeout(resolve, delayMs);
    });
    restartTimer = undefined;
    if (stopping) return;
    output = '';
    child = launch();
    try {
      await waitForPing(uri, child, () => output, 20_000);
    } catch (error) {
      // It exited again (its exit handler counts the death and tries again), or it hangs: kill it, which does the same.
      if (!stopping && child.exitCode === null) child.kill('SIGKILL');
      logger?.warn({ err: error, port }, 'embedded FerretDB did not come back');
      return;
    }
    if (stopping) return;
    logger?.info({ port, attempt: deaths.length }, 'embedded FerretDB restarted');
    options.onRestarted?.();
  };

  let child = launch();
  // If this process ends without a graceful stop (an uncaught error, process.exit), take FerretDB with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitForPing(uri, child, () => output, 20_000);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw error;
  }
  supervising = true;

  return {
    uri,
    pid: () => (child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      process.removeListener('exit', killOnExit);
      const running = child;
      if (running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
