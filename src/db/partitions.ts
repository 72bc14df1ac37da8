// Per-organisation collections ("partitions"): one office's documents in a collection of their own.
import mongoose, { type Model, type Schema, type Types } from 'mongoose';

/**
 * FerretDB's SQLite backend pushes only `{_id: X}` down to SQL: any other filter decodes every document of the
 * collection, every office's. A collection that holds one office's documents keeps such a scan to that office's
 * own data, so an office's pages cost the same however many other offices the installation serves. MongoDB gets the
 * same indexes on each partition, so the same code is fast there too.
 */
const models = new Map<string, Model<unknown>>();
/** Index builds started, per database and partition (tests and tools open several databases in one process). */
const indexBuilds = new Map<string, Promise<unknown>>();

/** The model of `model`'s documents of one organisation: the collection `<collection>_<organisation hex>`. */
export function partitionOf<M extends { modelName: string; schema: Schema; collection: { collectionName: string } }>(model: M, organisationId: string | Types.ObjectId): M {
  const organisation = String(organisationId);
  if (!/^[0-9a-f]{24}$/.test(organisation)) throw new Error(`Not an organisation id: ${organisation}`);
  const name = `${model.modelName}_${organisation}`;
  let bound = models.get(name);
  if (!bound) {
    bound = (mongoose.models[name] ?? mongoose.model(name, model.schema, `${model.collection.collectionName}_${organisation}`)) as Model<unknown>;
    models.set(name, bound);
  }
  // autoIndex is off (connection.ts): the partition's indexes are built on its first use in this database.
  const build = `${mongoose.connection.name}/${name}`;
  if (!indexBuilds.has(build)) {
    const started = bound.createIndexes();
    indexBuilds.set(build, started);
    // A failed build is tried again on the next use; it must not reject unobserved.
    started.catch(() => indexBuilds.delete(build));
  }
  return bound as unknown as M;
}
