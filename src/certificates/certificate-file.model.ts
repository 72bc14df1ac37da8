// The issued PDF bytes, kept apart from the small records so listing certificates never loads files.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

// A Buffer in an ordinary document rather than GridFS: certificates are ~50 kB (far below the 16 MB
// document limit), and one document per file needs nothing beyond the query subset FerretDB supports.
const certificateFileSchema = new Schema(
  {
    /** The same _id as the Certificate it belongs to. */
    _id: { type: Schema.Types.ObjectId, required: true },
    pdf: { type: Buffer, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
certificateFileSchema.plugin(tenantScoped);

export interface CertificateFileDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  pdf: Buffer;
}
export const CertificateFile = model('CertificateFile', certificateFileSchema);
