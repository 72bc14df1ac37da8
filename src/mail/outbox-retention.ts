// Forgetting outbox messages: those to an erased person, and delivered or failed ones past the retention period.
import { Types } from 'mongoose';
import { attachmentKey, MailAttachmentContent } from './mail-attachment.model.js';
import { MailMessage } from './mail-message.model.js';

type Filter = Record<string, unknown>;

/** Deletes the matching messages with their attachment bytes (the bytes first: no message ever lacks its files). */
async function deleteMessages(filter: Filter): Promise<number> {
  const messages = await MailMessage.find(filter).select({ _id: 1, attachments: 1 }).lean<Array<{ _id: Types.ObjectId; attachments?: unknown[] }>>();
  for (const message of messages) {
    for (let index = 0; index < (message.attachments?.length ?? 0); index++) await MailAttachmentContent.deleteOne({ _id: attachmentKey(message._id, index) });
    await MailMessage.deleteOne({ _id: message._id });
  }
  return messages.length;
}

/**
 * Deletes every message to `email`, queued ones too (an erased person gets no more mail). A scan of the outbox
 * on FerretDB (its `to` index is not used there); an erasure is rare.
 */
export function forgetMailTo(email: string): Promise<number> {
  return deleteMessages({ to: email.toLowerCase() });
}

/** Deletes delivered and failed messages queued before `before` (queued ones wait for their delivery). */
export function removeOldMail(before: Date): Promise<number> {
  return deleteMessages({ status: { $in: ['sent', 'failed'] }, createdAt: { $lt: before } });
}
