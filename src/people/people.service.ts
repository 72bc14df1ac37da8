// The rules for an office's people: list, add (invite), change details and roles, move, deactivate and reactivate.
import { Types } from 'mongoose';
import { invitePerson, resendInvitation, type InvitationDeps } from '../auth/invitation.service.js';
import type { SessionUser } from '../auth/session-user.js';
import { User, type AccountStatus, type Role } from '../auth/user.model.js';
import { ForbiddenError, ValidationError } from '../http/errors.js';
import { departmentsOfOffice, foldText, officeOf, peopleOfOffice, personOfOffice, type OfficeDepartment, type OfficePerson } from './people.directory.js';
import { OFFICE_ROLES, assertCanManagePeople, canChangeRoles, grantableRoles, type OfficeRole } from './people.policy.js';
import type { AddPersonBody, DeactivateBody, PeopleQuery, PersonDetailsBody, PersonRolesBody, ReactivateBody } from './people.schemas.js';

/** What the people services need from the platform (a Platform fits). */
export type PeopleDeps = InvitationDeps;

export const PAGE_SIZE = 50;

type Actor = Pick<SessionUser, 'id' | 'organisationId' | 'fullName' | 'roles'>;

export interface PeoplePage {
  organisationName: string;
  departments: OfficeDepartment[];
  people: OfficePerson[];
  /** People matching the search and filters (all pages). */
  matching: number;
  /** Everyone in the office. */
  total: number;
  page: number;
  pageCount: number;
}

/** Whether a person matches the search text: name, e-mail or employee number, ignoring case and Polish letters. */
function matchesSearch(person: OfficePerson, folded: string): boolean {
  return [person.fullName, person.email, person.employeeNumber ?? ''].some((field) => foldText(field).includes(folded));
}

/** One page of the office's people (sorted by name), searched and filtered in memory after one read of the office. */
export async function listPeople(actor: Actor, query: PeopleQuery): Promise<PeoplePage> {
  assertCanManagePeople(actor);
  const organisation = await officeOf(actor.organisationId);
  const everyone = await peopleOfOffice(organisation._id);
  const folded = query.q ? foldText(query.q) : '';
  const matching = everyone.filter(
    (person) =>
      (!folded || matchesSearch(person, folded)) &&
      (!query.departmentId || String(person.departmentId ?? '') === query.departmentId) &&
      (!query.status || (person.status ?? 'active') === query.status) &&
      (!query.role || person.roles.includes(query.role)),
  );
  const pageCount = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const page = Math.min(query.page, pageCount);
  return {
    organisationName: organisation.name,
    departments: departmentsOfOffice(organisation),
    people: matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    matching: matching.length,
    total: everyone.length,
    page,
    pageCount,
  };
}

/** The office's departments for a form's select (archived ones only when the person is still in one). */
export async function departmentChoices(actor: Actor): Promise<{ organisationName: string; departments: OfficeDepartment[] }> {
  assertCanManagePeople(actor);
  const organisation = await officeOf(actor.organisationId);
  return { organisationName: organisation.name, departments: departmentsOfOffice(organisation) };
}

/** Throws a field error unless `departmentId` is a current (not archived) department of the office. */
function checkOpenDepartment(departments: OfficeDepartment[], departmentId: string | undefined, unchanged?: string): void {
  if (!departmentId || departmentId === unchanged) return;
  const department = departments.find((d) => d.id === departmentId);
  if (!department) throw new ValidationError({ departmentId: ['people:errors.departmentFromList'] });
  if (department.archived) throw new ValidationError({ departmentId: ['people:errors.departmentArchived'] });
}

/** Throws a field error when another person of the office already has this employee number. */
function checkEmployeeNumber(people: OfficePerson[], employeeNumber: string | undefined, ownId?: string): void {
  if (!employeeNumber) return;
  const holder = people.find((person) => person.employeeNumber === employeeNumber && String(person._id) !== ownId);
  if (holder) throw new ValidationError({ employeeNumber: ['people:errors.employeeNumberTaken'] });
}

/** Throws unless the actor may give these roles (HR: learner only). */
function checkGrantable(actor: Actor, roles: Role[]): void {
  const allowed = grantableRoles(actor) as Role[];
  if (roles.some((role) => !allowed.includes(role))) throw new ValidationError({ roles: ['people:errors.rolesAdminOnly'] });
}

/**
 * Adds a person to the actor's office as `invited` and sends the invitation (invitePerson audits person.invited).
 * The department must be a current one, the employee number unique in the office, the address unused anywhere.
 */
export async function addPerson(deps: PeopleDeps, actor: Actor, body: AddPersonBody): Promise<{ userId: string }> {
  assertCanManagePeople(actor);
  const roles: Role[] = body.roles.length ? body.roles : ['learner'];
  checkGrantable(actor, roles);
  const organisation = await officeOf(actor.organisationId);
  checkOpenDepartment(departmentsOfOffice(organisation), body.departmentId);
  checkEmployeeNumber(await peopleOfOffice(organisation._id), body.employeeNumber);
  const outcome = await invitePerson(
    deps,
    {
      organisationId: actor.organisationId,
      organisationName: organisation.name,
      email: body.email,
      fullName: body.fullName,
      roles,
      departmentId: body.departmentId,
      position: body.position,
      employeeNumber: body.employeeNumber,
    },
    actor,
  );
  if (!outcome.invited) throw new ValidationError({ email: ['people:errors.emailTaken'] });
  return { userId: outcome.userId };
}

/** A person of the actor's office for the edit page (404 for anyone else's). */
export async function personToEdit(actor: Actor, userId: string): Promise<{ person: OfficePerson; departments: OfficeDepartment[]; organisationName: string }> {
  assertCanManagePeople(actor);
  const organisation = await officeOf(actor.organisationId);
  const person = await personOfOffice(actor.organisationId, userId);
  return { person, departments: departmentsOfOffice(organisation), organisationName: organisation.name };
}

/**
 * The department fields of a move at `at`: the open period is closed and a new one opened (a person with no
 * recorded period gets one from their current department first, so no time in a department goes unrecorded).
 */
export function movedDepartment(person: Pick<OfficePerson, 'departmentId' | 'departmentHistory'>, to: Types.ObjectId | undefined, at: Date) {
  const history = (person.departmentHistory ?? []).map((period) => ({ departmentId: period.departmentId, from: period.from, to: period.to ?? undefined }));
  const open = history.find((period) => !period.to);
  if (open) open.to = at;
  else if (person.departmentId) history.push({ departmentId: person.departmentId, from: at, to: at });
  if (to) history.push({ departmentId: to, from: at, to: undefined });
  return { departmentId: to, departmentHistory: history };
}

/** The department as an ObjectId, or undefined. */
function departmentObjectId(id: string | undefined): Types.ObjectId | undefined {
  return id ? new Types.ObjectId(id) : undefined;
}

/**
 * Changes a person's department (a move, with history), position and employee number. Audited as person.moved
 * (from → to) and person.detailsChanged (before → after), each only when something changed.
 */
export async function changePersonDetails(deps: PeopleDeps, actor: Actor, userId: string, body: PersonDetailsBody): Promise<{ changed: boolean }> {
  const { person, departments } = await personToEdit(actor, userId);
  const currentDepartment = person.departmentId ? String(person.departmentId) : undefined;
  checkOpenDepartment(departments, body.departmentId, currentDepartment);
  checkEmployeeNumber(await peopleOfOffice(actor.organisationId), body.employeeNumber, userId);
  const subject = { kind: 'person', id: userId, label: person.fullName };
  const moved = body.departmentId !== currentDepartment;
  const details: Record<string, { before: string | null; after: string | null }> = {};
  if ((person.position ?? undefined) !== body.position) details.position = { before: person.position ?? null, after: body.position ?? null };
  if ((person.employeeNumber ?? undefined) !== body.employeeNumber) details.employeeNumber = { before: person.employeeNumber ?? null, after: body.employeeNumber ?? null };
  if (!moved && !Object.keys(details).length) return { changed: false };

  const now = new Date();
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  if (moved) {
    const move = movedDepartment(person, departmentObjectId(body.departmentId), now);
    set.departmentHistory = move.departmentHistory;
    if (move.departmentId) set.departmentId = move.departmentId;
    else unset.departmentId = 1;
  }
  for (const field of ['position', 'employeeNumber'] as const) {
    if (!details[field]) continue;
    if (body[field]) set[field] = body[field];
    else unset[field] = 1;
  }
  await User.updateOne(
    { _id: person._id, organisationId: person.organisationId },
    { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) },
  );
  const nameOf = (id: string | undefined) => (id ? (departments.find((d) => d.id === id)?.name ?? id) : null);
  if (moved) {
    await deps.events.emit('person.changed', {
      organisationId: actor.organisationId,
      userId,
      departmentId: body.departmentId ?? null,
      status: person.status ?? 'active',
      change: 'moved',
    });
    await deps.audit.record({
      organisationId: actor.organisationId,
      actor: actor,
      action: 'person.moved',
      subject,
      reason: body.reason,
      details: { from: nameOf(currentDepartment), to: nameOf(body.departmentId) },
    });
  }
  if (Object.keys(details).length) {
    await deps.audit.record({ organisationId: actor.organisationId, actor: actor, action: 'person.detailsChanged', subject, reason: body.reason, details });
  }
  return { changed: true };
}

/**
 * Sets a person's office roles (learner, HR, author, admin); the operator role, not the office's to give, stays.
 * Office admins only; an admin cannot take the admin role from themselves (the office would lock itself out).
 */
export async function changePersonRoles(deps: PeopleDeps, actor: Actor, userId: string, body: PersonRolesBody): Promise<{ changed: boolean }> {
  if (!canChangeRoles(actor)) throw new ForbiddenError();
  const { person } = await personToEdit(actor, userId);
  if (!body.roles.length) throw new ValidationError({ roles: ['people:errors.rolesRequired'] });
  if (userId === actor.id && !body.roles.includes('admin')) throw new ValidationError({ roles: ['people:errors.ownAdminRole'] });
  const kept = person.roles.filter((role) => !(OFFICE_ROLES as readonly Role[]).includes(role));
  const roles = [...OFFICE_ROLES.filter((role) => body.roles.includes(role)), ...kept];
  const before = [...person.roles].sort();
  if (before.join() === [...roles].sort().join()) return { changed: false };
  await User.updateOne({ _id: person._id, organisationId: person.organisationId }, { $set: { roles } });
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor: actor,
    action: 'person.rolesChanged',
    subject: { kind: 'person', id: userId, label: person.fullName },
    reason: body.reason,
    details: { before, after: [...roles].sort() },
  });
  return { changed: true };
}

/**
 * Deactivates a leaver: they cannot sign in, and their open sessions end at their next request (sessionUserById
 * refuses anyone not active). Their records and certificates stay; reports show them as having left.
 */
export async function deactivatePerson(deps: PeopleDeps, actor: Actor, userId: string, body: DeactivateBody): Promise<void> {
  const { person } = await personToEdit(actor, userId);
  if (userId === actor.id) throw new ValidationError({ reason: ['people:errors.notYourself'] });
  // HR may not lock out an office admin: that is another admin's decision.
  if (person.roles.includes('admin') && !canChangeRoles(actor)) throw new ForbiddenError();
  if (person.status === 'deactivated') return;
  const at = new Date();
  await User.updateOne({ _id: person._id, organisationId: person.organisationId }, { $set: { status: 'deactivated', deactivatedAt: at } });
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor: actor,
    action: 'person.deactivated',
    subject: { kind: 'person', id: userId, label: person.fullName },
    reason: body.reason,
    details: { statusBefore: person.status ?? 'active' },
  });
  await deps.events.emit('person.changed', {
    organisationId: actor.organisationId,
    userId,
    departmentId: person.departmentId ? String(person.departmentId) : null,
    status: 'deactivated',
    change: 'left',
  });
}

/**
 * Reactivates a person who left: active again if they had chosen a password, otherwise invited (the invitation
 * can then be sent again). deactivatedAt is cleared; the audit trail keeps when they left.
 */
export async function reactivatePerson(deps: PeopleDeps, actor: Actor, userId: string, body: ReactivateBody): Promise<{ status: AccountStatus }> {
  const { person } = await personToEdit(actor, userId);
  if (person.status !== 'deactivated') return { status: (person.status ?? 'active') as AccountStatus };
  const withPassword = await User.exists({ _id: person._id, passwordHash: { $exists: true } });
  const status: AccountStatus = withPassword ? 'active' : 'invited';
  await User.updateOne({ _id: person._id, organisationId: person.organisationId }, { $set: { status }, $unset: { deactivatedAt: 1 } });
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor: actor,
    action: 'person.reactivated',
    subject: { kind: 'person', id: userId, label: person.fullName },
    reason: body.reason,
    details: { status },
  });
  await deps.events.emit('person.changed', {
    organisationId: actor.organisationId,
    userId,
    departmentId: person.departmentId ? String(person.departmentId) : null,
    status,
    change: 'returned',
  });
  return { status };
}

/** Sends an invited person a new link (the earlier one stops working). False when they are no longer invited. */
export async function resendPersonInvitation(deps: PeopleDeps, actor: Actor, userId: string): Promise<boolean> {
  const { person, organisationName } = await personToEdit(actor, userId);
  if (person.status !== 'invited') return false;
  return resendInvitation(deps, userId, organisationName, actor);
}

/** The office roles of a list (for the role checkboxes). */
export function officeRolesOf(roles: Role[]): OfficeRole[] {
  return OFFICE_ROLES.filter((role) => roles.includes(role));
}
