// Chooses the database (MONGODB_URI or the embedded FerretDB), connects mongoose, and disconnects.
import mongoose, { type ConnectOptions } from 'mongoose';
import type { Config } from '../config.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from './embedded-ferretdb.js';

export interface DatabaseHandle {
  /** 'mongodb' when MONGODB_URI was given, 'ferretdb' for the embedded default. */
  kind: 'mongodb' | 'ferretdb';
  uri: string;
  close(): Promise<void>;
}

/**
 * Connects mongoose to `uri` using database `dbName` (when given, overrides the URI's path). `options` are the
 * driver's (the tests watch every command with `monitorCommands`).
 */
export async function connectMongoose(uri: string, dbName?: string, options: ConnectOptions = {}): Promise<void> {
  mongoose.set('strictQuery', true);
  // Indexes are created by ensureIndexes() at start, not lazily while the first requests arrive.
  mongoose.set('autoIndex', false);
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 5_000, ...options });
}

/** Starts (if needed) and connects to the database the config asks for. */
export async function openDatabase(config: Config, dbName = 'akademia'): Promise<DatabaseHandle> {
  let embedded: EmbeddedFerretDb | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    embedded = await startEmbeddedFerretDb({ dataDir: config.DATA_DIR, binary: config.FERRETDB_BIN });
    uri = embedded.uri;
  }
  try {
    await connectMongoose(uri, config.MONGODB_URI ? undefined : dbName);
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
  if (!db || mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return false;
  try {
    await db.command({ ping: 1 });
    const probe = await db.collection('sessions').findOne({ _id: '__healthz-probe__' as never }, { projection: { _id: 1 } });
    return probe === null;
  } catch {
    return false;
  }
}
