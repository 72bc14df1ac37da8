// zod schemas for every certificate input (route params, HR forms, the verification lookup).
import { z } from 'zod';

export const CertificateIdParams = z.object({
  id: z.string().regex(/^[0-9a-f]{24}$/i, { message: 'Nieprawidłowy identyfikator zaświadczenia.' }),
});
export type CertificateIdParams = z.infer<typeof CertificateIdParams>;

export const RevokeBody = z.object({
  reason: z
    .string({ message: 'Podaj powód unieważnienia.' })
    .trim()
    .min(5, { message: 'Podaj powód unieważnienia (co najmniej 5 znaków).' })
    .max(500, { message: 'Powód może mieć najwyżej 500 znaków.' }),
});
export type RevokeBody = z.infer<typeof RevokeBody>;

export const CorrectNameBody = z.object({
  fullName: z
    .string({ message: 'Podaj imię i nazwisko.' })
    .trim()
    .min(3, { message: 'Podaj imię i nazwisko (co najmniej 3 znaki).' })
    .max(120, { message: 'Imię i nazwisko może mieć najwyżej 120 znaków.' })
    .regex(/^[\p{L}][\p{L}\p{M} .'’-]*$/u, { message: 'Imię i nazwisko może zawierać tylko litery, spacje, łączniki i apostrofy.' }),
});
export type CorrectNameBody = z.infer<typeof CorrectNameBody>;

/** GET /verify?code=… (the lookup form). */
export const LookupQuery = z.object({
  code: z.string().trim().max(64).optional(),
});
export type LookupQuery = z.infer<typeof LookupQuery>;
