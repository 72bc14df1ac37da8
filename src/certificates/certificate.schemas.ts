// zod schemas for every certificate input (route params, HR forms, the verification lookup).
import { z } from 'zod';
import { objectIdParam } from '../http/validate.js';

export const CertificateIdParams = objectIdParam('Nieprawidłowy identyfikator zaświadczenia.');
export type CertificateIdParams = z.infer<typeof CertificateIdParams>;

// Form messages are locale keys (certificates namespace), translated where the form is shown.
export const RevokeBody = z.object({
  reason: z
    .string({ message: 'certificates:errors.reasonMissing' })
    .trim()
    .min(5, { message: 'certificates:errors.reasonShort' })
    .max(500, { message: 'certificates:errors.reasonLong' }),
});
export type RevokeBody = z.infer<typeof RevokeBody>;

export const CorrectNameBody = z.object({
  fullName: z
    .string({ message: 'certificates:errors.fullNameMissing' })
    .trim()
    .min(3, { message: 'certificates:errors.fullNameShort' })
    .max(120, { message: 'certificates:errors.fullNameLong' })
    .regex(/^[\p{L}][\p{L}\p{M} .'’-]*$/u, { message: 'certificates:errors.fullNameLetters' }),
});
export type CorrectNameBody = z.infer<typeof CorrectNameBody>;

/** The learner's consent to show the score on the public verification page (a checkbox: present = yes). */
export const ScoreConsentBody = z.object({
  showScore: z.literal('tak', { message: 'certificates:errors.scoreConsent' }).optional(),
});
export type ScoreConsentBody = z.infer<typeof ScoreConsentBody>;

/** GET /weryfikacja?code=… (the lookup form). */
export const LookupQuery = z.object({
  code: z.string().trim().max(64).optional(),
});
export type LookupQuery = z.infer<typeof LookupQuery>;
