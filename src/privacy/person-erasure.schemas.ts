// Input schemas of the erasure pages: the person's request, the admin's order, the office's certificate period.
import { z } from 'zod';
import { objectId } from '../http/validate.js';

/** The person's request from /konto: what they want to add is optional. */
export const ErasureRequestBody = z.object({
  note: z.string().trim().max(2000, { error: 'privacy:erasure.errors.noteTooLong' }).optional(),
});
export type ErasureRequestBody = z.infer<typeof ErasureRequestBody>;

/** The admin's order: the reason is required (it stays in the trail) and the admin confirms what cannot be undone. */
export const ErasureOrderBody = z.object({
  reason: z
    .string({ error: 'privacy:erasure.errors.reasonRequired' })
    .trim()
    .min(5, { error: 'privacy:erasure.errors.reasonRequired' })
    .max(500, { error: 'privacy:erasure.errors.reasonTooLong' }),
  confirm: z.literal('tak', { error: 'privacy:erasure.errors.confirmRequired' }),
});
export type ErasureOrderBody = z.infer<typeof ErasureOrderBody>;

/** The office's period for the certificates of erased people, in whole years (0 = withdrawn at the erasure). */
export const CertificateRetentionBody = z.object({
  years: z
    .string({ error: 'privacy:erasure.errors.years' })
    .trim()
    .regex(/^\d{1,2}$/, { error: 'privacy:erasure.errors.years' })
    .transform(Number)
    .refine((years) => years <= 50, { error: 'privacy:erasure.errors.years' }),
});
export type CertificateRetentionBody = z.infer<typeof CertificateRetentionBody>;

export const ErasureParams = z.object({ userId: objectId() });
export type ErasureParams = z.infer<typeof ErasureParams>;
