// The platform's Ed25519 key pair that signs Open Badges credentials (one document, generated once).
import { Schema, model } from 'mongoose';

// Platform-wide, not per organisation: verifiers fetch one JWKS from /.well-known/jwks.json.
const signingKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Key id: the RFC 7638 thumbprint of the public key. */
    kid: { type: String, required: true },
    /** JWKs encoded as JSON strings (the private one never leaves the server). */
    publicJwk: { type: String, required: true },
    privateJwk: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

export const SigningKey = model('SigningKey', signingKeySchema);
