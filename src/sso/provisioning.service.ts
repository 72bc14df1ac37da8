// Turns what an office's directory says about a person (DirectoryProfile) into their account: created, updated, refused.
import { Types } from 'mongoose';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import { toSessionUser, type SessionUser } from '../auth/session-user.js';
import { User, type Role, type UserDoc } from '../auth/user.model.js';
import { userIdLinkedToDirectory } from '../auth/users.read.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import type { PlatformEvents } from '../events/platform-events.js';
import { Organisation, type OrganisationDoc } from '../organisations/organisation.model.js';
import { OFFICE_ROLES } from '../people/people.policy.js';
import { movedDepartment } from '../people/people.service.js';
import type { DirectoryProfile } from './directory-profile.js';
import type { SignInMethodDoc } from './sign-in-method.model.js';

/** What provisioning needs from the platform (a Platform fits). */
export interface ProvisioningDeps {
  audit: AuditTrail;
  /** person.changed (joined, moved): standing assignments and reports follow the account. */
  events: PlatformEvents;
}

/** The parts of a sign-in method provisioning reads. */
export type ProvisioningMethod = Pick<SignInMethodDoc, '_id' | 'organisationId' | 'kind' | 'label' | 'mapping'>;

/**
 * Why the directory's answer does not sign anyone in: the account was deactivated by the office (inactive), the
 * address belongs to another office's account (other-office), the directory gave no e-mail or no stable id
 * (no-email, no-subject), the address is an account of this office already linked to another directory identity
 * (linked-elsewhere).
 */
export type ProvisioningFailure = 'inactive' | 'other-office' | 'no-email' | 'no-subject' | 'linked-elsewhere';
export type ProvisioningOutcome = { user: SessionUser; created: boolean } | { failure: ProvisioningFailure };

/** The audit trail's "who": the directory itself, named by its method (an ObjectId, as every actor's id). */
export function directoryActor(method: Pick<ProvisioningMethod, '_id' | 'label'>): AuditActor {
  return { id: String(method._id), fullName: `Katalog urzędu: ${method.label}` };
}

/** The first RDN value of a DN (`cn=Kadry,ou=Grupy,…` → `Kadry`), or the name itself when it is not a DN. */
function shortGroupName(group: string): string {
  const first = group.split(/(?<!\\),/)[0] ?? group;
  const equals = first.indexOf('=');
  return (equals >= 0 ? first.slice(equals + 1) : first).trim();
}

/** Whether `groups` (as the directory gave them) hold `wanted`, named by its full DN or by its short name, any case. */
export function inGroup(groups: readonly string[], wanted: string): boolean {
  const name = wanted.trim().toLowerCase();
  return groups.some((group) => group.trim().toLowerCase() === name || shortGroupName(group).toLowerCase() === name);
}

/**
 * The department the mapping gives the profile: a value of the department attribute first, then a group; only a
 * current (not archived) department of the office. Undefined when nothing maps (the account keeps its department).
 */
export function mappedDepartment(method: Pick<ProvisioningMethod, 'mapping'>, office: Pick<OrganisationDoc, 'departments'>, profile: DirectoryProfile): string | undefined {
  const open = new Set((office.departments ?? []).filter((d) => !d.archivedAt).map((d) => String(d._id)));
  const rules = (method.mapping?.departments ?? []).filter((rule) => open.has(String(rule.departmentId)));
  const attribute = method.mapping?.departmentAttribute?.trim();
  if (attribute) {
    const key = Object.keys(profile.attributes).find((name) => name.toLowerCase() === attribute.toLowerCase());
    const values = (key ? profile.attributes[key] : []).map((v) => v.trim().toLowerCase());
    const rule = rules.find((r) => values.includes(r.value.trim().toLowerCase()));
    if (rule) return String(rule.departmentId);
  }
  const byGroup = rules.find((r) => inGroup(profile.groups, r.value));
  return byGroup ? String(byGroup.departmentId) : undefined;
}

/**
 * The roles after the directory's word: learner always; each office role the mapping names is given when the person
 * is in one of its groups and taken away otherwise; roles the mapping does not name stay as they were (the office
 * gave them on the people pages). The operator role is never the directory's.
 */
export function mappedRoles(method: Pick<ProvisioningMethod, 'mapping'>, profile: DirectoryProfile, current: readonly Role[]): Role[] {
  const rules = (method.mapping?.groupRoles ?? []).filter((rule) => (OFFICE_ROLES as readonly string[]).includes(rule.role));
  const named = new Set<Role>(rules.map((rule) => rule.role));
  const given = new Set<Role>(rules.filter((rule) => inGroup(profile.groups, rule.group)).map((rule) => rule.role));
  const roles = new Set<Role>(['learner']);
  for (const role of current) if (!named.has(role)) roles.add(role);
  for (const role of given) roles.add(role);
  // In the order the platform lists roles, so that "no change" compares equal.
  return [...OFFICE_ROLES, 'operator' as const].filter((role) => roles.has(role));
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join() === [...b].sort().join();
}

/**
 * Signs a directory-vouched person into their account in the method's office. The first sign-in creates it
 * (active, e-mail confirmed: the directory vouches for it) and links it to the directory identity (method + subject);
 * an existing account of the office with that address is linked instead. Later sign-ins update the name, e-mail,
 * department and mapped roles. Refused: an account the office deactivated, an address of another office.
 * Each creation and change is written to the office's audit trail with the directory as the actor.
 */
export async function provisionDirectoryAccount(deps: ProvisioningDeps, method: ProvisioningMethod, profile: DirectoryProfile): Promise<ProvisioningOutcome> {
  const subject = profile.subject?.trim();
  if (!subject) return { failure: 'no-subject' };
  const email = profile.email?.trim().toLowerCase();
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) return { failure: 'no-email' };
  const organisationId = String(method.organisationId);
  const office = await Organisation.findById(organisationId).lean<OrganisationDoc>();
  if (!office) return { failure: 'other-office' };

  let user = await linkedUser(method, subject);
  if (!user) {
    // Cross-tenant by design: addresses are unique platform-wide, and one of another office must not be taken over.
    const holder = await User.findOne({ email }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();
    if (holder && String(holder.organisationId) !== organisationId) return { failure: 'other-office' };
    if (holder?.directory && !(String(holder.directory.methodId) === String(method._id) && holder.directory.subject === subject)) return { failure: 'linked-elsewhere' };
    if (holder) {
      await User.updateOne({ _id: holder._id, organisationId: holder.organisationId }, { $set: { directory: { methodId: method._id, subject } } });
      user = { ...holder, directory: { methodId: method._id, subject } };
    } else {
      const created = await createAccount(deps, method, office, profile, subject, email);
      if ('failure' in created) return created;
      return { user: toSessionUser(created.user), created: true };
    }
  }
  if (user.status === 'deactivated') return { failure: 'inactive' };
  const updated = await updateAccount(deps, method, office, profile, user, email);
  return { user: toSessionUser(updated), created: false };
}

/** The account linked to this identity of the method, read by `_id` after a scan of the office's own copies. */
async function linkedUser(method: ProvisioningMethod, subject: string): Promise<UserDoc | undefined> {
  const id = await userIdLinkedToDirectory(method.organisationId, method._id, subject);
  if (!id) return undefined;
  const user = await User.findById(id).lean<UserDoc>();
  // Checked on the account itself too: a link is what lets a directory answer change an account.
  const linked = user?.directory && String(user.directory.methodId) === String(method._id) && user.directory.subject === subject;
  return user && linked && String(user.organisationId) === String(method.organisationId) ? user : undefined;
}

async function createAccount(
  deps: ProvisioningDeps,
  method: ProvisioningMethod,
  office: OrganisationDoc,
  profile: DirectoryProfile,
  subject: string,
  email: string,
): Promise<{ user: UserDoc } | { failure: ProvisioningFailure }> {
  const now = new Date();
  const departmentId = mappedDepartment(method, office, profile);
  const roles = mappedRoles(method, profile, ['learner']);
  const fullName = profile.fullName?.trim() || email;
  let created: UserDoc;
  try {
    const doc = await User.create({
      organisationId: office._id,
      email,
      fullName,
      roles,
      departmentId: departmentId ? new Types.ObjectId(departmentId) : undefined,
      departmentHistory: departmentId ? [{ departmentId: new Types.ObjectId(departmentId), from: now }] : [],
      status: 'active',
      emailConfirmedAt: now,
      directory: { methodId: method._id, subject },
    });
    created = doc.toObject() as unknown as UserDoc;
  } catch (error) {
    // The same person's two first sign-ins at once: the unique address lets one create; the other signs in to it.
    if (!isDuplicateKeyError(error)) throw error;
    const winner = await linkedUser(method, subject);
    if (!winner) return { failure: 'other-office' };
    return { user: winner };
  }
  const userId = created._id.toHexString();
  await deps.events.emit('person.changed', { organisationId: String(office._id), userId, departmentId: departmentId ?? null, status: 'active', change: 'joined' });
  await deps.audit.record({
    organisationId: String(office._id),
    actor: directoryActor(method),
    action: 'person.provisioned',
    subject: { kind: 'person', id: userId, label: fullName },
    details: { email, roles, department: departmentName(office, departmentId) },
  });
  return { user: created };
}

function departmentName(office: OrganisationDoc, id: string | undefined | null): string | null {
  if (!id) return null;
  return (office.departments ?? []).find((d) => String(d._id) === id)?.name ?? id;
}

/** What a directory answer changes on an existing account (empty when nothing): the sync's dry run lists these. */
export interface DirectoryChanges {
  fullName?: { before: string; after: string };
  email?: { before: string; after: string };
  department?: { before: string | null; after: string | null; afterId: string };
  roles?: { before: Role[]; after: Role[] };
}

/** The changes `profile` brings to `user` (pure but for nothing: the office is given). */
export function directoryChanges(
  method: ProvisioningMethod,
  office: OrganisationDoc,
  profile: DirectoryProfile,
  user: Pick<UserDoc, 'fullName' | 'email' | 'departmentId' | 'roles'>,
): DirectoryChanges {
  const changes: DirectoryChanges = {};
  const fullName = profile.fullName?.trim();
  if (fullName && fullName !== user.fullName) changes.fullName = { before: user.fullName, after: fullName };
  const email = profile.email?.trim().toLowerCase();
  if (email && email !== user.email) changes.email = { before: user.email, after: email };
  const departmentId = mappedDepartment(method, office, profile);
  const currentDepartment = user.departmentId ? String(user.departmentId) : undefined;
  if (departmentId && departmentId !== currentDepartment) {
    changes.department = { before: departmentName(office, currentDepartment), after: departmentName(office, departmentId), afterId: departmentId };
  }
  const current = [...(user.roles ?? [])] as Role[];
  const roles = mappedRoles(method, profile, current);
  if (!sameRoles(roles, current)) changes.roles = { before: [...current].sort(), after: [...roles].sort() };
  return changes;
}

/**
 * Applies what the directory says now to a linked account (a sign-in or the sync): name, e-mail (when not taken),
 * department (a move, with history) and mapped roles; an invited or pending account becomes active (the directory
 * vouches for the person). Audited as person.directoryUpdated with before → after; person.changed for a move.
 */
export async function updateAccount(
  deps: ProvisioningDeps,
  method: ProvisioningMethod,
  office: OrganisationDoc,
  profile: DirectoryProfile,
  user: UserDoc,
  email?: string,
): Promise<UserDoc> {
  const changes = directoryChanges(method, office, profile, user);
  if (changes.email && email) {
    // Cross-tenant by design: an address is unique platform-wide; a taken one keeps the account's old address.
    const taken = await User.exists({ email: changes.email.after, _id: { $ne: user._id } }).setOptions({ acrossOrganisations: true });
    if (taken) delete changes.email;
  } else delete changes.email;
  const set: Record<string, unknown> = {};
  if (changes.fullName) set.fullName = changes.fullName.after;
  if (changes.email) set.email = changes.email.after;
  if (changes.roles) set.roles = changes.roles.after;
  if (changes.department) Object.assign(set, movedDepartment(user, new Types.ObjectId(changes.department.afterId), new Date()));
  if (user.status === 'invited' || user.status === 'pending') {
    set.status = 'active';
    set.emailConfirmedAt = user.emailConfirmedAt ?? new Date();
  }
  if (!Object.keys(set).length) return user;
  await User.updateOne({ _id: user._id, organisationId: user.organisationId }, { $set: set });
  const userId = user._id.toHexString();
  if (changes.department) {
    await deps.events.emit('person.changed', { organisationId: String(office._id), userId, departmentId: changes.department.afterId, status: 'active', change: 'moved' });
  }
  const { department, ...rest } = changes;
  const details: Record<string, unknown> = { ...rest };
  if (department) details.department = { before: department.before, after: department.after };
  if (Object.keys(details).length) {
    await deps.audit.record({
      organisationId: String(office._id),
      actor: directoryActor(method),
      action: 'person.directoryUpdated',
      subject: { kind: 'person', id: userId, label: changes.fullName?.after ?? user.fullName },
      details,
    });
  }
  return (await User.findById(user._id).lean<UserDoc>()) ?? user;
}
