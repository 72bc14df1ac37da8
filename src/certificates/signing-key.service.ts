// Loads (or creates, once) the platform's Ed25519 signing key and publishes its public half as a JWKS.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import mongoose from 'mongoose';
import { SigningKey } from './signing-key.model.js';

const KEY_ID = 'open-badges-ed25519';
export const SIGNING_ALGORITHM = 'EdDSA';

export interface PlatformSigningKey {
  kid: string;
  publicJwk: JWK;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

// Per database, because tests give each file its own database within one process.
const cache = new Map<string, Promise<PlatformSigningKey>>();

async function fromStored(stored: { kid: string; publicJwk: string; privateJwk: string }): Promise<PlatformSigningKey> {
  const publicJwk = JSON.parse(stored.publicJwk) as JWK;
  return {
    kid: stored.kid,
    publicJwk,
    privateKey: (await importJWK(JSON.parse(stored.privateJwk) as JWK, SIGNING_ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey,
  };
}

async function loadOrCreate(): Promise<PlatformSigningKey> {
  const stored = await SigningKey.findById(KEY_ID).lean();
  if (stored) return fromStored(stored);
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const publicEntry = { ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  try {
    await SigningKey.create({ _id: KEY_ID, kid, publicJwk: JSON.stringify(publicEntry), privateJwk: JSON.stringify({ ...(await exportJWK(privateKey)), kid }) });
  } catch (error) {
    // Another process created the key at the same moment: the unique _id kept one, so use that one.
    if ((error as { code?: number }).code !== 11000) throw error;
    return fromStored((await SigningKey.findById(KEY_ID).lean())!);
  }
  return { kid, publicJwk: publicEntry, privateKey, publicKey };
}

/** The platform's signing key, generated and stored in the database on first use; cached per process. */
export function platformSigningKey(): Promise<PlatformSigningKey> {
  const database = mongoose.connection.name;
  let key = cache.get(database);
  if (!key) {
    key = loadOrCreate().catch((error: unknown) => {
      cache.delete(database); // a database hiccup must not poison the cache for the life of the process
      throw error;
    });
    cache.set(database, key);
  }
  return key;
}

/** The JSON Web Key Set served at /.well-known/jwks.json. */
export async function publicJwks(): Promise<{ keys: JWK[] }> {
  const key = await platformSigningKey();
  return { keys: [key.publicJwk] };
}
