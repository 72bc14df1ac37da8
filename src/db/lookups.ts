// Reading many documents by `_id`, one look-up each: the only read FerretDB's SQLite backend serves from an index.
import type { Types } from 'mongoose';

type Id = Types.ObjectId | string;

/**
 * Most look-ups in flight at once: a page reading hundreds of documents must not hold every pooled connection
 * (issue 10, finding 3: one request starving the others).
 */
export const LOOKUP_CONCURRENCY = 20;

/** Runs `work` over `items`, at most `concurrency` at a time; results in the order of `items`. */
export async function mapConcurrently<T, R>(items: readonly T[], work: (item: T) => Promise<R>, concurrency = LOOKUP_CONCURRENCY): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * The documents with these ids (missing ones left out), each read by `lookup`, which must filter on exactly
 * `{_id: X}` (Model.findById): on FerretDB's SQLite backend `{_id: {$in: ids}}` decodes the whole collection, while
 * `{_id: X}` is one index look-up. In the order of `ids`.
 */
export async function findEachById<T>(ids: readonly Id[], lookup: (id: Id) => PromiseLike<T | null>): Promise<T[]> {
  const docs = await mapConcurrently(ids, (id) => Promise.resolve(lookup(id)));
  return docs.filter((doc): doc is Awaited<T> => doc !== null);
}
