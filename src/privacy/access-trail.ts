// The access trail's rules: record each view or export of other people's data, and read it back (admin, IOD, learner).
import { Types } from 'mongoose';
import type { Clock } from '../calendar/clock.js';
import type { PersonalDataAccessed, PlatformEvents } from '../events/platform-events.js';
import { AccessTrailEntry, type AccessTrailEntryDoc } from './access-trail-entry.model.js';

/** The most people one entry names (a matrix export of a large office names thousands: the count stays exact). */
export const MAX_SUBJECTS = 2000;

/** The role an entry is recorded under: the widest of the viewer's (an admin who is also HR views as admin). */
function roleOf(roles: readonly string[]): string {
  return ['admin', 'iod', 'hr'].find((role) => roles.includes(role)) ?? 'learner';
}

/** Writes one entry for an access to others' data; one's own data is not recorded (nobody else's was shown). */
export async function recordAccess(clock: Clock, event: PersonalDataAccessed): Promise<void> {
  const subjects = [...new Set(event.subjectIds)].filter((id) => id !== event.viewer.id);
  if (subjects.length === 0) return;
  await AccessTrailEntry.create({
    organisationId: new Types.ObjectId(event.organisationId),
    at: clock.now(),
    viewerId: new Types.ObjectId(event.viewer.id),
    viewerName: event.viewer.fullName,
    viewerRole: roleOf(event.viewer.roles),
    what: event.what,
    subjectIds: subjects.slice(0, MAX_SUBJECTS),
    subjectCount: subjects.length,
    scope: event.scope,
  });
}

/**
 * Records every access the features announce; createPlatform wires it. A failure to record is logged by the event
 * bus (the page was already allowed; the log line names the viewer and the kind, never the people shown).
 */
export function listenForPersonalDataAccess(deps: { events: PlatformEvents; clock: Clock }): void {
  deps.events.on('personalData.accessed', (event) => recordAccess(deps.clock, event));
}

/**
 * One office's entries, newest first, a page at a time, optionally only those that showed `subjectId`. On FerretDB
 * the filter reads the office's whole trail (every office's, in fact: one collection); the trail is read rarely.
 */
export async function accessTrailOf(
  organisationId: string,
  options: { subjectId?: string; limit?: number; skip?: number } = {},
): Promise<{ entries: AccessTrailEntryDoc[]; hasMore: boolean }> {
  const limit = options.limit ?? 50;
  const filter: Record<string, unknown> = { organisationId: new Types.ObjectId(organisationId) };
  if (options.subjectId) filter.subjectIds = options.subjectId;
  const docs = await AccessTrailEntry.find(filter)
    .sort({ at: -1, _id: -1 })
    .skip(options.skip ?? 0)
    .limit(limit + 1)
    .lean<AccessTrailEntryDoc[]>();
  return { entries: docs.slice(0, limit), hasMore: docs.length > limit };
}

/** Deletes the entries written before `before` (the retention job, RETENTION_ACCESS_TRAIL_DAYS; one pass). */
export async function removeAccessEntriesBefore(before: Date): Promise<number> {
  const { deletedCount } = await AccessTrailEntry.deleteMany({ at: { $lt: before } }).setOptions({ acrossOrganisations: true });
  return deletedCount;
}
