// The signed-in person as the rest of the app sees it (req.user), never the mongoose document.
import type { Types } from 'mongoose';
import type { Role, UserDoc } from './user.model.js';

export interface SessionUser {
  id: string;
  organisationId: string;
  email: string;
  fullName: string;
  roles: Role[];
  /** Opaque id used as the xAPI account name. */
  learnerId: string;
  language: 'pl' | 'en';
  departmentId?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport's req.user is Express.User: make it our SessionUser.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
  }
}

export function toObjectIdString(id: Types.ObjectId | string): string {
  return typeof id === 'string' ? id : id.toHexString();
}

/** The SessionUser for a user document (what passport puts on req.user). */
export function toSessionUser(user: UserDoc): SessionUser {
  return {
    id: toObjectIdString(user._id),
    organisationId: toObjectIdString(user.organisationId),
    email: user.email,
    fullName: user.fullName,
    roles: [...(user.roles ?? [])] as Role[],
    learnerId: user.learnerId,
    language: user.language === 'en' ? 'en' : 'pl',
    departmentId: user.departmentId ? toObjectIdString(user.departmentId) : undefined,
  };
}
