// Queues mail: stores each message (and its attachments' bytes) in the outbox; the mail sender delivers it later.
import { Types } from 'mongoose';
import type { Logger } from '../logger.js';
import { MailAttachmentContent, attachmentKey } from './mail-attachment.model.js';
import { MailMessage } from './mail-message.model.js';
import { recipientDomain } from '../http/log-hygiene.js';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

export interface MailerOptions {
  /** Whether an SMTP server is configured (config.SMTP_URL); without one, mail only waits in the outbox. */
  smtpConfigured: boolean;
  logger: Pick<Logger, 'info' | 'error'>;
}

/** The platform's mail: one per platform, built by createPlatform from the config. */
export class Mailer {
  constructor(private readonly options: MailerOptions) {}

  /**
   * Queues the message in the outbox and returns its id. Never talks to SMTP: a request that mails answers
   * as fast whether the SMTP server is quick, hung or down (and a reset form no longer tells by its timing
   * whether an address has an account). The mail sender (mail-sender.ts) delivers it with retries.
   */
  async enqueue(mail: OutgoingMail): Promise<string> {
    const attachments = mail.attachments ?? [];
    const _id = new Types.ObjectId();
    // The bytes first: the sender must never find a message whose attachments are not stored yet.
    for (const [index, attachment] of attachments.entries()) {
      await MailAttachmentContent.create({ _id: attachmentKey(_id, index), content: attachment.content });
    }
    const stored = await MailMessage.create({
      _id,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length })),
      status: 'queued',
      attempts: 0,
      nextAttemptAt: new Date(),
    });
    // Never log the body: it carries one-time links.
    const where = this.options.smtpConfigured ? 'mail queued' : 'mail kept in outbox (no SMTP_URL)';
    this.options.logger.info({ mailId: _id.toHexString(), toDomain: recipientDomain(stored.to) }, where);
    return _id.toHexString();
  }
}
