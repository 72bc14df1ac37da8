// Password hashing (bcrypt, cost 12) and the rule every new password must meet.
import bcrypt from 'bcryptjs';

/** bcrypt work factor for new passwords; stored hashes carry their own cost, so raising it later is safe. */
export const PASSWORD_COST = 12;
export const PASSWORD_MIN_LENGTH = 12;

/** Hashes a password (cost 12 unless a test factory asks for less). */
export async function hashPassword(password: string, cost = PASSWORD_COST): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** True when `password` matches `hash`; a malformed hash counts as a mismatch. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}
