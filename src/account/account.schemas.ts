// zod schemas of the /konto forms: the same name, address and password rules as registration (auth.schemas.ts).
import { z } from 'zod';
import { EmailAddress, NewPassword, PersonName } from '../auth/auth.schemas.js';

export const NameBody = z.object({ fullName: PersonName });
export type NameInput = z.infer<typeof NameBody>;

export const EmailChangeBody = z.object({ newEmail: EmailAddress });
export type EmailChangeInput = z.infer<typeof EmailChangeBody>;

export const PasswordChangeBody = z
  .object({
    currentPassword: z.string({ error: 'account:errors.currentPasswordRequired' }).min(1, { error: 'account:errors.currentPasswordRequired' }).max(1000),
    password: NewPassword,
    passwordConfirm: z.string({ error: 'auth:errors.passwordConfirmRequired' }).min(1, { error: 'auth:errors.passwordConfirmRequired' }),
  })
  .refine((body) => body.password === body.passwordConfirm, { error: 'auth:errors.passwordMismatch', path: ['passwordConfirm'] });
export type PasswordChangeInput = z.infer<typeof PasswordChangeBody>;
