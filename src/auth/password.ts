// Password hashing (bcrypt, cost 12, off the event loop) and the rule every new password must meet.
import bcrypt from 'bcrypt';

/** bcrypt work factor for new passwords; stored hashes carry their own cost, so raising it later is safe. */
export const PASSWORD_COST = 12;
export const PASSWORD_MIN_LENGTH = 12;

/**
 * At most this many hashes (or checks) run at once: half of libuv's thread pool (4 threads by default), where the
 * native bcrypt works and which file reads, DNS look-ups and zlib share, so twelve sign-ups at once cannot take
 * all of it. Process-wide on purpose, like the pool it protects. The rest wait their turn in order.
 */
const MAX_CONCURRENT_HASHES = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function inHashingTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line (running stays the same), or is freed.
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

/** Hashes a password (cost 12 unless a test factory asks for less); `$2b$` hashes. */
export async function hashPassword(password: string, cost = PASSWORD_COST): Promise<string> {
  return inHashingTurn(() => bcrypt.hash(password, cost));
}

/** True when `password` matches `hash` (`$2a$` hashes of bcryptjs included); a malformed hash counts as a mismatch. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await inHashingTurn(() => bcrypt.compare(password, hash));
  } catch {
    return false;
  }
}
