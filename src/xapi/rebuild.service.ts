// Rebuilds every derived collection from the statement log: reset each projector, then replay in stored order.
import { XapiStatement } from './statement.model.js';
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
  // Cross-tenant by design: a CLI replay of the whole log; each statement carries its own organisationId onward.
  const cursor = XapiStatement.find({}).setOptions({ acrossOrganisations: true }).sort({ stored: 1, _id: 1 }).select('json organisationId').lean().cursor();
  for await (const doc of cursor) {
    batch.push({ ...(JSON.parse(doc.json) as StoredStatement), organisationId: String((doc as { organisationId?: unknown }).organisationId) });
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return { projectors: projectors.map((projector) => projector.name), statements };
}
