// Who may do what with a certificate: learners their own, HR and admins their own organisation's.
import type { SessionUser } from '../auth/session-user.js';
import { ForbiddenError } from '../http/errors.js';

export type CertificateAction = 'download' | 'revoke' | 'reissue' | 'list-organisation';

/** The parts of a certificate a decision needs. */
export interface CertificateOwnership {
  userId: { toString(): string };
  organisationId: { toString(): string };
}

// Admins are an office's own administrators (as on /admin/lrs-klienci), not platform operators: an admin of
// one office must not act on another office's certificates, so both roles stop at their own organisation.
function managesOrganisation(user: SessionUser, organisationId: string): boolean {
  return (user.roles.includes('hr') || user.roles.includes('admin')) && user.organisationId === organisationId;
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
