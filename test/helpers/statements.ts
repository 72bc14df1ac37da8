// Reads the statement log in tests: one office's (statementsOf) or, where a test does not know the office, every office's.
import { organisationsWithStatements, statementsOf, type StatementRecord } from '../../src/xapi/statement.model.js';

type StoredRecord = StatementRecord & { _id: string };

/** The statements matching `filter` in every office's log, in stored order (a test's view across offices). */
export async function statementsAnywhere(filter: Record<string, unknown> = {}): Promise<StoredRecord[]> {
  const found: StoredRecord[] = [];
  for (const organisationId of await organisationsWithStatements()) {
    const statements = await statementsOf(organisationId);
    found.push(...((await statements.find({ ...filter, organisationId }).lean()) as StoredRecord[]));
  }
  return found.sort((a, b) => a.stored.getTime() - b.stored.getTime() || a._id.localeCompare(b._id));
}
