// Chooses the database (MONGODB_URI or the embedded FerretDB), connects mongoose, and disconnects.
import mongoose, { type ConnectOptions } from 'mongoose';
import type { Config } from '../config.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb, type SupervisorLogger } from './embedded-ferretdb.js';

export interface DatabaseHandle {
  /** 'mongodb' when MONGODB_URI was given, 'ferretdb' for the embedded default. */
  kind: 'mongodb' | 'ferretdb';
  uri: string;
  close(): Promise<void>;
}

/**
 * How long an operation waits for a reachable server before it fails (MongoServerSelectionError, answered 503 by
 * the error handlers). The driver's 30 s default (5 s here before) held every request of a database outage that
 * long; MONGODB_SERVER_SELECTION_TIMEOUT_MS overrides it.
 */
export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 1_500;

/**
 * Connects mongoose to `uri` using database `dbName` (when given, overrides the URI's path). `options` are the
 * driver's (the tests watch every command with `monitorCommands`).
 */
export async function connectMongoose(uri: string, dbName?: string, options: ConnectOptions = {}): Promise<void> {
  mongoose.set('strictQuery', true);
  // Indexes are created by ensureIndexes() at start, not lazily while the first requests arrive.
  mongoose.set('autoIndex', false);
  // The driver reconnects by itself after an outage (it re-checks the server whenever an operation waits for
  // one, and every heartbeat); nothing here needs to call connect() again.
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: DEFAULT_SERVER_SELECTION_TIMEOUT_MS, ...options });
}

/** What opening the database reports to, and whom it tells when the embedded database cannot be kept alive. */
export interface OpenDatabaseHooks {
  /** Deaths and restarts of the embedded FerretDB are logged here. */
  logger?: SupervisorLogger;
  /** The embedded FerretDB keeps dying (see startEmbeddedFerretDb): the server exits non-zero. */
  onGiveUp?: (reason: Error) => void;
}

/** Starts (if needed) and connects to the database the config asks for; the embedded FerretDB is supervised. */
export async function openDatabase(config: Config, dbName = 'akademia', hooks: OpenDatabaseHooks = {}): Promise<DatabaseHandle> {
  let embedded: EmbeddedFerretDb | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    embedded = await startEmbeddedFerretDb({
      dataDir: config.DATA_DIR,
      binary: config.FERRETDB_BIN,
      logger: hooks.logger,
      onGiveUp: hooks.onGiveUp,
      // The pool would otherwise notice only at its next heartbeat (up to 10 s) or the next request.
      onRestarted: () => void probeDatabase(),
    });
    uri = embedded.uri;
  }
  try {
    await connectMongoose(uri, config.MONGODB_URI ? undefined : dbName, { serverSelectionTimeoutMS: config.MONGODB_SERVER_SELECTION_TIMEOUT_MS });
    await ensureIndexes();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    kind: embedded ? 'ferretdb' : 'mongodb',
    uri,
    async close() {
      await mongoose.disconnect();
      await embedded?.stop();
    },
  };
}

/** Creates the indexes every registered model declares (unique ones above all). */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createIndexes();
  }
}

/**
 * True when the database answers as requests need it to: a ping, then a real query through the same pool
 * (a look-up by `_id` that must find nothing). A ping alone passed while every query failed with crossed
 * replies (issue 10), so the query's answer is checked too.
 */
export async function pingDatabase(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) return false;
  // Known to be down: answer at once rather than after the server selection timeout, and let one probe in the
  // background make the driver look again, so the state recovers as soon as the database is back.
  if (!isDatabaseConnected()) {
    void probeDatabase();
    return false;
  }
  try {
    await db.command({ ping: 1 });
    const probe = await db.collection('sessions').findOne({ _id: '__healthz-probe__' as never }, { projection: { _id: 1 } });
    return probe === null;
  } catch {
    return false;
  }
}

/**
 * Whether the driver currently sees the database (mongoose's readyState follows the driver's view of the server:
 * a failed operation or heartbeat makes it `disconnected`, the next successful check `connected` again).
 */
export function isDatabaseConnected(): boolean {
  return mongoose.connection.readyState === mongoose.ConnectionStates.connected;
}

let probing: Promise<boolean> | undefined;

/**
 * One ping at a time, resolving true when it was answered. An operation waiting for a server makes the driver check
 * it at once (instead of at the next heartbeat), so a probe is how a 503 answered from the known state also
 * brings the state back once the database returns.
 */
export function probeDatabase(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) return Promise.resolve(false);
  probing ??= db
    .command({ ping: 1 })
    .then(
      () => true,
      () => false,
    )
    .finally(() => {
      probing = undefined;
    });
  return probing;
}
