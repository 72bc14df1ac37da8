// One-time tokens sent by e-mail (address confirmation, password reset), stored only as SHA-256 hashes.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const TOKEN_PURPOSES = ['confirm-email', 'reset-password', 'invitation', 'change-email'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

// Not tenant-scoped: a token is looked up before we know whose it is. The _id is the hash itself,
// so the lookup is by _id (the one filter FerretDB's SQLite backend pushes down to SQL) and a
// leaked database does not reveal usable links.
const authTokenSchema = new Schema({
  _id: { type: String, required: true },
  purpose: { type: String, enum: TOKEN_PURPOSES, required: true },
  userId: { type: Schema.Types.ObjectId, ref: 'User', required: true, index: true },
  /** FerretDB has no TTL indexes: a scheduled job deletes expired tokens, and every lookup checks this too. */
  expiresAt: { type: Date, required: true, index: true },
  createdAt: { type: Date, required: true, default: () => new Date() },
});

export type AuthTokenDoc = InferSchemaType<typeof authTokenSchema>;
export const AuthToken = model('AuthToken', authTokenSchema);
