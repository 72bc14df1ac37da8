// Who belongs to an organisation: a copy of each person's user document (no password), in the organisation's own partition.
import { isDeepStrictEqual } from 'node:util';
import { Schema, Types, model } from 'mongoose';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { partitionOf } from '../db/partitions.js';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * Listing an office's people by `User.find({organisationId})` decodes every user of the installation on FerretDB
 * (8,000 at 40 offices), and reading them one by one by `_id` costs 2,000 look-ups for a large office. So each office
 * keeps a copy of its people in a collection of its own: HR's lists and the matrix scan that office's copies only.
 * user.model.ts keeps the copies in step on every write (its hooks call the functions below); a process that dies
 * between a user write and its copy is repaired at the next start (syncOrganisationMembers). The copy never holds
 * the password hash.
 */
const organisationMemberSchema = new Schema(
  {
    /** The user's `_id`. */
    _id: { type: Schema.Types.ObjectId, required: true },
  },
  // The other fields are the user's, as stored (see copyOf): strict off, so the copy keeps whatever the user has.
  { versionKey: false, strict: false },
);
organisationMemberSchema.plugin(tenantScoped);

const OrganisationMember = model('OrganisationMember', organisationMemberSchema, 'organisation_members');

/** The member copies of one organisation. */
export const membersOf = (organisationId: string | Types.ObjectId) => partitionOf(OrganisationMember, organisationId);

type StoredUser = Record<string, unknown> & { _id: Types.ObjectId; organisationId: Types.ObjectId };

/** The copy of a stored user: everything but the password hash. */
function copyOf(user: StoredUser): StoredUser {
  const { passwordHash: _secret, __v: _version, ...copy } = user;
  return copy;
}

/** Writes (or replaces) the copy of this user in their organisation's partition. */
export async function storeMemberCopy(user: StoredUser): Promise<void> {
  const members = await membersOf(user.organisationId);
  const copy = copyOf(user);
  try {
    await members.replaceOne({ _id: user._id }, copy, { upsert: true });
  } catch (error) {
    // Two writers upserting one new copy at once: the loser's replace now finds it.
    if (!isDuplicateKeyError(error)) throw error;
    await members.replaceOne({ _id: user._id }, copy);
  }
}

/** Writes the copies of users just inserted together (one insert per organisation; a copy already there is kept). */
export async function storeNewMemberCopies(users: StoredUser[]): Promise<void> {
  for (const organisation of new Set(users.map((user) => String(user.organisationId)))) {
    const copies = users.filter((user) => String(user.organisationId) === organisation).map(copyOf);
    try {
      await (await membersOf(organisation)).insertMany(copies, { ordered: false });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}

/** Removes the copy of a user who is being deleted. */
export async function removeMemberCopy(userId: Types.ObjectId, organisationId: Types.ObjectId): Promise<void> {
  await (await membersOf(organisationId)).deleteOne({ _id: userId });
}

/**
 * Brings every organisation's copies in step with the users (start-up): writes the copies that differ or are missing
 * and removes those of deleted users. One scan of the users and of each organisation's copies; writes only what
 * differs, so a start after a clean stop writes nothing. Returns how many copies it wrote or removed.
 */
export async function syncMemberCopies(users: StoredUser[]): Promise<number> {
  const byOrganisation = new Map<string, StoredUser[]>();
  for (const user of users) {
    const key = String(user.organisationId);
    byOrganisation.set(key, [...(byOrganisation.get(key) ?? []), user]);
  }
  let changed = 0;
  for (const [organisation, people] of byOrganisation) {
    const organisationId = new Types.ObjectId(organisation);
    const copies = new Map((await (await membersOf(organisationId)).find({ organisationId }).lean<StoredUser[]>()).map((copy) => [String(copy._id), copy]));
    for (const user of people) {
      const copy = copies.get(String(user._id));
      copies.delete(String(user._id));
      if (copy && isDeepStrictEqual(copy, copyOf(user))) continue;
      await storeMemberCopy(user);
      changed += 1;
    }
    for (const stale of copies.values()) {
      await removeMemberCopy(stale._id, organisationId);
      changed += 1;
    }
  }
  return changed;
}
