// One-off start-up work ("migrations", back-fills): done once per database, marked when it has finished.
import mongoose from 'mongoose';
import { isDuplicateKeyError } from './database-errors.js';

/**
 * Runs `work` unless a marker in `markerCollection` (the room's own, e.g. `learning_migrations`; `_id` = the
 * migration's name) says it finished before, then writes the marker. The marker is written only after
 * `work` resolved, so a process killed midway runs it again at the next start: `work` must be idempotent. Two
 * instances starting at once may both run it (both idempotent runs agree). A finished migration costs later starts
 * one `_id` look-up.
 */
export async function runOnce<T>(markerCollection: string, name: string, work: () => Promise<T>): Promise<T | undefined> {
  const db = mongoose.connection.db;
  if (!db) throw new Error(`Migration ${name} needs an open database`);
  const markers = db.collection<{ _id: string; doneAt: Date }>(markerCollection);
  if (await markers.findOne({ _id: name })) return undefined;
  const result = await work();
  try {
    await markers.updateOne({ _id: name }, { $set: { doneAt: new Date() } }, { upsert: true });
  } catch (error) {
    // Two instances finishing at once both upsert the marker; on FerretDB the second upsert fails on the key: it is there.
    if (!isDuplicateKeyError(error)) throw error;
  }
  return result;
}
