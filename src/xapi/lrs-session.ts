// The LRS's one seam for credentials it did not issue to an LRS client: a token another feature gave one launched
// session (cmi5, src/cmi5/cmi5-lrs.ts). Such a request is narrower than a client's, and its statements obey that
// feature's rules; requests with an LRS client's key and secret never pass here.
import type { LrsCredentials } from './lrs-client.service.js';

/** An LRS request under a session token, as the authority checks it (the resource's path and its parameters). */
export interface SessionRequest {
  method: string;
  /** The resource path under /xapi, e.g. /statements, /activities/state. */
  path: string;
  params: ReadonlyMap<string, string>;
}

/** A batch the authority let through: told once it is stored, or that the store refused it (the session is put back). */
export interface AdmittedBatch {
  stored(): Promise<void>;
  refused(): Promise<void>;
}

export interface LrsSessionAuthority {
  /** The key prefix of this authority's tokens; LRS client keys (base64url) cannot contain it, so the two never meet. */
  readonly keyPrefix: string;
  /** The credentials of a token it issued, or undefined (unknown, used up, the session over). */
  authenticate(key: string, secret: string): Promise<LrsCredentials | undefined>;
  /** Throws a ForbiddenError for a request the session may not make (another activity, agent, registration…). */
  checkRequest(credentials: LrsCredentials, request: SessionRequest): Promise<void>;
  /** Checks a batch (already valid xAPI) against the session's rules; throws a 4xx AppError to refuse it whole. */
  admitStatements(credentials: LrsCredentials, statements: Record<string, unknown>[]): Promise<AdmittedBatch>;
}
