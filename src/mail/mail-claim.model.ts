// Claims of delivery attempts: one insert per attempt, so two platform instances never send the same attempt.
import { Schema, model } from 'mongoose';

/** The key of attempt `attempt` (0-based) of message `mailId`. */
export function claimKey(mailId: string, attempt: number): string {
  return `${mailId}:${attempt}`;
}

// A unique `_id` insert is the one claim FerretDB 1.24 makes atomic: it has no transactions, and two
// findOneAndUpdate calls with the same condition can both succeed there. Claims are never updated.
const mailClaimSchema = new Schema({
  _id: { type: String, required: true },
  claimedAt: { type: Date, required: true },
});

export const MailClaim = model('MailClaim', mailClaimSchema, 'mail_claims');
