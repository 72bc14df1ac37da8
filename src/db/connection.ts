// Chooses the database (MONGODB_URI or the embedded FerretDB), connects mongoose, and disconnects.
import mongoose from 'mongoose';
import type { Config } from '../config.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from './embedded-ferretdb.js';

export interface DatabaseHandle {
  /** 'mongodb' when MONGODB_URI was given, 'ferretdb' for the embedded default. */
  kind: 'mongodb' | 'ferretdb';
  uri: string;
  close(): Promise<void>;
}

/** Connects mongoose to `uri` using database `dbName` (when given, overrides the URI's path). */
export async function connectMongoose(uri: string, dbName?: string): Promise<void> {
  mongoose.set('strictQuery', true);
  // Indexes are created by ensureIndexes() at start, not lazily while the first requests arrive.
  mongoose.set('autoIndex', false);
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 5_000 });
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

/** True when the database answers a ping. */
export async function pingDatabase(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return false;
  try {
    await db.command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
