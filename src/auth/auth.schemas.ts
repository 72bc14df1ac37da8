// zod schemas for every account form; messages are auth-namespace keys translated when the form is shown.
import { z } from 'zod';
import { objectId } from '../http/validate.js';
import { nameProblem } from '../mail/person-name.js';
import { PASSWORD_MIN_LENGTH } from './password.js';

/** A required text field: arrays, objects and blanks all fail with the field's own message. */
function text(requiredKey: string, maxLength = 200) {
  return z.string({ error: requiredKey }).trim().min(1, { error: requiredKey }).max(maxLength, { error: 'auth:errors.tooLong' });
}

const email = z
  .string({ error: 'auth:errors.emailRequired' })
  .trim()
  .toLowerCase()
  .min(1, { error: 'auth:errors.emailRequired' })
  .max(254, { error: 'auth:errors.emailInvalid' })
  .pipe(z.email({ error: 'auth:errors.emailInvalid' }));

/** A new password: at least 12 characters, at most 72 bytes (bcrypt ignores anything beyond). */
const newPassword = z
  .string({ error: 'auth:errors.passwordRequired' })
  .min(1, { error: 'auth:errors.passwordRequired' })
  .min(PASSWORD_MIN_LENGTH, { error: 'auth:errors.passwordTooShort' })
  .refine((value) => Buffer.byteLength(value, 'utf8') <= 72, { error: 'auth:errors.passwordTooLong' });

const passwordConfirm = z.string({ error: 'auth:errors.passwordConfirmRequired' }).min(1, { error: 'auth:errors.passwordConfirmRequired' });

/** A local path to return to after login (never another site: `//evil` and `/\evil` are refused). */
export const LocalPath = z
  .string()
  .max(2000)
  .regex(/^\/(?![/\\])[^\s\\]*$/);

/** `value` when it is a local path (LocalPath), else undefined: a ?next= pointing elsewhere is ignored, not refused. */
export function localPathOrNothing(value: unknown): string | undefined {
  const parsed = LocalPath.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A person's full name, the one rule for registration and /konto. It greets whoever owns the typed address:
 * no line breaks, no links (mail/person-name.ts).
 */
export const PersonName = text('auth:errors.fullNameRequired')
  .refine((value) => value.length >= 3, { error: 'auth:errors.fullNameTooShort', abort: true })
  .refine((value) => nameProblem(value) !== 'characters', { error: 'auth:errors.fullNameCharacters', abort: true })
  .refine((value) => nameProblem(value) !== 'link', { error: 'auth:errors.fullNameLink' });

/** An e-mail address as typed in a form: trimmed, lower-cased, checked. */
export const EmailAddress = email;

/** A new password by the platform's rule (12 characters, 72 bytes at most). */
export const NewPassword = newPassword;

export const RegistrationBody = z
  .object({
    fullName: PersonName,
    email,
    password: newPassword,
    passwordConfirm,
    organisationId: objectId('auth:errors.organisationRequired'),
    departmentId: z.preprocess((value) => (value === '' ? undefined : value), objectId('auth:errors.departmentInvalid').optional()),
    consent: z.literal('tak', { error: 'auth:errors.consentRequired' }),
  })
  .refine((body) => body.password === body.passwordConfirm, { error: 'auth:errors.passwordMismatch', path: ['passwordConfirm'] });
export type RegistrationInput = z.infer<typeof RegistrationBody>;

export const LoginBody = z.object({
  // Any non-empty string: a login form does not lecture about address formats.
  email: text('auth:errors.emailRequired', 254).toLowerCase(),
  password: z.string({ error: 'auth:errors.passwordRequired' }).min(1, { error: 'auth:errors.passwordRequired' }).max(1000),
  next: z.preprocess((value) => (value === '' ? undefined : value), LocalPath.optional().catch(undefined)),
});
export type LoginInput = z.infer<typeof LoginBody>;

export const EmailOnlyBody = z.object({ email });
export type EmailOnlyInput = z.infer<typeof EmailOnlyBody>;

export const NewPasswordBody = z
  .object({ password: newPassword, passwordConfirm })
  .refine((body) => body.password === body.passwordConfirm, { error: 'auth:errors.passwordMismatch', path: ['passwordConfirm'] });
export type NewPasswordInput = z.infer<typeof NewPasswordBody>;

/** What a form that sent a link sent, named in the address of the page after it (auth/check-mailbox.ts). */
export const MAIL_SENT = ['konto', 'zatwierdzenie', 'haslo', 'ponownie'] as const;
export type MailSent = (typeof MAIL_SENT)[number];

export const CheckMailboxQuery = z.object({ wyslano: z.enum(MAIL_SENT).default('konto') });
export type CheckMailboxQuery = z.infer<typeof CheckMailboxQuery>;
