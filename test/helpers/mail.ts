// Reads the mail outbox in tests.
import { MailMessage, type MailMessageDoc } from '../../src/mail/mail-message.model.js';

/** Messages sent to `email`, oldest first. */
export async function mailsTo(email: string): Promise<MailMessageDoc[]> {
  return MailMessage.find({ to: email.toLowerCase() }).sort({ createdAt: 1, _id: 1 }).lean<MailMessageDoc[]>();
}

/** The first http(s) link in a message's text (e.g. a confirmation or reset link). */
export function linkIn(mail: Pick<MailMessageDoc, 'text'>): string {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`No link in mail: ${mail.text}`);
  return match[0];
}
