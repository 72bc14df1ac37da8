// AuthnRequests sent and not yet answered (node-saml's InResponseTo cache) and the RelayState → next path they carry.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../../db/tenant-scoped.js';

/**
 * Kept in the database, not in the session: the IdP's answer is a cross-site POST, and the SameSite=Lax session
 * cookie is not sent with it, so the ACS cannot read the session the sign-in started in. `_id` is the request's ID
 * (`request:<ID>`) or the RelayState (`relay:<opaque>`), both random and single-use; expired ones are deleted as new
 * ones are written.
 */
const samlRequestSchema = new Schema({
  _id: { type: String, required: true },
  methodId: { type: Schema.Types.ObjectId, required: true },
  /** node-saml's value (the request's creation time); unset for a RelayState. */
  value: { type: String },
  /** A RelayState's local path to go to after the sign-in. */
  nextPath: { type: String },
  createdAt: { type: Date, required: true, default: () => new Date() },
});
samlRequestSchema.plugin(tenantScoped);

export type SamlRequestDoc = InferSchemaType<typeof samlRequestSchema> & { _id: string; organisationId: Types.ObjectId };
export const SamlRequest = model('SamlRequest', samlRequestSchema, 'saml_requests');
