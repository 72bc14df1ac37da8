// Who may manage the people of an office: HR and office admins, in their own office; only admins change roles.
import type { SessionUser } from '../auth/session-user.js';
import type { Role } from '../auth/user.model.js';
import { ForbiddenError } from '../http/errors.js';

/**
 * The roles the people pages give and take away. An author writes the organisation's own courses in the studio (an
 * office's private courses, an association's shared ones); the IOD (inspektor ochrony danych) reads who changed and who
 * viewed what (the audit and access trails), nothing more; the operator role is kept as it is (not an office's to give).
 */
export const OFFICE_ROLES = ['learner', 'hr', 'author', 'admin', 'iod'] as const satisfies readonly Role[];
export type OfficeRole = (typeof OFFICE_ROLES)[number];

/** HR staff and office admins add, import, move and deactivate the people of their own office. */
export function canManagePeople(actor: Pick<SessionUser, 'roles'>): boolean {
  return actor.roles.includes('hr') || actor.roles.includes('admin');
}

/** Throws ForbiddenError unless the actor manages people (services check it too, not only the routes). */
export function assertCanManagePeople(actor: Pick<SessionUser, 'roles'>): void {
  if (!canManagePeople(actor)) throw new ForbiddenError();
}

/**
 * Only an office admin grants or withdraws roles (learner, HR, author, admin): HR adding or importing people adds
 * learners. Granting HR or admin gives access to everyone's records, so it is the administrator's act.
 */
export function canChangeRoles(actor: Pick<SessionUser, 'roles'>): boolean {
  return actor.roles.includes('admin');
}

/** The roles an actor may give a new person: learner for HR, any office role for an admin. */
export function grantableRoles(actor: Pick<SessionUser, 'roles'>): OfficeRole[] {
  return canChangeRoles(actor) ? [...OFFICE_ROLES] : ['learner'];
}
