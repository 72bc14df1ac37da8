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

/** Upper-cases and trims what a visitor typed or scanned; undefined when it cannot be one of our codes. */
export function normaliseCertificateCode(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const code = input.trim().toUpperCase();
  return CERTIFICATE_CODE_PATTERN.test(code) ? code : undefined;
}
