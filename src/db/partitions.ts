// Per-organisation collections: one model's documents split into a collection per office, same schema and indexes.
//
// Why: on the embedded FerretDB v1.24 (SQLite backend) only a filter that is exactly `{ _id: X }` reaches SQL;
// every other filter, sort or `$in` decodes every document of the collection in Go (about 1.6 s per 50,000
// documents). In one shared collection, one office's query would then cost as much as everything all offices
// ever stored. With a collection per office (`<base collection>_<organisation hex>`), a scan reads that office's
// documents only, so its cost does not grow when other offices grow. On FerretDB with PostgreSQL the same holds
// (its pushed-down `@>` filters are sequential scans of one table). On MongoDB every partition gets the schema's
// indexes, so queries are index reads as before; the split only costs one collection (a few files) per office.
import mongoose, { Types, type Collection, type Connection, type Schema } from 'mongoose';

/** What partitionOf needs from a model: a mongoose model compiled on a connection with a base collection. */
interface PartitionableModel {
  modelName: string;
  db: Connection;
  schema: Schema;
  collection: Pick<Collection, 'collectionName'>;
}

/** Partition models per collection name: built once per process (the model is bound to the connection, not a database). */
const models = new Map<string, PartitionableModel>();
/** Index creation per database and collection, started once per process; a failed attempt is forgotten and retried. */
const indexing = new Map<string, Promise<void>>();

const hexOf = (organisationId: string | Types.ObjectId) => {
  const hex = typeof organisationId === 'string' ? organisationId : organisationId.toHexString();
  // The name becomes a collection name: only a real ObjectId may go into it.
  if (!Types.ObjectId.isValid(hex) || !/^[0-9a-f]{24}$/.test(hex)) throw new Error(`Not an organisation id: ${hex}`);
  return hex;
};

/** The collection holding `model`'s documents of one organisation. */
export function partitionName(model: PartitionableModel, organisationId: string | Types.ObjectId): string {
  return `${model.collection.collectionName}_${hexOf(organisationId)}`;
}

/**
 * `model` bound to the collection of one organisation, with the same schema (and so the same hooks, the
 * tenant-scoping plugin included). The first use in a process (per database) creates the schema's indexes on
 * that collection (partitionIndexes), which also creates the collection: autoIndex is off (connection.ts), and ensureIndexes()
 * at start cannot know which offices exist. Concurrent first uses share one createIndexes call.
 */
export async function partitionOf<M extends PartitionableModel>(model: M, organisationId: string | Types.ObjectId): Promise<M> {
  const name = partitionName(model, organisationId);
  let partition = models.get(name);
  if (!partition) {
    // Mongoose's own way to one model on another collection, `connection.model(name, collection)`: a subclass
    // that is not registered under the model's name (so ensureIndexes(), which walks mongoose.models, never sees
    // it) and creates nothing by itself. Mongoose's types omit this documented two-argument form.
    const connection = model.db as unknown as { model(name: string, collection: string): PartitionableModel };
    partition = connection.model(model.modelName, name);
    models.set(name, partition);
  }
  const database = partition.db.name;
  const key = `${database}.${name}`;
  let ready = indexing.get(key);
  if (!ready) {
    ready = createIndexes(partition);
    indexing.set(key, ready);
    ready.catch(() => indexing.delete(key));
  }
  await ready;
  return partition as M;
}

/**
 * The schema's indexes but one on `organisationId` alone: in a partition every document has the same organisation,
 * so that index serves no query on any backend and only costs writes (on FerretDB no secondary index serves a
 * query at all; on MongoDB the compound ones that start with organisationId still order the scans).
 */
function partitionIndexes(partition: PartitionableModel): Array<[Record<string, 1 | -1>, Record<string, unknown>]> {
  const indexes = partition.schema.indexes() as Array<[Record<string, 1 | -1>, Record<string, unknown>]>;
  return indexes.filter(([fields]) => JSON.stringify(Object.keys(fields)) !== '["organisationId"]');
}

async function createIndexes(partition: PartitionableModel): Promise<void> {
  const collection = (partition as unknown as mongoose.Model<unknown>).collection;
  const create = async () => {
    // createIndexes on a missing collection creates it, so even a partition without secondary indexes exists.
    if (!partitionIndexes(partition).length) await collection.createIndex({ _id: 1 });
    for (const [fields, options] of partitionIndexes(partition)) await collection.createIndex(fields, options);
  };
  try {
    await create();
  } catch (error) {
    // Another process creating the same collection at the same moment can make FerretDB refuse one of the two
    // calls; the second attempt finds the collection and indexes there (index creation is idempotent).
    if ((error as { code?: number }).code === 11000 || /already exists/i.test(String((error as Error).message))) {
      await create();
      return;
    }
    throw error;
  }
}

/** Hex ids of the organisations that have a partition of `model` in the current database (cross-tenant: rebuilds, migrations). */
export async function partitionedOrganisations(model: PartitionableModel): Promise<string[]> {
  const db = model.db.db;
  if (!db) throw new Error('partitionedOrganisations needs an open database');
  const prefix = `${model.collection.collectionName}_`;
  // Names only, filtered here: FerretDB's listCollections filter support is narrower than MongoDB's.
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  return collections
    .map((collection) => collection.name)
    .filter((name) => name.startsWith(prefix) && /^[0-9a-f]{24}$/.test(name.slice(prefix.length)))
    .map((name) => name.slice(prefix.length))
    .sort();
}
