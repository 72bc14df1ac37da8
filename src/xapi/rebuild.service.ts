// Rebuilds every derived collection from the statement log: reset each projector, then replay in stored order.
import { setLrsFact } from './lrs-fact.model.js';
import { organisationsWithStatements, statementsOf } from './statement.model.js';
import type { Projector } from './projectors.js';
import type { StoredStatement } from './xapi.types.js';

const BATCH = 500;

/** Resets the platform's projectors and replays every statement of every organisation; returns the counts. */
export async function rebuildProjections(projectors: readonly Projector[]): Promise<{ projectors: string[]; statements: number }> {
  for (const projector of projectors) await projector.reset();
  let batch: StoredStatement[] = [];
  let statements = 0;
  const flush = async () => {
    // Each projector sees the batch in stored order; a failure stops the rebuild (unlike live recording).
    for (const projector of projectors) await projector.apply(batch);
    statements += batch.length;
    batch = [];
  };
  // Cross-tenant by design: a CLI replay of the whole log, office by office (each its own collection), each in
  // stored order; projectors keep per-office data, so the order between offices does not matter.
  for (const organisationId of await organisationsWithStatements()) {
    const log = await statementsOf(organisationId);
    let refs = false;
    const cursor = log.find({ organisationId }).sort({ stored: 1, _id: 1 }).select('json organisationId targetId').lean().cursor();
    for await (const doc of cursor) {
      refs ||= Boolean(doc.targetId);
      batch.push({ ...(JSON.parse(doc.json) as StoredStatement), organisationId });
      if (batch.length >= BATCH) await flush();
    }
    // The query side's marker (lrs-fact.model.ts) repaired too, should it ever be missing.
    if (refs) await setLrsFact(organisationId, 'statement-refs');
  }
  if (batch.length) await flush();
  return { projectors: projectors.map((projector) => projector.name), statements };
}
