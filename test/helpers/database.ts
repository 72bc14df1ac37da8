// Gives each test file its own database on the run's server, and drops it afterwards.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectMongoose, ensureIndexes } from '../../src/db/connection.js';

/** Registers before/after hooks that connect mongoose to a fresh database named after the file. */
export function useTestDatabase(fileUrl: string): { dbName: () => string } {
  const base = path.basename(new URL(fileUrl).pathname).replace(/\W+/g, '_').slice(0, 30);
  const dbName = `t_${base}_${randomBytes(3).toString('hex')}`;
  before(async function () {
    this.timeout(30_000);
    const uri = process.env.TEST_DATABASE_URI;
    if (!uri) throw new Error('TEST_DATABASE_URI is not set: run the tests with `npm test` (mocha root hooks start the database).');
    await connectMongoose(uri, dbName);
    await ensureIndexes();
  });
  after(async function () {
    this.timeout(30_000);
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
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
