// Invitations: HR, an office admin or the operator adds a person, who gets a link to choose their password.
import { Types } from 'mongoose';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import type { PlatformEvents } from '../events/platform-events.js';
import type { Mailer } from '../mail/mail.service.js';
import { invitationMail } from './auth.mails.js';
import { issueToken, peekToken, redeemToken } from './auth-token.service.js';
import { hashPassword } from './password.js';
import { User, type Role, type UserDoc } from './user.model.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

/** What inviting needs from the platform (a Platform fits). */
export interface InvitationDeps {
  config: { BASE_URL: string };
  mailer: Mailer;
  audit: AuditTrail;
  /** person.changed (joined): standing assignments reach the new person. */
  events: PlatformEvents;
}

export interface Invitee {
  organisationId: string;
  /** The office's name, for the mail. */
  organisationName: string;
  email: string;
  fullName: string;
  roles: Role[];
  departmentId?: string;
  position?: string;
  employeeNumber?: string;
  language?: 'pl' | 'en';
}

export type InvitationOutcome = { invited: true; userId: string } | { invited: false; reason: 'email-taken' };

/**
 * Creates an `invited` account (no password; it cannot sign in) and queues the invitation mail with a 7-day,
 * single-use link. An address that already has an account anywhere is refused (addresses are unique platform-wide):
 * the caller shows that next to the field. Written to the office's audit trail as person.invited.
 */
export async function invitePerson(deps: InvitationDeps, invitee: Invitee, invitedBy: AuditActor): Promise<InvitationOutcome> {
  const email = invitee.email.trim().toLowerCase();
  let user: InvitedPerson;
  try {
    const now = new Date();
    const departmentId = invitee.departmentId ? new Types.ObjectId(invitee.departmentId) : undefined;
    const created = await User.create({
      organisationId: new Types.ObjectId(invitee.organisationId),
      email,
      fullName: invitee.fullName,
      roles: invitee.roles,
      departmentId,
      departmentHistory: departmentId ? [{ departmentId, from: now }] : [],
      position: invitee.position,
      employeeNumber: invitee.employeeNumber,
      language: invitee.language ?? 'pl',
      status: 'invited',
    });
    user = { _id: created._id, email, fullName: created.fullName, language: created.language };
  } catch (error) {
    // The unique index on e-mail decides, also between two simultaneous invitations of one address.
    if (isDuplicateKeyError(error)) return { invited: false, reason: 'email-taken' };
    throw error;
  }
  await sendInvitation(deps, user, invitee.organisationName, invitedBy.fullName);
  await deps.events.emit('person.changed', {
    organisationId: invitee.organisationId,
    userId: user._id.toHexString(),
    departmentId: invitee.departmentId ?? null,
    status: 'invited',
    change: 'joined',
  });
  await deps.audit.record({
    organisationId: invitee.organisationId,
    actor: invitedBy,
    action: 'person.invited',
    subject: { kind: 'person', id: user._id.toHexString(), label: user.fullName },
    details: { email, roles: invitee.roles },
  });
  return { invited: true, userId: user._id.toHexString() };
}

/** Sends a new invitation link to a person who has not accepted yet (the earlier link stops working). */
export async function resendInvitation(deps: InvitationDeps, userId: string, organisationName: string, invitedBy: AuditActor): Promise<boolean> {
  const user = await User.findById(userId).lean<UserDoc>();
  if (!user || user.status !== 'invited') return false;
  await sendInvitation(deps, user, organisationName, invitedBy.fullName);
  return true;
}

/** What the invitation mail needs of the person. */
type InvitedPerson = Pick<UserDoc, '_id' | 'email' | 'fullName' | 'language'>;

async function sendInvitation(deps: InvitationDeps, user: InvitedPerson, organisationName: string, invitedBy: string): Promise<void> {
  const token = await issueToken(user._id, 'invitation');
  await deps.mailer.enqueue(invitationMail(user, { organisationName, invitedBy, link: `${deps.config.BASE_URL}/zaproszenie/${token}` }));
}

/** The invited person a live invitation link belongs to (to greet them on the form), or undefined. */
export async function invitedPersonOf(token: unknown): Promise<Pick<UserDoc, 'fullName' | 'email'> | undefined> {
  const userId = await peekToken(token, 'invitation');
  if (!userId) return undefined;
  const user = await User.findById(userId).select({ fullName: 1, email: 1, status: 1 }).lean<UserDoc>();
  return user?.status === 'invited' ? { fullName: user.fullName, email: user.email } : undefined;
}

/**
 * Accepts an invitation: the chosen password is set, the address counts as confirmed (the link proved it) and
 * the account becomes active. False for an unknown, used or expired link, or a person no longer invited
 * (deactivated meanwhile).
 */
export async function acceptInvitation(token: unknown, password: string): Promise<boolean> {
  // Hash first: the link is used up only when the password is ready to be stored.
  const passwordHash = await hashPassword(password);
  const userId = await redeemToken(token, 'invitation');
  if (!userId) return false;
  const user = await User.findById(userId).select({ status: 1 }).lean<UserDoc>();
  if (user?.status !== 'invited') return false;
  await User.updateOne({ _id: userId }, { $set: { passwordHash, status: 'active', emailConfirmedAt: new Date() } });
  return true;
}
