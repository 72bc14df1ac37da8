// The key of the platform's secret box: SECRETS_KEY, or outside production one kept in DATA_DIR.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import { SecretBox, decodeSecretsKey } from './secret-box.js';

/** Where the development key lives: next to the embedded database, whose sealed values it opens. */
export function secretsKeyFile(dataDir: string): string {
  return path.join(dataDir, 'secrets-key');
}

/**
 * The secret box under SECRETS_KEY when set (always in production: config refuses to start without it).
 * Otherwise under the key in DATA_DIR/secrets-key (64 hex characters, mode 0600), created on first use, as the
 * development session secret is (auth/session-secret.ts): the file access stays out of config.ts.
 */
export async function resolveSecretBox(config: Pick<Config, 'SECRETS_KEY' | 'DATA_DIR'>): Promise<SecretBox> {
  if (config.SECRETS_KEY) return new SecretBox(decodeSecretsKey(config.SECRETS_KEY)!);
  const file = secretsKeyFile(config.DATA_DIR);
  const existing = await readKey(file);
  if (existing) return new SecretBox(existing);
  await mkdir(config.DATA_DIR, { recursive: true });
  const key = randomBytes(32);
  try {
    // 'wx': two processes starting at once must not overwrite each other's key.
    await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return new SecretBox(key);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = await readKey(file);
    if (!written) throw new Error(`${file} does not hold a key (64 hex characters)`, { cause: error });
    return new SecretBox(written);
  }
}

async function readKey(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = decodeSecretsKey(text);
  // A damaged file is not replaced: a new key would leave every value sealed under the old one unopenable.
  if (!key) throw new Error(`${file} does not hold a key (64 hex characters); restore it from a backup`);
  return key;
}
