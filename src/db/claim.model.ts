// Claims: one document per "this may happen once" (revoke:<id>, launch:<id> …); its unique _id decides who won.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from './tenant-scoped.js';

// The key is the _id so that winning is an insert against the one index both MongoDB and FerretDB
// enforce under concurrency; conditional updates are not (FerretDB 1.24 lets two of them match).
const claimSchema = new Schema({
  _id: { type: String, required: true },
  createdAt: { type: Date, required: true, default: () => new Date() },
});
claimSchema.plugin(tenantScoped);

export type ClaimDoc = InferSchemaType<typeof claimSchema> & { _id: string; organisationId: Types.ObjectId };
export const Claim = model('Claim', claimSchema);
