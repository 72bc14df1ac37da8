// Tells a database outage (unreachable, connection lost) apart from every other database error.
import mongoose from 'mongoose';

const { MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError, MongoNotConnectedError } = mongoose.mongo;

/** Names of the outage errors the driver does not export (pool cleared or closed, wait queue full) and mongoose's own. */
const OUTAGE_ERROR_NAMES = new Set(['MongoPoolClearedError', 'MongoPoolClosedError', 'MongoWaitQueueTimeoutError', 'MongooseServerSelectionError']);

/**
 * Socket errors the driver lets through unwrapped: writing a command to a connection the dying server had just
 * closed rejects with Node's own EPIPE (seen in the kill -9 fault test). Nothing else a request awaits opens sockets
 * (mail is only queued), so on this path they mean the database connection.
 */
const SOCKET_ERROR_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ENOTCONN']);

/**
 * True when `error` (or what it wraps: `cause`, or the `errorResponse` of a bulk write such as insertMany) says the
 * database could not be reached or the connection was lost: no server within the selection timeout, a closed or
 * reset socket (the driver's error or Node's own EPIPE), a pool cleared by such a failure, a client closed while stopping, or mongoose's buffering timing
 * out. These are answered 503 with Retry-After, never 500: the request may succeed once the database is back.
 */
export function isDatabaseUnavailableError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError || error instanceof MongoTopologyClosedError || error instanceof MongoNotConnectedError) {
    return true;
  }
  const { name, message, code, cause, errorResponse } = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errorResponse?: unknown };
  if (typeof name === 'string' && OUTAGE_ERROR_NAMES.has(name)) return true;
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) return true;
  if (name === 'MongooseError' && typeof message === 'string' && /buffering timed out/.test(message)) return true;
  // A bulk write whose connection closed reports the network error as its errorResponse (issue 10's fault test).
  return isDatabaseUnavailableError(cause, depth + 1) || isDatabaseUnavailableError(errorResponse, depth + 1);
}

/**
 * True for a unique-index violation (E11000): the way claims, upserts and unique keys tell "someone else was
 * first" on both MongoDB and FerretDB.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number } | undefined)?.code === 11000;
}
