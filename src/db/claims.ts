// Claiming the right to do something once, across requests and instances, by inserting a unique key.
import type { Types } from 'mongoose';
import { Claim } from './claim.model.js';
import { isDuplicateKeyError } from './database-errors.js';

/**
 * Inserts the claim `key` (e.g. `revoke:<certificateId>`) for the organisation. True when this caller
 * inserted it and so may go ahead; false when someone already holds it (duplicate key 11000).
 */
export async function claimOnce(key: string, organisationId: Types.ObjectId | string): Promise<boolean> {
  try {
    await Claim.create({ _id: key, organisationId });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** Gives a won claim back after the work it guarded failed, so that a retry can claim it again. */
export async function releaseClaim(key: string, organisationId: Types.ObjectId | string): Promise<void> {
  await Claim.deleteOne({ _id: key, organisationId });
}
