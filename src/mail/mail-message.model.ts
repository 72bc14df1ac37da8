// The outbox: every message the platform sends, queued by requests and delivered (or given up) by the mail sender.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const attachmentSummarySchema = new Schema(
  {
    filename: { type: String, required: true },
    contentType: { type: String },
    /** Size in bytes; the bytes wait in MailAttachmentContent until the message is delivered. */
    size: { type: Number, required: true },
  },
  { _id: false },
);

/** queued: waiting for (another) attempt · sent: the SMTP server accepted it · failed: given up after the last attempt. */
export const MAIL_STATUSES = ['queued', 'sent', 'failed'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

// Not tenant-scoped: mail goes to people before they belong anywhere (registration) and the
// outbox is read by operators and tests by recipient address.
const mailMessageSchema = new Schema({
  to: { type: String, required: true, lowercase: true, trim: true, index: true },
  subject: { type: String, required: true },
  text: { type: String, required: true },
  html: { type: String },
  attachments: { type: [attachmentSummarySchema], default: [] },
  createdAt: { type: Date, required: true, default: () => new Date() },
  // Entries written before the queue (issue 10) have no status: the sender never picks them up again.
  status: { type: String, enum: MAIL_STATUSES, default: 'queued' },
  /** Delivery attempts started so far (booked before each attempt, so a crash mid-send still counts). */
  attempts: { type: Number, required: true, default: 0 },
  /** When the sender may try next (queued only). */
  nextAttemptAt: { type: Date, default: () => new Date() },
  lastAttemptAt: { type: Date },
  /** Set when the SMTP server accepted the message. */
  sentAt: { type: Date },
  /** Set when the sender gave up. */
  failedAt: { type: Date },
  /** The last SMTP error (kept after a later success, for operators). */
  error: { type: String },
});

export type MailMessageDoc = InferSchemaType<typeof mailMessageSchema> & { _id: Types.ObjectId };
export const MailMessage = model('MailMessage', mailMessageSchema);
