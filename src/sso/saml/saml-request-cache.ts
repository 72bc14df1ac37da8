// node-saml's CacheProvider over the saml_requests collection: the AuthnRequest IDs an office's method is waiting for.
import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../db/database-errors.js';
import { SamlRequest, type SamlRequestDoc } from './saml-request.model.js';

/** How long an AuthnRequest (and its RelayState) may wait for its answer. */
export const SAML_REQUEST_TTL_MS = 15 * 60 * 1000;

/**
 * One method's requests: saved at the redirect to the IdP, read and removed by node-saml when the answer's
 * InResponseTo is checked. Shared by every instance (nothing in memory). Each save also deletes this method's
 * requests older than the TTL, so unanswered ones do not pile up.
 */
export class SamlRequestCache implements CacheProvider {
  readonly #organisationId: Types.ObjectId;
  readonly #methodId: Types.ObjectId;

  constructor(organisationId: Types.ObjectId | string, methodId: Types.ObjectId | string) {
    this.#organisationId = new Types.ObjectId(String(organisationId));
    this.#methodId = new Types.ObjectId(String(methodId));
  }

  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    const createdAt = new Date();
    await SamlRequest.deleteMany({ organisationId: this.#organisationId, methodId: this.#methodId, createdAt: { $lt: new Date(createdAt.getTime() - SAML_REQUEST_TTL_MS) } });
    try {
      await SamlRequest.create({ _id: `request:${key}`, organisationId: this.#organisationId, methodId: this.#methodId, value, createdAt });
    } catch (error) {
      // node-saml's contract: null when the key is already there.
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
    return { value, createdAt: createdAt.getTime() };
  }

  async getAsync(key: string): Promise<string | null> {
    const found = await this.#find(`request:${key}`);
    return found?.value ?? null;
  }

  async removeAsync(key: string | null): Promise<string | null> {
    if (!key) return null;
    const found = await this.#find(`request:${key}`);
    if (!found) return null;
    await SamlRequest.deleteOne({ _id: found._id, organisationId: this.#organisationId });
    return key;
  }

  /** Keeps a RelayState's local next path; the RelayState itself is an opaque random id. */
  async saveRelayState(relayState: string, nextPath: string | undefined): Promise<void> {
    await SamlRequest.create({ _id: `relay:${relayState}`, organisationId: this.#organisationId, methodId: this.#methodId, nextPath });
  }

  /** The next path a RelayState stood for (once: it is deleted), or undefined. */
  async takeRelayState(relayState: unknown): Promise<string | undefined> {
    if (typeof relayState !== 'string' || !/^[A-Za-z0-9_-]{16,100}$/.test(relayState)) return undefined;
    const found = await this.#find(`relay:${relayState}`);
    if (!found) return undefined;
    await SamlRequest.deleteOne({ _id: found._id, organisationId: this.#organisationId });
    return found.nextPath ?? undefined;
  }

  /** By `_id`, and only this method's and within the TTL. */
  async #find(id: string): Promise<SamlRequestDoc | undefined> {
    const found = await SamlRequest.findById(id).lean<SamlRequestDoc>();
    if (!found || String(found.organisationId) !== String(this.#organisationId) || String(found.methodId) !== String(this.#methodId)) return undefined;
    if (Date.now() - found.createdAt.getTime() > SAML_REQUEST_TTL_MS) return undefined;
    return found;
  }
}
