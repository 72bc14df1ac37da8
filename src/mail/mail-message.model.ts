// The outbox: every message the platform sends, kept whether or not an SMTP server is configured.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const attachmentSummarySchema = new Schema(
  {
    filename: { type: String, required: true },
    contentType: { type: String },
    /** Size in bytes; the bytes themselves are not kept (certificates can be regenerated). */
    size: { type: Number, required: true },
  },
  { _id: false },
);

// Not tenant-scoped: mail goes to people before they belong anywhere (registration) and the
// outbox is read by operators and tests by recipient address.
const mailMessageSchema = new Schema({
  to: { type: String, required: true, lowercase: true, trim: true, index: true },
  subject: { type: String, required: true },
  text: { type: String, required: true },
  html: { type: String },
  attachments: { type: [attachmentSummarySchema], default: [] },
  createdAt: { type: Date, required: true, default: () => new Date() },
  /** Set when the SMTP server accepted the message. */
  sentAt: { type: Date },
  /** The SMTP error, when sending failed. */
  error: { type: String },
});

export type MailMessageDoc = InferSchemaType<typeof mailMessageSchema> & { _id: Types.ObjectId };
export const MailMessage = model('MailMessage', mailMessageSchema);
