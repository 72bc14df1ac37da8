// Records the filters of the queries the app sends, to check which reads a page makes (FerretDB serves only `{_id: X}` from an index).
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';

export interface RecordedQuery {
  command: string;
  collection: string;
  filter: Record<string, unknown>;
}

/** Runs `work` and returns the filter of every find, count, distinct, findAndModify, aggregate, update and delete sent meanwhile (needs monitorCommands, as useTestDatabase sets). */
export async function recordQueries(work: () => Promise<unknown>): Promise<RecordedQuery[]> {
  const recorded: RecordedQuery[] = [];
  const listener = (event: CommandStartedEvent) => {
    const command = event.command as Record<string, unknown>;
    const collection = String(command[event.commandName]);
    if (event.commandName === 'find' || event.commandName === 'count')
      recorded.push({ command: event.commandName, collection, filter: (command.filter ?? command.query ?? {}) as Record<string, unknown> });
    if (event.commandName === 'update' || event.commandName === 'delete') {
      for (const op of (command.updates ?? command.deletes ?? []) as Array<{ q: Record<string, unknown> }>) recorded.push({ command: event.commandName, collection, filter: op.q });
    }
  };
  const client = mongoose.connection.getClient();
  client.on('commandStarted', listener);
  try {
    await work();
  } finally {
    client.off('commandStarted', listener);
  }
  return recorded;
}

/** True for a filter FerretDB's SQLite backend answers from its index: exactly one key, `_id`, with a plain value. */
export function isIdLookup(filter: Record<string, unknown>): boolean {
  const keys = Object.keys(filter);
  const id = filter._id;
  return keys.length === 1 && keys[0] === '_id' && (typeof id === 'string' || (typeof id === 'object' && id !== null && !Object.keys(id).some((key) => key.startsWith('$'))));
}
