// Loads (or creates, once) the platform's Ed25519 signing key, its private half sealed in the database, and publishes the public half as a JWKS.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import mongoose from 'mongoose';
import { SecretBoxError, type SecretBox } from '../secrets/secret-box.js';
import { SigningKey } from './signing-key.model.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

const KEY_ID = 'open-badges-ed25519';
export const SIGNING_ALGORITHM = 'EdDSA';
/** What the sealed private key is for (the secret box binds it to this). */
const SEALED_PURPOSE = 'open-badges-signing-key';

export interface PlatformSigningKey {
  kid: string;
  publicJwk: JWK;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** The stored key cannot be used: opening it with SECRETS_KEY failed. The message says what to do. */
export class SigningKeyError extends Error {}

interface StoredKey {
  kid: string;
  publicJwk: string;
  sealedPrivateJwk?: string | null;
  privateJwk?: string | null;
}

/**
 * The platform's badge signing key (one per installation), through the platform's secret box: the private
 * JWK is stored sealed, and one stored in clear by an earlier version is sealed on first load. A key that does
 * not open is an error, never a reason to make a new one: every badge issued so far would stop verifying.
 */
export class BadgeSigningKeys {
  // Per database, because tests give each file its own database within one process.
  readonly #loaded = new Map<string, Promise<PlatformSigningKey>>();

  constructor(private readonly box: SecretBox) {}

  /** The signing key, generated and stored on first use; loaded once per database. */
  current(): Promise<PlatformSigningKey> {
    const database = mongoose.connection.name;
    let key = this.#loaded.get(database);
    if (!key) {
      key = this.loadOrCreate().catch((error: unknown) => {
        this.#loaded.delete(database); // a database hiccup must not poison the cache for the life of the process
        throw error;
      });
      this.#loaded.set(database, key);
    }
    return key;
  }

  /** The JSON Web Key Set served at /.well-known/jwks.json. */
  async publicJwks(): Promise<{ keys: JWK[] }> {
    const key = await this.current();
    return { keys: [key.publicJwk] };
  }

  private async loadOrCreate(): Promise<PlatformSigningKey> {
    const stored = await SigningKey.findById(KEY_ID).lean<StoredKey>();
    if (stored) return this.fromStored(stored);
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const publicEntry = { ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const sealedPrivateJwk = this.box.seal(JSON.stringify({ ...(await exportJWK(privateKey)), kid }), SEALED_PURPOSE);
    try {
      await SigningKey.create({ _id: KEY_ID, kid, publicJwk: JSON.stringify(publicEntry), sealedPrivateJwk });
    } catch (error) {
      // Another instance created the key at the same moment: the unique _id kept one, so use that one.
      if (!isDuplicateKeyError(error)) throw error;
      return this.fromStored((await SigningKey.findById(KEY_ID).lean<StoredKey>())!);
    }
    return { kid, publicJwk: publicEntry, privateKey, publicKey };
  }

  private async fromStored(stored: StoredKey): Promise<PlatformSigningKey> {
    let privateJwk: string;
    if (stored.sealedPrivateJwk) {
      try {
        privateJwk = this.box.open(stored.sealedPrivateJwk, SEALED_PURPOSE);
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        throw new SigningKeyError(
          `The Open Badges signing key in the database cannot be opened with this SECRETS_KEY: ${error.message}. ` +
            'Start with the SECRETS_KEY it was sealed under; a new key would make every badge issued so far unverifiable.',
          { cause: error },
        );
      }
    } else if (stored.privateJwk) {
      privateJwk = stored.privateJwk;
      // Stored in clear by an earlier version: sealed now, and the clear copy removed in the same update. Two
      // instances doing it at once each write a value sealed under the same key, so either result opens.
      await SigningKey.updateOne({ _id: KEY_ID }, { $set: { sealedPrivateJwk: this.box.seal(privateJwk, SEALED_PURPOSE) }, $unset: { privateJwk: 1 } });
    } else {
      throw new SigningKeyError('The Open Badges signing key in the database has no private half; restore the signingkeys collection from a backup.');
    }
    const publicJwk = JSON.parse(stored.publicJwk) as JWK;
    return {
      kid: stored.kid,
      publicJwk,
      privateKey: (await importJWK(JSON.parse(privateJwk) as JWK, SIGNING_ALGORITHM)) as CryptoKey,
      publicKey: (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey,
    };
  }
}
