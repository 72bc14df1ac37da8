// The mail sender: a job that delivers the outbox's due messages over SMTP, with retries and back-off.
import { Cron } from 'croner';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { MailAttachmentContent, attachmentKey } from './mail-attachment.model.js';
import { MailClaim, claimKey } from './mail-claim.model.js';
import { MailMessage, type MailMessageDoc } from './mail-message.model.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { recipientDomain } from '../http/log-hygiene.js';

/** Attempts before a message is given up (status failed): 1, 2, 4 … 60, 60 min apart, about 5 h in all. */
export const MAX_MAIL_ATTEMPTS = 10;
const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 60 * 60_000;
/** Messages one run attempts at most; the rest wait for the next run. */
const BATCH_SIZE = 20;
// Each of these bounds one stage of a hung server, so one attempt ends well within the first retry delay
// (a retry must not start while its previous attempt is still talking to the server).
const SMTP_TIMEOUT_MS = 10_000;
/** A claim older than this whose attempt was never booked belongs to a sender that stopped. */
const ABANDONED_CLAIM_MS = 10 * 60_000;

/**
 * The wait after `attempts` failed attempts: 1 min, then doubling, at most 1 h.
 */
export function retryDelayMs(attempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** An SMTP transport for the sender, with timeouts so a silent server cannot hold a run for minutes. */
export function createMailTransport(smtpUrl: string, timeoutMs: number = SMTP_TIMEOUT_MS): Transporter {
  // Settings written in the URL (e.g. ?socketTimeout=…) still win: nodemailer lays the URL's over these.
  return nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
}

export interface MailDeliveryDeps {
  transport: Transporter;
  /** Sender (config.MAIL_FROM). */
  from: string;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Default MAX_MAIL_ATTEMPTS. */
  maxAttempts?: number;
}

export interface DeliveryReport {
  sent: number;
  /** Failed attempts with another one scheduled. */
  retrying: number;
  /** Messages given up in this run. */
  failed: number;
  /** Due messages another instance had claimed first. */
  skipped: number;
}

type Outcome = keyof DeliveryReport;

/**
 * The Message-ID of an outbox message: the same on every attempt, so that a message sent twice (a sender
 * that stopped after the server's acceptance) can be recognised as one by the receiving server and people.
 * The domain is the sender's (MAIL_FROM), as RFC 5322 asks for a right-hand side the sender controls.
 */
export function messageIdFor(mailId: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'akademia-jst.local';
  return `<${mailId}@${domain}>`;
}

/**
 * Delivers the messages due at `now` (queued, nextAttemptAt passed), oldest due first, one attempt each.
 * Each attempt is claimed by a unique insert, then booked on the message (attempts + 1, next attempt after
 * the back-off) before SMTP is called: if the process dies mid-send, the message is simply retried later.
 * Delivery is therefore at least once: a crash between the server's acceptance and `sent` resends it.
 */
export async function deliverDueMail(deps: MailDeliveryDeps, now: Date = new Date()): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  // FerretDB 1.24 pushes down only `_id` filters, so this scans the outbox (delivered messages included:
  // their records are kept). Fine for an outbox of thousands; a large installation should run on MongoDB,
  // where the filter can use an index, or prune old sent messages.
  const due = await MailMessage.find({ status: 'queued', nextAttemptAt: { $lte: now } })
    .select({ _id: 1 })
    .sort({ nextAttemptAt: 1, _id: 1 })
    .limit(BATCH_SIZE)
    .lean<Pick<MailMessageDoc, '_id'>[]>();
  for (const { _id } of due) {
    const outcome = await attemptDelivery(deps, _id.toHexString(), now);
    report[outcome] += 1;
  }
  return report;
}

/** One claimed attempt at one message. */
async function attemptDelivery(deps: MailDeliveryDeps, mailId: string, now: Date): Promise<Outcome> {
  const { logger } = deps;
  const maxAttempts = deps.maxAttempts ?? MAX_MAIL_ATTEMPTS;
  // Re-read by _id: the list above may be stale by now (another instance delivered or retried it).
  const message = await MailMessage.findOne({ _id: mailId }).lean<MailMessageDoc>();
  if (!message || message.status !== 'queued' || (message.nextAttemptAt && message.nextAttemptAt > now)) return 'skipped';
  if (message.attempts >= maxAttempts) {
    // Its last attempt was booked but never finished (the process stopped mid-send).
    await MailMessage.updateOne({ _id: message._id }, { $set: { status: 'failed', failedAt: now } });
    logger.error({ mailId, toDomain: recipientDomain(message.to), attempts: message.attempts }, 'mail given up: last attempt never finished');
    return 'failed';
  }
  try {
    await MailClaim.create({ _id: claimKey(mailId, message.attempts), claimedAt: now });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // Another instance has this attempt — or had it and stopped before booking it (between the two writes).
    // A claim that old is given up: the attempt is booked as made ($set, so two instances doing it agree).
    const claim = await MailClaim.findOne({ _id: claimKey(mailId, message.attempts) }).lean();
    if (claim && now.getTime() - claim.claimedAt.getTime() > ABANDONED_CLAIM_MS) {
      const attempts = message.attempts + 1;
      await MailMessage.updateOne({ _id: message._id }, { $set: { attempts, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) } });
      logger.warn({ mailId, attempts }, 'mail attempt abandoned by a stopped sender; retrying later');
    }
    return 'skipped';
  }
  const attempts = message.attempts + 1;
  await MailMessage.updateOne({ _id: message._id }, { $set: { attempts, lastAttemptAt: now, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) } });
  try {
    const attachments = [];
    for (const [index, summary] of (message.attachments ?? []).entries()) {
      // Hydrated, not lean: lean() would hand back the driver's Binary instead of a Buffer.
      const stored = await MailAttachmentContent.findOne({ _id: attachmentKey(mailId, index) });
      if (!stored) throw new Error(`attachment ${summary.filename} is missing from mail_attachments`);
      attachments.push({ filename: summary.filename, content: Buffer.from(stored.content), contentType: summary.contentType ?? undefined });
    }
    await deps.transport.sendMail({
      messageId: messageIdFor(mailId, deps.from),
      from: deps.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html ?? undefined,
      attachments,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (attempts >= maxAttempts) {
      await MailMessage.updateOne({ _id: message._id }, { $set: { status: 'failed', failedAt: now, error: reason } });
      logger.error({ mailId, toDomain: recipientDomain(message.to), attempts, err: reason }, 'mail given up after the last attempt');
      return 'failed';
    }
    await MailMessage.updateOne({ _id: message._id }, { $set: { error: reason } });
    logger.warn({ mailId, toDomain: recipientDomain(message.to), attempts, err: reason }, 'mail not delivered; will retry');
    return 'retrying';
  }
  await MailMessage.updateOne({ _id: message._id }, { $set: { status: 'sent', sentAt: new Date() } });
  for (const index of (message.attachments ?? []).keys()) {
    await MailAttachmentContent.deleteOne({ _id: attachmentKey(mailId, index) });
  }
  logger.info({ mailId, toDomain: recipientDomain(message.to), attempts }, 'mail sent');
  return 'sent';
}

/**
 * Runs deliverDueMail every MAIL_SEND_INTERVAL_SECONDS when SMTP_URL is set (otherwise mail stays in the
 * outbox and nothing is scheduled). The job does not keep the process alive and never overlaps itself.
 */
export function scheduleMailSender(platform: { config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'MAIL_SEND_INTERVAL_SECONDS'>; logger: Logger }): Cron | undefined {
  const { config, logger } = platform;
  if (!config.SMTP_URL) return undefined;
  const deps: MailDeliveryDeps = { transport: createMailTransport(config.SMTP_URL), from: config.MAIL_FROM, logger };
  return new Cron('* * * * * *', { interval: config.MAIL_SEND_INTERVAL_SECONDS, unref: true, protect: true }, async () => {
    try {
      await deliverDueMail(deps);
    } catch (error) {
      logger.warn({ err: error }, 'mail delivery run failed; will retry');
    }
  });
}
