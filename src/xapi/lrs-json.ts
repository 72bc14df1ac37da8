// Parses JSON from LRS clients within the limits the store can handle: nesting depth and the size of one stored record.
import { BadRequestError, PayloadTooLargeError } from '../http/errors.js';

/** Deepest nesting of objects and arrays a client may send; statements need about 8, extensions get the rest. */
export const MAX_JSON_DEPTH = 64;

/**
 * Largest document or attachment the LRS stores, in bytes. MongoDB and FerretDB refuse records over 16 MiB,
 * which came back as a 500 (issue 10, finding 11); this leaves room for the record's other fields.
 */
export const MAX_DOCUMENT_BYTES = 15 * 1024 * 1024;
/** Largest single statement (its JSON): the stored record also holds its index keys, up to about as much again. */
export const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/**
 * Throws a 400 when `text` nests objects or arrays deeper than `maxDepth`. One pass with a counter instead of
 * a recursive walk, so the check itself cannot overflow the stack (JSON.stringify and zod later would).
 */
export function checkJsonDepth(text: string, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index += 1;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth += 1;
      if (depth > maxDepth) throw new BadRequestError(`The JSON body nests objects and arrays deeper than the ${maxDepth} levels this LRS accepts.`);
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      depth -= 1;
    }
  }
}

/** JSON.parse after the depth check; invalid JSON is a 400 that starts with `what`. */
export function parseClientJson(text: string, what = 'The body'): unknown {
  checkJsonDepth(text);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;

/** Throws a 413 when one record (a statement's JSON, a document, an attachment) is larger than `limit`. */
export function checkRecordSize(bytes: number, what: string, limit = MAX_DOCUMENT_BYTES): void {
  if (bytes > limit) throw new PayloadTooLargeError(`${what} is ${megabytes(bytes)}; this LRS stores at most ${megabytes(limit)} in one.`);
}
