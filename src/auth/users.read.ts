// The auth room's read API for other rooms: the people of an organisation, without scanning every user.
import { Types } from 'mongoose';
import { findEachById } from '../db/lookups.js';
import type { Logger } from '../logger.js';
import { membersOf, syncMemberCopies } from './organisation-member.model.js';
import { User } from './user.model.js';

/**
 * The organisation's users with the `fields` given (space-separated, as mongoose's select), in no particular order.
 * Cost: one scan of the organisation's own member copies (organisation-member.model.ts), so it does not grow with the
 * other organisations (on FerretDB `User.find({organisationId})` decodes every user of the installation).
 */
export async function usersOfOrganisation<T extends { _id: Types.ObjectId }>(organisationId: Types.ObjectId | string, fields: string): Promise<T[]> {
  const organisation = new Types.ObjectId(String(organisationId));
  return (await membersOf(organisation)).find({ organisationId: organisation }).select(fields).lean<T[]>();
}

/**
 * The user of the organisation linked to this directory identity (src/sso provisioning), or undefined. One scan of
 * the organisation's own member copies (which carry the `directory` link), never of every user.
 */
export async function userIdLinkedToDirectory(organisationId: Types.ObjectId | string, methodId: Types.ObjectId | string, subject: string): Promise<Types.ObjectId | undefined> {
  const organisation = new Types.ObjectId(String(organisationId));
  const copy = await (
    await membersOf(organisation)
  )
    .findOne({ organisationId: organisation, 'directory.methodId': new Types.ObjectId(String(methodId)), 'directory.subject': subject })
    // The copies' schema names no fields (strict: false): without this, strictQuery would drop the directory filter.
    .setOptions({ strictQuery: false })
    .select('_id')
    .lean<{ _id: Types.ObjectId }>();
  return copy?._id;
}

/** The users with these ids in the organisation (others, and unknown ids, left out); one `_id` look-up each. */
export async function usersByIds<T extends { _id: Types.ObjectId }>(
  organisationId: Types.ObjectId | string,
  ids: ReadonlyArray<Types.ObjectId | string>,
  fields: string,
): Promise<T[]> {
  const users = await findEachById([...new Set(ids.map(String))], (id) => User.findById(id).select(`${fields} organisationId`).lean<T & { organisationId: Types.ObjectId }>());
  return users.filter((user) => String(user.organisationId) === String(organisationId));
}

/**
 * Brings the member copies in step with the users at start-up (a process that died between a user write and its
 * copy). One scan of every user (across organisations by design) and of each office's copies; writes only what
 * differs. About half a second for 8,000 users on the embedded database.
 */
export async function syncOrganisationMembers(logger: Pick<Logger, 'info'>): Promise<void> {
  const users = await User.find({}).setOptions({ acrossOrganisations: true }).lean<Array<Record<string, unknown> & { _id: Types.ObjectId; organisationId: Types.ObjectId }>>();
  const changed = await syncMemberCopies(users);
  if (changed) logger.info({ changed }, 'organisation member copies brought in step with the users');
}
