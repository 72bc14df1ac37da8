// Certificate numbers: AJST-<year>-<80 random bits in base32, in four groups>, impossible to guess or enumerate.
import { randomBytes } from 'node:crypto';

// RFC 4648 base32: only capitals and digits 2–7, so no 0/O or 1/I confusion when a number is typed from paper.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The shape of every code this platform issues (compared after upper-casing). */
export const CERTIFICATE_CODE_PATTERN = /^AJST-\d{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/;

/** Base32 (RFC 4648, no padding) of bytes; 10 bytes give exactly 16 characters. */
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += ALPHABET[(value << (5 - bits)) & 31];
  return output;
}

/** A new certificate number for the given issue date, e.g. AJST-2026-K3QF-7RZB-2MXA-PL4D. */
export function newCertificateCode(issuedAt: Date = new Date()): string {
  const random = base32(randomBytes(10));
  return `AJST-${issuedAt.getUTCFullYear()}-${random.match(/.{4}/g)!.join('-')}`;
}

/**
 * The number as this platform writes it, from what a person typed or scanned: upper case, without spaces, with or
 * without the dashes (people copy numbers from paper in every way), and with a 0 or 1 read as O or I in the random
 * groups (base32 has neither digit, so the typist can only have meant the letter). Undefined when it cannot be one.
 */
export function normaliseCertificateCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 100) return undefined;
  const compact = input.toUpperCase().replace(/[\s\-\u2010-\u2015.]/g, '');
  const parts = /^AJST(\d{4})([A-Z0-9]{16})$/.exec(compact);
  if (!parts) return undefined;
  const random = parts[2].replace(/0/g, 'O').replace(/1/g, 'I');
  const code = `AJST-${parts[1]}-${random.match(/.{4}/g)!.join('-')}`;
  return CERTIFICATE_CODE_PATTERN.test(code) ? code : undefined;
}

/** The Polish path of the verification pages. */
export const VERIFICATION_PATH = '/weryfikacja';

/**
 * The path printed on certificates (and used as the Open Badge credential's id) before the Polish one: it keeps
 * answering, with a permanent redirect to the Polish page, for every certificate and badge already issued.
 */
export const LEGACY_VERIFICATION_PATH = '/verify';

/** The public verification page of a number: the Polish path printed on certificates since issue 19. */
export function verificationPath(code: string): string {
  return `${VERIFICATION_PATH}/${code}`;
}
