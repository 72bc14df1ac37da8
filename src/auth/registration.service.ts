// Registration and e-mail confirmation: new learner accounts, confirmation links, resending them.
import { Types } from 'mongoose';
import { ValidationError } from '../http/errors.js';
import type { PlatformEvents } from '../events/platform-events.js';
import type { Mailer } from '../mail/mail.service.js';
import { joinableOfficeById, joinRefusal } from '../organisations/join-policy.service.js';
import { checkPlacement } from '../organisations/organisation.service.js';
import { alreadyRegisteredMail, confirmationMail } from './auth.mails.js';
import { issueToken, redeemToken } from './auth-token.service.js';
import type { RegistrationInput } from './auth.schemas.js';
import { hashPassword } from './password.js';
import { User, type UserDoc } from './user.model.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

/** What the account mails need: the platform's mailer, the links' address and the person's language. */
export interface MailContext {
  mailer: Mailer;
  /** Announces person.changed (joined) for a registration that joins the office at once. */
  events?: PlatformEvents;
  /** Public address for links in e-mails (config.BASE_URL). */
  baseUrl: string;
  language: 'pl' | 'en';
}

// E-mail addresses are unique across all organisations, so finding one is a cross-tenant read by design.
async function findByEmail(email: string) {
  return User.findOne({ email: email.toLowerCase() }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();
}

async function sendConfirmation(user: Pick<UserDoc, '_id' | 'email' | 'fullName' | 'language'>, context: MailContext): Promise<void> {
  const token = await issueToken(user._id, 'confirm-email');
  await context.mailer.enqueue(confirmationMail(user, `${context.baseUrl}/potwierdz-email/${token}`));
}

/**
 * Creates an unconfirmed learner account and mails the confirmation link.
 * If the address already has an account, nothing is created and its owner gets a notice instead:
 * the page then looks the same either way, so the form cannot be used to test which addresses exist.
 * The office's join policy decides first: invitation-only offices refuse, `domains` offices refuse other domains
 * (both as field messages; the policy is public, so saying it reveals nothing), `approval` offices get a `pending`
 * account that cannot sign in until HR approves it (/kadry/oczekujacy). Returns which of the two the person is.
 * Throws ValidationError when the office or department is not valid or the policy refuses.
 */
export async function registerLearner(input: RegistrationInput, context: MailContext): Promise<'active' | 'pending'> {
  const wrong = await checkPlacement(input.organisationId, input.departmentId);
  if (wrong === 'organisation') throw new ValidationError({ organisationId: ['auth:errors.organisationRequired'] });
  if (wrong === 'department') throw new ValidationError({ departmentId: ['auth:errors.departmentNotInOffice'] });
  const office = (await joinableOfficeById(input.organisationId))!;
  const refusal = joinRefusal(office, input.email);
  if (refusal === 'invitation-only') throw new ValidationError({ organisationId: ['auth:errors.officeInvitationOnly'] });
  if (refusal === 'domain') throw new ValidationError({ email: ['auth:errors.emailDomainNotAllowed'] });
  const status = office.joinPolicy === 'approval' ? 'pending' : 'active';

  // Hashed before anything else: both outcomes below then take as long (no timing hint), and a
  // slow hash cannot leave a half-made account behind.
  const passwordHash = await hashPassword(input.password);
  const existing = await findByEmail(input.email);
  if (existing) {
    await context.mailer.enqueue(alreadyRegisteredMail(existing, `${context.baseUrl}/logowanie`, `${context.baseUrl}/haslo/reset`));
    return status;
  }
  let user;
  try {
    user = await User.create({
      email: input.email,
      fullName: input.fullName,
      passwordHash,
      organisationId: new Types.ObjectId(input.organisationId),
      departmentId: input.departmentId ? new Types.ObjectId(input.departmentId) : undefined,
      roles: ['learner'],
      status,
      language: context.language,
      privacyNoticeAcceptedAt: new Date(),
    });
  } catch (error) {
    // Two registrations of the same address at once: the unique index keeps one; treat the other as existing.
    if (isDuplicateKeyError(error)) return status;
    throw error;
  }
  await sendConfirmation(user, context);
  if (status === 'active') {
    await context.events?.emit('person.changed', {
      organisationId: input.organisationId,
      userId: user._id.toHexString(),
      departmentId: input.departmentId ?? null,
      status,
      change: 'joined',
    });
  }
  return status;
}

/**
 * Confirms the address a confirmation token was sent to: 'active' (may sign in) or 'pending' (waits for HR), or
 * false for an unknown, used or expired token.
 */
export async function confirmEmail(token: unknown): Promise<false | 'active' | 'pending'> {
  const userId = await redeemToken(token, 'confirm-email');
  if (!userId) return false;
  const user = await User.findOneAndUpdate({ _id: userId }, { $set: { emailConfirmedAt: new Date() } }, { new: true }).lean<UserDoc>();
  if (!user) return false;
  return user.status === 'pending' ? 'pending' : 'active';
}

/**
 * Sends a fresh confirmation link when `email` belongs to an unconfirmed account; otherwise does nothing.
 * The caller shows the same answer either way.
 */
export async function resendConfirmation(email: string, context: MailContext): Promise<void> {
  const user = await findByEmail(email);
  if (!user || user.emailConfirmedAt) return;
  await sendConfirmation(user, context);
}
