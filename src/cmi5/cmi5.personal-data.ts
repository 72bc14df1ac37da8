// What the cmi5 feature keeps about a person, for the erasure (src/privacy/person-erasure.service.ts).
import { Types } from 'mongoose';
import { Cmi5AuState } from './cmi5-au-state.model.js';
import { Cmi5Session } from './cmi5-session.model.js';

/**
 * Deletes a person's cmi5 sessions (their learner id, registrations, launch times) and the AU states of their
 * registrations in their office. The AU states go first, found through the sessions: a retried erasure that stopped
 * between the two still finds the sessions and finishes. Their LMS.LaunchData is an LRS document about their agent,
 * deleted with the other documents. Returns how many records went.
 */
export async function eraseCmi5DataOf(params: { organisationId: string; userId: string }): Promise<number> {
  const organisationId = new Types.ObjectId(params.organisationId);
  const userId = new Types.ObjectId(params.userId);
  const sessions = await Cmi5Session.find({ organisationId, userId }).select({ enrolmentId: 1 }).lean<Array<{ enrolmentId: Types.ObjectId }>>();
  const enrolmentIds = [...new Map(sessions.map((session) => [String(session.enrolmentId), session.enrolmentId])).values()];
  const states = enrolmentIds.length ? (await Cmi5AuState.deleteMany({ organisationId, enrolmentId: { $in: enrolmentIds } })).deletedCount : 0;
  const { deletedCount } = await Cmi5Session.deleteMany({ organisationId, userId });
  return states + deletedCount;
}

/**
 * A person's cmi5 sessions and the AU states of their registrations, for their data download (RODO art. 15 and 20).
 * The hashes of the session's one-time secrets are left out: they are credentials, not data about the person.
 */
export async function cmi5DataOf(params: { organisationId: string; userId: string }) {
  const organisationId = new Types.ObjectId(params.organisationId);
  const userId = new Types.ObjectId(params.userId);
  const sessions = await Cmi5Session.find({ organisationId, userId })
    .select({ organisationId: 0, __v: 0, fetchHash: 0, tokenHash: 0 })
    .sort({ launchedAt: 1 })
    .lean<Array<{ enrolmentId: Types.ObjectId } & Record<string, unknown>>>();
  const enrolmentIds = [...new Map(sessions.map((session) => [String(session.enrolmentId), session.enrolmentId])).values()];
  const auStates = enrolmentIds.length
    ? await Cmi5AuState.find({ organisationId, enrolmentId: { $in: enrolmentIds } })
        .select({ organisationId: 0, __v: 0 })
        .lean()
    : [];
  return { cmi5Sessions: sessions, cmi5AuStates: auStates };
}
