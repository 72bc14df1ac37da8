// Raw attachment content received with statements (multipart/mixed), one document per organisation and SHA-2 hash.
import { Schema, model } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const attachmentSchema = new Schema(
  {
    /** `<organisationId>:<sha2>`: identical content sent twice is kept once. */
    _id: { type: String, required: true },
    sha2: { type: String, required: true },
    contentType: { type: String, required: true },
    content: { type: Buffer, required: true },
  },
  { versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);
attachmentSchema.plugin(tenantScoped);

export const XapiAttachment = model('XapiAttachment', attachmentSchema, 'xapi_attachments');

/** Bytes of a Buffer field read with lean(): the driver hands back a BSON Binary, not a Buffer. */
export function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer?: Uint8Array; value?: () => Uint8Array };
  if (binary?.buffer instanceof Uint8Array) return Buffer.from(binary.buffer);
  throw new TypeError('expected binary content');
}
