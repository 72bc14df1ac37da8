// Seals the secrets the platform keeps in its database (AES-256-GCM under SECRETS_KEY), so a copy of the database alone reveals none.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Marks a sealed value and its format: `sb1.<key id>.<iv>.<tag>.<ciphertext>`, base64url parts. */
const FORMAT = 'sb1';

/**
 * The 32 bytes of a SECRETS_KEY written as 64 hex characters or as base64 (44 characters, `openssl rand
 * -base64 32`), or undefined when it is neither. Pure, so that config.ts can validate with it.
 */
export function decodeSecretsKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === KEY_BYTES ? bytes : undefined;
  }
  return undefined;
}

/** A sealed value that cannot be opened: sealed under another key, altered, or not a sealed value at all. */
export class SecretBoxError extends Error {}

/**
 * Seals and opens short secrets (a private key, a directory password) with one 32-byte key. Each value is
 * bound to its purpose (authenticated data), so a sealed value copied into another field does not open there.
 * A sealed value names its key by a fingerprint (an HMAC of the key, which reveals nothing of it), so opening
 * under the wrong key says so instead of failing as "corrupt".
 */
export class SecretBox {
  /** The key's fingerprint (16 hex characters), stored with every value it seals. */
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretBoxError(`a secret box key has ${KEY_BYTES} bytes, not ${key.length}`);
    this.#key = Buffer.from(key);
    this.keyId = createHmac('sha256', this.#key).update('akademia-jst secret box key id').digest('hex').slice(0, 16);
  }

  /** Whether `value` is in the sealed format (whatever key sealed it). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${FORMAT}.`);
  }

  /** Encrypts `plaintext` for `purpose` (e.g. `open-badges-signing-key`) under a fresh random IV. */
  seal(plaintext: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, this.keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** Decrypts what seal() gave for the same `purpose`; SecretBoxError when it cannot (the message says why). */
  open(sealed: string, purpose: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new SecretBoxError(`not a sealed ${purpose} (expected the ${FORMAT} format)`);
    const [, keyId, iv, tag, ciphertext] = parts;
    if (keyId !== this.keyId) {
      throw new SecretBoxError(`the ${purpose} was sealed under another SECRETS_KEY (key id ${keyId}; the key given has id ${this.keyId})`);
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(purpose, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretBoxError(`the sealed ${purpose} does not open: it was altered, or sealed for another purpose`, { cause: error });
    }
  }
}
