// Tells a database outage (unreachable, connection lost) apart from every other database error.
import mongoose from 'mongoose';

const { MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError, MongoNotConnectedError } = mongoose.mongo;

/** Names of the outage errors the driver does not export (pool cleared or closed, wait queue full) and mongoose's own. */
const OUTAGE_ERROR_NAMES = new Set(['MongoPoolClearedError', 'MongoPoolClosedError', 'MongoWaitQueueTimeoutError', 'MongooseServerSelectionError']);

/**
 * True when `error` (or what it wraps, as `cause`) says the database could not be reached or the connection was
 * lost: no server within the selection timeout, a closed or reset socket, a pool cleared by such a failure, a
 * client closed while stopping, or mongoose's buffering timing out before the first connection. These are
 * answered 503 with Retry-After, never 500: the request may succeed once the database is back.
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    if (
      current instanceof MongoNetworkError ||
      current instanceof MongoServerSelectionError ||
      current instanceof MongoTopologyClosedError ||
      current instanceof MongoNotConnectedError
    ) {
      return true;
    }
    const { name, message } = current as { name?: unknown; message?: unknown };
    if (typeof name === 'string' && OUTAGE_ERROR_NAMES.has(name)) return true;
    if (name === 'MongooseError' && typeof message === 'string' && /buffering timed out/.test(message)) return true;
  }
  return false;
}
