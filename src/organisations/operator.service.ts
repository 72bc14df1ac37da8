// The platform operator's work: the platform organisation, associations, member offices and their first administrators.
import { Types } from 'mongoose';
import type { AuditActor } from '../audit/audit-trail.js';
import { invitePerson, type InvitationDeps } from '../auth/invitation.service.js';
import type { Role } from '../auth/user.model.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import type { Mailer, OutgoingMail } from '../mail/mail.service.js';
import { displayNameOf, Organisation, type OfficeType, type OrganisationDoc } from './organisation.model.js';
import type { AppointAdministratorInput, NewAssociationInput, NewOfficeInput } from './organisation.schemas.js';
import { freeSlugFor } from './slug.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

/** The platform organisation's fixed slug: there is one per installation. */
export const PLATFORM_SLUG = 'platforma';
export const PLATFORM_NAME = 'Operator platformy';

/**
 * The roles of an office's (or association's) first administrator: admin, and hr too, because in a small office the
 * administrator is also the person who adds the staff; the administrator can hand HR to someone else later.
 */
export const FIRST_ADMINISTRATOR_ROLES: Role[] = ['admin', 'hr'];

/** The platform organisation, created on the first call (a claim by its unique slug: two calls make one). */
export async function ensurePlatformOrganisation(): Promise<{ id: string; created: boolean }> {
  const existing = await Organisation.findOne({ slug: PLATFORM_SLUG }).lean();
  if (existing) return { id: existing._id.toHexString(), created: false };
  try {
    const created = await Organisation.create({ name: PLATFORM_NAME, slug: PLATFORM_SLUG, kind: 'platform' });
    return { id: created._id.toHexString(), created: true };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const winner = await Organisation.findOne({ slug: PLATFORM_SLUG }).lean();
    return { id: winner!._id.toHexString(), created: false };
  }
}

export type OperatorOutcome = { invited: true; userId: string; organisationId: string; link: string } | { invited: false; reason: 'email-taken' };

/**
 * Bootstrap (scripts/operator-create.ts): the platform organisation once, and an operator invited to it. The link is
 * returned as well as mailed, for a shell without mail; it is the only way in (there is never a default password).
 */
export async function createOperator(deps: InvitationDeps, person: { email: string; fullName: string }): Promise<OperatorOutcome> {
  const platform = await ensurePlatformOrganisation();
  // The bootstrap has no signed-in actor: the trail names the command line.
  const actor: AuditActor = { id: platform.id, fullName: 'operator:create (wiersz poleceń)' };
  let link = '';
  const outcome = await invitePerson(
    { ...deps, mailer: captureLink(deps.mailer, (url) => (link = url)) },
    { organisationId: platform.id, organisationName: PLATFORM_NAME, email: person.email, fullName: person.fullName, roles: ['operator'] },
    actor,
  );
  if (!outcome.invited) return outcome;
  return { invited: true, userId: outcome.userId, organisationId: platform.id, link };
}

/** The same mailer, except that the invitation link of what it queues is also handed to `onLink` (the CLI prints it). */
function captureLink(mailer: Mailer, onLink: (url: string) => void): Mailer {
  const capturing = Object.create(mailer) as Mailer;
  capturing.enqueue = (mail: OutgoingMail) => {
    const match = /https?:\/\/\S+\/zaproszenie\/\S+/.exec(mail.text);
    if (match) onLink(match[0]);
    return mailer.enqueue(mail);
  };
  return capturing;
}

export interface OrganisationListItem {
  id: string;
  name: string;
  slug: string;
  kind: 'association' | 'office';
  officeType?: OfficeType;
  teryt?: string;
  emailDomains: string[];
  memberOfNames: string[];
}

/** Every association and office, by name (the operator's overview; organisations number in the hundreds). */
export async function listOrganisations(): Promise<{ associations: OrganisationListItem[]; offices: OrganisationListItem[] }> {
  const all = (await Organisation.find({ kind: { $in: ['association', 'office'] } }, { departments: 0, certificateTemplate: 0 }).lean<OrganisationDoc[]>()).sort((a, b) =>
    // Polish order (Ł after L), which the database's byte order is not.
    a.name.localeCompare(b.name, 'pl'),
  );
  const names = new Map(all.map((organisation) => [organisation._id.toHexString(), organisation.name]));
  const items = all.map((organisation): OrganisationListItem => ({
    id: organisation._id.toHexString(),
    name: organisation.name,
    slug: organisation.slug,
    kind: organisation.kind as 'association' | 'office',
    officeType: organisation.officeType ?? undefined,
    teryt: organisation.teryt ?? undefined,
    emailDomains: organisation.emailDomains ?? [],
    memberOfNames: (organisation.memberOf ?? []).map((id) => names.get(id.toHexString()) ?? '?'),
  }));
  return { associations: items.filter((item) => item.kind === 'association'), offices: items.filter((item) => item.kind === 'office') };
}

/** Associations to offer as "member of" choices. */
export async function listAssociations(): Promise<{ id: string; name: string }[]> {
  return (await listOrganisations()).associations.map(({ id, name }) => ({ id, name }));
}

/** Creates with a free slug, retrying when a simultaneous creation took it first (the unique index decides). */
async function createWithSlug(fields: Record<string, unknown> & { name: string }): Promise<OrganisationDoc> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return (await Organisation.create({ ...fields, slug: await freeSlugFor(fields.name) })).toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt >= 3) throw error;
    }
  }
}

export interface OperatorDeps {
  audit: InvitationDeps['audit'];
}

/** Creates an association; organisation.created goes to its own trail. */
export async function createAssociation(deps: OperatorDeps, input: NewAssociationInput, actor: AuditActor): Promise<{ id: string; slug: string }> {
  const association = await createWithSlug({ name: input.name, kind: 'association', emailDomains: input.emailDomains });
  const id = association._id.toHexString();
  await deps.audit.record({
    organisationId: id,
    actor,
    action: 'organisation.created',
    subject: { kind: 'organisation', id, label: association.name },
    details: { kind: 'association', slug: association.slug, emailDomains: input.emailDomains },
  });
  return { id, slug: association.slug };
}

/** Creates a member office; the TERYT code must not belong to another office, and each association chosen must exist. */
export async function createOffice(deps: OperatorDeps, input: NewOfficeInput, actor: AuditActor): Promise<{ id: string; slug: string }> {
  const memberOf = [...new Set(input.memberOf)];
  if (memberOf.length) {
    const found = await Organisation.countDocuments({ _id: { $in: memberOf.map((id) => new Types.ObjectId(id)) }, kind: 'association' });
    if (found !== memberOf.length) throw new ValidationError({ memberOf: ['organisations:errors.associationInvalid'] });
  }
  // Across offices on purpose: one unit has one TERYT code, so a second office with it is a typing mistake.
  if (await Organisation.exists({ kind: 'office', teryt: input.teryt })) throw new ValidationError({ teryt: ['organisations:errors.terytTaken'] });
  const office = await createWithSlug({
    name: input.name,
    kind: 'office',
    officeType: input.officeType,
    teryt: input.teryt,
    emailDomains: input.emailDomains,
    memberOf: memberOf.map((id) => new Types.ObjectId(id)),
  });
  const id = office._id.toHexString();
  await deps.audit.record({
    organisationId: id,
    actor,
    action: 'organisation.created',
    subject: { kind: 'organisation', id, label: office.name },
    details: { kind: 'office', slug: office.slug, officeType: input.officeType, teryt: input.teryt, emailDomains: input.emailDomains, memberOf },
  });
  return { id, slug: office.slug };
}

/** An association or office by id (the operator's pages), or 404. */
export async function organisationForOperator(id: string): Promise<OrganisationDoc> {
  const organisation = await Organisation.findById(id).lean<OrganisationDoc>();
  if (!organisation || (organisation.kind !== 'office' && organisation.kind !== 'association')) throw new NotFoundError();
  return organisation;
}

/**
 * Appoints an organisation's administrator: an invitation with FIRST_ADMINISTRATOR_ROLES; administrator.appointed
 * joins invitePerson's person.invited in the organisation's trail. An address with an account is a field message.
 */
export async function appointAdministrator(deps: InvitationDeps, organisationId: string, input: AppointAdministratorInput, actor: AuditActor): Promise<{ userId: string }> {
  const organisation = await organisationForOperator(organisationId);
  const outcome = await invitePerson(
    deps,
    { organisationId, organisationName: displayNameOf(organisation), email: input.email, fullName: input.fullName, roles: FIRST_ADMINISTRATOR_ROLES },
    actor,
  );
  if (!outcome.invited) throw new ValidationError({ email: ['organisations:errors.emailTaken'] });
  await deps.audit.record({
    organisationId,
    actor,
    action: 'administrator.appointed',
    subject: { kind: 'person', id: outcome.userId, label: input.fullName },
    details: { email: input.email, roles: FIRST_ADMINISTRATOR_ROLES },
  });
  return { userId: outcome.userId };
}
