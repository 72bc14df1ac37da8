// LRS clients: Basic-auth credentials (secret hashed at rest), each scoped to one organisation and to read/write.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const lrsClientSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    /** The Basic-auth user name; public, unique across the platform. */
    key: { type: String, required: true, unique: true },
    /** scrypt hash of the secret: `scrypt$<salt hex>$<hash hex>`. The secret itself is shown once and never stored. */
    secretHash: { type: String, required: true },
    canRead: { type: Boolean, default: true },
    canWrite: { type: Boolean, default: true },
    /**
     * Courses (catalogue ids) for which this client's statements count towards learners' progress and HR
     * reports, e.g. an external player of that course. None by default: a client's statements are stored and
     * served, but only the platform's own move progress (issue 10, finding 6). Set with npm run lrs:client.
     */
    trustedCourseIds: { type: [String], default: [] },
    /** Set for the client created from XAPI_BASIC_USER / XAPI_BASIC_PASSWORD. */
    fromEnvironment: { type: Boolean, default: false },
  },
  { timestamps: true },
);
lrsClientSchema.plugin(tenantScoped);

export type LrsClientDoc = InferSchemaType<typeof lrsClientSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const LrsClient = model('LrsClient', lrsClientSchema, 'lrs_clients');
