// Approving newcomers: people who registered into an office that approves them wait (pending) until HR decides.
import { Types } from 'mongoose';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import { NotFoundError } from '../http/errors.js';
import type { PlatformEvents } from '../events/platform-events.js';
import type { Mailer } from '../mail/mail.service.js';
import { Organisation } from '../organisations/organisation.model.js';
import { accountApprovedMail } from './auth.mails.js';
import { User, type UserDoc } from './user.model.js';
import { usersOfOrganisation } from './users.read.js';

export interface ApprovalDeps {
  audit: AuditTrail;
  mailer: Mailer;
  config: { BASE_URL: string };
  /** person.changed (joined): an approved person is in the office, and gets its standing assignments. */
  events: PlatformEvents;
}

/** HR (or an admin) of one office, as the approval functions take them. */
export interface Approver extends AuditActor {
  organisationId: string;
}

export interface PendingPersonView {
  id: string;
  fullName: string;
  email: string;
  emailConfirmed: boolean;
  registeredAt?: Date;
}

/** The office's people waiting for approval, oldest first. */
export async function pendingPeopleOf(organisationId: string): Promise<PendingPersonView[]> {
  const people = (await usersOfOrganisation<UserDoc & { createdAt?: Date }>(organisationId, 'fullName email emailConfirmedAt status createdAt'))
    .filter((person) => person.status === 'pending')
    .sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  return people.map((p) => ({ id: p._id.toHexString(), fullName: p.fullName, email: p.email, emailConfirmed: Boolean(p.emailConfirmedAt), registeredAt: p.createdAt }));
}

// The pending person of the approver's own office: another office's id, an active person or a made-up id are all 404.
async function pendingPerson(approver: Approver, userId: string): Promise<UserDoc> {
  // By _id alone (a two-key filter decodes every user on FerretDB), then the office and the status checked here.
  const person = Types.ObjectId.isValid(userId) ? await User.findById(userId).lean<UserDoc>() : null;
  if (!person || String(person.organisationId) !== approver.organisationId || person.status !== 'pending')
    throw new NotFoundError('Nie znaleziono osoby oczekującej na zatwierdzenie.');
  return person;
}

/** Lets the person in (active: can sign in once the address is confirmed, counts in reports), mails them, records person.approved. */
export async function approvePerson(deps: ApprovalDeps, approver: Approver, userId: string): Promise<PendingPersonView> {
  const person = await pendingPerson(approver, userId);
  // Conditional on still being pending: a second click (or a colleague's) does not mail twice.
  const result = await User.updateOne({ _id: person._id, status: 'pending' }, { $set: { status: 'active' } });
  if (result.modifiedCount !== 1) throw new NotFoundError();
  const office = await Organisation.findById(person.organisationId).select('name').lean<{ name: string }>();
  await deps.mailer.enqueue(accountApprovedMail(person, office?.name ?? '', `${deps.config.BASE_URL}/logowanie`));
  await deps.audit.record({ organisationId: approver.organisationId, actor: approver, action: 'person.approved', subject: { kind: 'person', id: userId, label: person.fullName } });
  await deps.events.emit('person.changed', {
    organisationId: approver.organisationId,
    userId,
    departmentId: person.departmentId ? String(person.departmentId) : null,
    status: 'active',
    change: 'joined',
  });
  return { id: userId, fullName: person.fullName, email: person.email, emailConfirmed: Boolean(person.emailConfirmedAt) };
}

/**
 * Turns the registration down by deleting the account: the person never signed in, has no records, and a stranger's
 * data kept without purpose would go against RODO's minimisation; they may register again (and be turned down again).
 * The audit entry keeps the name (who was turned down, by whom, why), not the address. Records person.rejected.
 */
export async function rejectPerson(deps: ApprovalDeps, approver: Approver, userId: string, reason?: string): Promise<PendingPersonView> {
  const person = await pendingPerson(approver, userId);
  const result = await User.deleteOne({ _id: person._id, status: 'pending' });
  if (result.deletedCount !== 1) throw new NotFoundError();
  await deps.audit.record({
    organisationId: approver.organisationId,
    actor: approver,
    action: 'person.rejected',
    subject: { kind: 'person', id: userId, label: person.fullName },
    reason,
  });
  return { id: userId, fullName: person.fullName, email: person.email, emailConfirmed: Boolean(person.emailConfirmedAt) };
}
