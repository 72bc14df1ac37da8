// Signed statements (spec Data 2.6): the JWS attachment must be well formed, RS256/384/512, match the statement.
import { X509Certificate, verify } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { decodeProtectedHeader } from 'jose';
import { BadRequestError } from '../http/errors.js';

export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';
/** Data 2.6.s4.b4: the "RSA + SHA" JWS algorithms, with the digest each uses (RFC 7518 §3.3). */
const DIGESTS = new Map([
  ['RS256', 'sha256'],
  ['RS384', 'sha384'],
  ['RS512', 'sha512'],
]);

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
export function checkSignature(statement: Loose, contentType: string, jws: string, index: number): void {
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
  const digest = typeof header.alg === 'string' ? DIGESTS.get(header.alg) : undefined;
  if (!digest) throw fail(`the algorithm must be RS256, RS384 or RS512 (got ${String(header.alg)})`);
  if (typeof payload !== 'object' || payload === null) throw fail('the payload is not a statement');
  const signed = payload as Loose;
  if (!isDeepStrictEqual(comparableForSignature(signed, signed.id !== undefined), comparableForSignature(statement, signed.id !== undefined))) {
    throw fail('the signed statement differs from the statement sent');
  }
  if (header.x5c !== undefined) verifyAgainstCertificate(segments, header.x5c, digest, fail);
}

/**
 * Data 2.6.s5.b3.b3: the signature checked against the first (signing) certificate of x5c. With node:crypto rather
 * than jose, which refuses RSA keys under 2048 bits: the spec's own example (Appendix D) is signed with a 1024-bit
 * key, and the check is there to catch mistakes, not as a security measure (2.6 note), so the key size, the
 * certificate's validity dates and its chain are not judged.
 */
function verifyAgainstCertificate(segments: string[], x5c: unknown, digest: string, fail: (why: string) => BadRequestError): void {
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((entry) => typeof entry === 'string')) {
    throw fail('the x5c header must be an array of base64 DER certificates, the signing certificate first');
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(x5c[0], 'base64'));
  } catch {
    throw fail('the first certificate of the x5c header cannot be read');
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') throw fail('the certificate in the x5c header must hold an RSA key for RS256, RS384 or RS512');
  const valid = verify(digest, Buffer.from(`${segments[0]}.${segments[1]}`, 'ascii'), certificate.publicKey, Buffer.from(segments[2], 'base64url'));
  if (!valid) throw fail('the signature does not verify against the certificate in its x5c header');
}
