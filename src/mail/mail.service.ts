// Sends mail: stores each message in the outbox first, then hands it to SMTP when one is configured.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../logger.js';
import { MailMessage } from './mail-message.model.js';

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
  /** SMTP connection (config.SMTP_URL); without it mail is only kept in the outbox. */
  smtpUrl?: string;
  /** Sender (config.MAIL_FROM). */
  from: string;
  logger: Pick<Logger, 'info' | 'error'>;
}

/** The platform's mail: one per platform, built by createPlatform from the config. */
export class Mailer {
  private readonly transport?: Transporter;

  constructor(private readonly options: MailerOptions) {
    this.transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  }

  /**
   * Stores the message in the outbox and sends it via SMTP when configured.
   * A failed SMTP delivery is recorded on the outbox entry and logged, not thrown: the action that
   * caused the mail (a registration, a certificate) has already happened and must not be undone.
   * Returns the outbox id.
   */
  async send(mail: OutgoingMail): Promise<string> {
    const attachments = mail.attachments ?? [];
    const stored = await MailMessage.create({
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length })),
    });
    // mongoose types the `id` virtual as `any`; it is this hex string.
    const mailId = stored._id.toHexString();
    const { logger } = this.options;
    if (!this.transport) {
      // Never log the body: it carries one-time links.
      logger.info({ mailId, to: stored.to, subject: stored.subject }, 'mail kept in outbox');
      return mailId;
    }
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      });
      await MailMessage.updateOne({ _id: stored._id }, { $set: { sentAt: new Date() } });
      logger.info({ mailId, to: stored.to, subject: stored.subject }, 'mail sent');
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      await MailMessage.updateOne({ _id: stored._id }, { $set: { error: message } });
      logger.error({ mailId, to: stored.to, err: message }, 'mail could not be sent');
    }
    return mailId;
  }
}
