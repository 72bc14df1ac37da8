// The secret that signs session cookies and CSRF tokens: SESSION_SECRET, or outside production one kept in DATA_DIR.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';

/** Where the development secret lives: next to the embedded database, so both survive a restart together. */
export function sessionSecretFile(dataDir: string): string {
  return path.join(dataDir, 'session-secret');
}

/**
 * SESSION_SECRET when set (always in production: config refuses to start without it). Otherwise the secret in
 * DATA_DIR/session-secret, created on first use (32 random bytes, hex, mode 0600), so that restarting a
 * development server keeps everyone signed in. Kept out of config.ts on purpose: config reads the environment
 * only and stays a pure function; this is the one file access, done once by createPlatform.
 */
export async function resolveSessionSecret(config: Pick<Config, 'SESSION_SECRET' | 'DATA_DIR'>): Promise<string> {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  const file = sessionSecretFile(config.DATA_DIR);
  const existing = await readSecret(file);
  if (existing) return existing;
  await mkdir(config.DATA_DIR, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    // 'wx': two processes starting at once (server and a script) must not overwrite each other's secret.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = await readSecret(file);
    if (!written) throw new Error(`${file} is empty or shorter than 32 characters: delete it to have a new one created`, { cause: error });
    return written;
  }
}

async function readSecret(file: string): Promise<string | undefined> {
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    return secret.length >= 32 ? secret : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
