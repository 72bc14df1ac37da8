// The platform's Ed25519 key pair that signs Open Badges credentials (one document, generated once).
import { Schema, model } from 'mongoose';

// Platform-wide, not per organisation: verifiers fetch one JWKS from /.well-known/jwks.json.
const signingKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Key id: the RFC 7638 thumbprint of the public key. */
    kid: { type: String, required: true },
    /** The public JWK as a JSON string (published). */
    publicJwk: { type: String, required: true },
    /** The private JWK as a JSON string, sealed under SECRETS_KEY (secrets/secret-box.ts); never stored in clear. */
    sealedPrivateJwk: { type: String },
    /** The private JWK in clear, as stored before it was sealed: sealed and removed at the next start. */
    privateJwk: { type: String },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

export const SigningKey = model('SigningKey', signingKeySchema);
