// What stays of a certificate whose retention ended after its holder was erased: only that its number existed.
import { Schema, model } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const withdrawnCertificateSchema = new Schema(
  {
    /** The certificate's public number: the verification page says a certificate with it existed, nothing more. */
    _id: { type: String, required: true },
    withdrawnAt: { type: Date, required: true },
  },
  { versionKey: false },
);
withdrawnCertificateSchema.plugin(tenantScoped);

export const WithdrawnCertificate = model('WithdrawnCertificate', withdrawnCertificateSchema);
