// Who may see the completion matrix, assign courses and send reminders: HR and admins, in their own organisation.
import type { SessionUser } from '../auth/session-user.js';
import { ForbiddenError } from '../http/errors.js';

/** HR staff and admins manage mandatory training of their own organisation. */
export function canManageTraining(actor: Pick<SessionUser, 'roles'>): boolean {
  return actor.roles.includes('hr') || actor.roles.includes('admin');
}

/** Throws ForbiddenError unless the actor manages training (the services check it too, not only the routes). */
export function assertCanManageTraining(actor: Pick<SessionUser, 'roles'>): void {
  if (!canManageTraining(actor)) throw new ForbiddenError();
}
