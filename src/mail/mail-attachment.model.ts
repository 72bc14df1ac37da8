// The bytes of queued messages' attachments, apart from the outbox so the sender's scans stay small.
import { Schema, model, type Types } from 'mongoose';

/** The key of attachment `index` of message `mailId`: an `_id`, the one filter FerretDB 1.24 pushes down. */
export function attachmentKey(mailId: Types.ObjectId | string, index: number): string {
  return `${String(mailId)}:${index}`;
}

// Deleted once the message is delivered (a certificate PDF can be downloaded or regenerated any time);
// kept while it is queued or failed, so a retry or an operator's resend still has it.
const mailAttachmentContentSchema = new Schema({
  _id: { type: String, required: true },
  content: { type: Buffer, required: true },
});

export const MailAttachmentContent = model('MailAttachmentContent', mailAttachmentContentSchema, 'mail_attachments');
