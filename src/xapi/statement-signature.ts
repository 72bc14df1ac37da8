// Signed statements (spec Data 2.6): the JWS attachment must be well formed, RS256/384/512, match the statement.
import { isDeepStrictEqual } from 'node:util';
import { compactVerify, decodeProtectedHeader, importX509 } from 'jose';
import { BadRequestError } from '../http/errors.js';

export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];

type Loose = Record<string, unknown>;

/** What counts for comparing the signed payload with the statement: not what the LRS or the signing added. */
function comparableForSignature(statement: Loose, keepId: boolean): Loose {
  const { stored: _s, authority: _a, version: _v, attachments: _at, id, ...rest } = statement;
  const copy = JSON.parse(JSON.stringify(rest)) as Loose;
  if (keepId && typeof id === 'string') copy.id = id.toLowerCase();
  if (typeof copy.timestamp === 'string') copy.timestamp = Date.parse(copy.timestamp);
  const context = copy.context as Loose | undefined;
  if (context?.contextActivities) {
    context.contextActivities = Object.fromEntries(Object.entries(context.contextActivities as Loose).map(([key, list]) => [key, Array.isArray(list) ? list : [list]]));
  }
  return copy;
}

/**
 * Checks a statement's signature attachment, whose content is `jws` (JWS compact serialisation).
 * Throws BadRequestError when it is malformed, uses another algorithm, does not match the statement,
 * or fails verification against the X.509 certificate in its header.
 */
export async function checkSignature(statement: Loose, contentType: string, jws: string, index: number): Promise<void> {
  const fail = (why: string) => new BadRequestError(`Statement at index ${index}: malformed signature — ${why}.`);
  if (contentType.split(';')[0].trim().toLowerCase() !== 'application/octet-stream') throw fail('the signature attachment must have contentType application/octet-stream');
  const segments = jws.trim().split('.');
  if (segments.length !== 3) throw fail('expected a JWS compact serialisation (three dot-separated parts)');
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: unknown;
  try {
    header = decodeProtectedHeader(jws.trim());
    payload = JSON.parse(Buffer.from(segments[1], 'base64url').toString('utf8'));
  } catch {
    throw fail('the JWS header or payload cannot be decoded');
  }
  if (!header.alg || !ALGORITHMS.includes(header.alg)) throw fail(`the algorithm must be RS256, RS384 or RS512 (got ${String(header.alg)})`);
  if (typeof payload !== 'object' || payload === null) throw fail('the payload is not a statement');
  const signed = payload as Loose;
  if (!isDeepStrictEqual(comparableForSignature(signed, signed.id !== undefined), comparableForSignature(statement, signed.id !== undefined))) {
    throw fail('the signed statement differs from the statement sent');
  }
  if (Array.isArray(header.x5c) && header.x5c.length) {
    try {
      const key = await importX509(`-----BEGIN CERTIFICATE-----\n${header.x5c[0]}\n-----END CERTIFICATE-----`, header.alg);
      await compactVerify(jws.trim(), key);
    } catch {
      throw fail('the signature does not verify against the certificate in its x5c header');
    }
  }
}
