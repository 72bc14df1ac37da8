// Gives each test file its own database on the run's server, and drops it afterwards.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { connectMongoose, ensureIndexes } from '../../src/db/connection.js';

/**
 * Registers before/after hooks that connect mongoose to a fresh database named after the file, on the run's server
 * or, with `options.uri`, on a server of the file's own (the outage tests kill theirs).
 */
export function useTestDatabase(fileUrl: string, options: { uri?: () => string } = {}): { dbName: () => string } {
  const base = path.basename(new URL(fileUrl).pathname).replace(/\W+/g, '_').slice(0, 30);
  const dbName = `t_${base}_${randomBytes(3).toString('hex')}`;
  const unacknowledged: string[] = [];
  before(async function () {
    this.timeout(30_000);
    const uri = options.uri?.() ?? process.env.TEST_DATABASE_URI;
    if (!uri) throw new Error('TEST_DATABASE_URI is not set: run the tests with `npm test` (mocha root hooks start the database).');
    // Every command of the file is watched: an unacknowledged write (w: 0) is answered by FerretDB anyway and
    // shifts every later reply on its pooled connection, so none may ever be sent (issue 10).
    await connectMongoose(uri, dbName, { monitorCommands: true });
    mongoose.connection.getClient().on('commandStarted', (event) => {
      const writeConcern = (event.command as { writeConcern?: { w?: unknown } }).writeConcern;
      if (writeConcern?.w === 0) unacknowledged.push(`${event.commandName} on ${String(event.command[event.commandName])}`);
    });
    await ensureIndexes();
  });
  after(async function () {
    this.timeout(30_000);
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
    expect(unacknowledged, `unacknowledged writes (w: 0) were sent by ${base}`).to.deep.equal([]);
  });
  return { dbName: () => dbName };
}

/** Deletes every document in every collection of the current test database (between tests). */
export async function clearCollections(): Promise<void> {
  const db = mongoose.connection.db;
  if (!db) return;
  for (const collection of await db.collections()) {
    await collection.deleteMany({});
  }
}
