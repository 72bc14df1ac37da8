// Who may do what with a certificate: learners their own, HR their organisation's, admins any.
import type { SessionUser } from '../auth/session-user.js';
import { ForbiddenError } from '../http/errors.js';

export type CertificateAction = 'download' | 'revoke' | 'reissue' | 'list-organisation';

/** The parts of a certificate a decision needs. */
export interface CertificateOwnership {
  userId: { toString(): string };
  organisationId: { toString(): string };
}

function managesOrganisation(user: SessionUser, organisationId: string): boolean {
  if (user.roles.includes('admin')) return true;
  return user.roles.includes('hr') && user.organisationId === organisationId;
}

/** True when `user` may do `action` with `certificate` (or, for list-organisation, with that organisation's list). */
export function can(user: SessionUser, action: CertificateAction, certificate: CertificateOwnership): boolean {
  const organisationId = certificate.organisationId.toString();
  switch (action) {
    case 'download':
      return certificate.userId.toString() === user.id || managesOrganisation(user, organisationId);
    case 'revoke':
    case 'reissue':
    case 'list-organisation':
      return managesOrganisation(user, organisationId);
  }
}

/** Throws ForbiddenError unless `can(user, action, certificate)`. */
export function authorise(user: SessionUser, action: CertificateAction, certificate: CertificateOwnership): void {
  if (!can(user, action, certificate)) throw new ForbiddenError();
}
