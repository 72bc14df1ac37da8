// Erasure of a person (art. 17 RODO): the person asks, the office admin orders it with a reason, a job carries it out.
import { Types } from 'mongoose';
import { eraseAssignmentsOf } from '../assignments/assignments.personal-data.js';
import { ERASED_PERSON_LABEL, type AuditActor, type AuditTrail } from '../audit/audit-trail.js';
import { accountToErase, deleteAccount, stopSigningIn } from '../auth/account-personal-data.js';
import { addMonths } from '../calendar/calendar.js';
import type { Clock } from '../calendar/clock.js';
import { holdCertificatesOfErasedPerson } from '../certificates/certificate-personal-data.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import type { PlatformEvents } from '../events/platform-events.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../http/errors.js';
import { eraseLearningOf } from '../learning/learning.personal-data.js';
import type { Logger } from '../logger.js';
import { forgetMailTo } from '../mail/outbox-retention.js';
import { certificateRetentionYearsOf } from '../organisations/organisation.service.js';
import { agentKeysOf, deleteAgentDocuments, newPseudonym, pseudonymiseStatements } from '../xapi/agent-personal-data.js';
import type { XapiVocabulary } from '../xapi/xapi-vocabulary.js';
import { deleteDataExportOf } from './data-export.service.js';
import { ERASURE_STEPS, ErasureRequest, PersonErasure, type ErasureRequestDoc, type ErasureStep, type PersonErasureDoc } from './person-erasure.model.js';
import { eraseCmi5DataOf } from '../cmi5/cmi5.personal-data.js';
import { eraseScormAttemptsOf } from '../scorm/scorm.personal-data.js';

export interface ErasureDeps {
  audit: AuditTrail;
  events: PlatformEvents;
  vocabulary: XapiVocabulary;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** Who acts: the office admin (or, for the retention job, the platform under its own name). */
export interface ErasureActor extends AuditActor {
  organisationId: string;
  roles: readonly string[];
}

/** The name the trail and the erasure record give the retention job when it orders an erasure. */
export const RETENTION_JOB_ACTOR: AuditActor = { id: '000000000000000000000000', fullName: 'Zadanie retencji danych' };

const objectId = (id: string) => new Types.ObjectId(id);

/** A person's own request (from /konto): recorded once, shown to the office admin; asking again changes nothing. */
export async function requestErasure(deps: Pick<ErasureDeps, 'audit' | 'clock'>, person: AuditActor & { organisationId: string }, note: string | undefined): Promise<void> {
  const existing = await ErasureRequest.findById(person.id).lean<ErasureRequestDoc>();
  if (existing) return;
  await ErasureRequest.create({
    _id: person.id,
    organisationId: objectId(person.organisationId),
    requestedAt: deps.clock.now(),
    note,
    personName: person.fullName,
    status: 'requested',
  });
  await deps.audit.record({
    organisationId: person.organisationId,
    actor: person,
    action: 'person.erasureRequested',
    subject: { kind: 'person', id: person.id, label: person.fullName },
  });
}

/** The person's own request, if they made one (an `_id` read). */
export async function erasureRequestOf(userId: string): Promise<ErasureRequestDoc | undefined> {
  return (await ErasureRequest.findById(userId).lean<ErasureRequestDoc>()) ?? undefined;
}

/** What the office admin's page lists: requests waiting, and erasures ordered (newest first). Two scans; read rarely. */
export async function erasuresOfOffice(organisationId: string): Promise<{ requests: ErasureRequestDoc[]; erasures: PersonErasureDoc[] }> {
  const office = objectId(organisationId);
  const requests = await ErasureRequest.find({ organisationId: office, status: 'requested' }).sort({ requestedAt: 1 }).lean<ErasureRequestDoc[]>();
  const erasures = await PersonErasure.find({ organisationId: office }).sort({ orderedAt: -1 }).limit(200).lean<PersonErasureDoc[]>();
  return { requests, erasures };
}

/** Only the office's admin orders an erasure (HR deactivates leavers; deleting is the controller's decision). */
function assertMayErase(actor: ErasureActor): void {
  if (!actor.roles.includes('admin')) throw new ForbiddenError();
}

/** The person the admin would erase, for the confirmation page (their name is shown one last time). */
export async function personToErase(actor: ErasureActor, userId: string): Promise<{ id: string; fullName: string; email: string }> {
  assertMayErase(actor);
  if (!Types.ObjectId.isValid(userId)) throw new NotFoundError();
  const account = await accountToErase(actor.organisationId, userId);
  if (!account) throw new NotFoundError();
  return { id: userId, fullName: account.fullName, email: account.email };
}

/**
 * Orders the erasure: the person can no longer sign in from this moment, the order is recorded (with the reason and
 * the office's certificate period) and the trail says so; the job carries it out (runPendingErasures). An admin may
 * not erase themself (another admin must), and ordering twice keeps the first order.
 */
export async function orderErasure(deps: ErasureDeps, actor: ErasureActor, userId: string, reason: string): Promise<void> {
  if (actor.id !== RETENTION_JOB_ACTOR.id) assertMayErase(actor);
  if (userId === actor.id) throw new ValidationError({ reason: ['privacy:erasure.errors.notYourself'] });
  await personToErase({ ...actor, roles: ['admin'] }, userId);
  const now = deps.clock.now();
  const years = await certificateRetentionYearsOf(actor.organisationId);
  await stopSigningIn(actor.organisationId, userId, now);
  const created = await PersonErasure.create({
    _id: userId,
    organisationId: objectId(actor.organisationId),
    orderedAt: now,
    orderedByName: actor.fullName,
    reason,
    pseudonymName: newPseudonym(deps.vocabulary).account!.name,
    certificatesHeldUntil: addMonths(now, years * 12),
  }).catch((error: unknown) => {
    // Ordered already (two admins, or a double click): the first order stands.
    if (isDuplicateKeyError(error)) return undefined;
    throw error;
  });
  if (!created) return;
  await ErasureRequest.updateOne({ _id: userId, organisationId: objectId(actor.organisationId) }, { $set: { status: 'ordered' } });
  // The trail never names the person again: the entry is about "Osoba usunięta", with the admin's reason.
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor,
    action: 'person.erasureOrdered',
    subject: { kind: 'person', id: userId, label: ERASED_PERSON_LABEL },
    reason,
  });
  deps.logger.info({ userId, organisationId: actor.organisationId }, 'erasure ordered');
}

type StepWork = (context: { erasure: PersonErasureDoc; organisationId: string; account: Awaited<ReturnType<typeof accountToErase>> }) => Promise<number>;

/** The work of each step; every one is idempotent, so a run that stopped is continued by the next. */
function stepsOf(deps: ErasureDeps): Record<ErasureStep, StepWork> {
  const keysOf = (account: NonNullable<Awaited<ReturnType<typeof accountToErase>>>) => agentKeysOf(deps.vocabulary, { learnerId: account.learnerId, email: account.email });
  return {
    statements: async ({ erasure, organisationId, account }) => {
      if (!account) return 0;
      const pseudonym = { objectType: 'Agent' as const, account: { homePage: `${deps.vocabulary.baseUrl}/xapi/pseudonyms`, name: erasure.pseudonymName! } };
      return (await pseudonymiseStatements(organisationId, keysOf(account), pseudonym)).statements;
    },
    documents: async ({ organisationId, account }) => (account ? deleteAgentDocuments(organisationId, keysOf(account)) : 0),
    // SCORM attempts (their CMI names the person) and cmi5 sessions: keyed by the person, so before or after the
    // enrolments alike; before them here, so that nothing of a package outlives the enrolment it belonged to.
    packages: async ({ erasure, organisationId }) =>
      (await eraseScormAttemptsOf({ organisationId, userId: erasure._id })) + (await eraseCmi5DataOf({ organisationId, userId: erasure._id })),
    learning: ({ erasure, organisationId }) => eraseLearningOf(deps, { organisationId, userId: erasure._id }),
    assignments: ({ erasure, organisationId }) => eraseAssignmentsOf({ organisationId, userId: erasure._id }),
    certificates: ({ erasure, organisationId }) =>
      holdCertificatesOfErasedPerson({ organisationId, userId: erasure._id, heldUntil: erasure.certificatesHeldUntil, now: deps.clock.now() }),
    mail: async ({ account }) => (account ? forgetMailTo(account.email) : 0),
    audit: ({ erasure, organisationId }) => deps.audit.forgetSubject(organisationId, erasure._id),
    exports: ({ erasure }) => deleteDataExportOf(erasure._id),
    request: async ({ erasure, organisationId }) => {
      const { modifiedCount } = await ErasureRequest.updateOne(
        { _id: erasure._id, organisationId: objectId(organisationId) },
        { $set: { status: 'erased' }, $unset: { note: 1, personName: 1 } },
      );
      return modifiedCount;
    },
    account: async ({ erasure, organisationId, account }) => {
      if (!account) return 0;
      await deleteAccount(organisationId, erasure._id);
      return 1;
    },
  };
}

/** Carries out one ordered erasure from the first step not done yet; records each step as it ends. */
async function carryOut(deps: ErasureDeps, erasure: PersonErasureDoc): Promise<void> {
  const organisationId = erasure.organisationId.toHexString();
  const work = stepsOf(deps);
  const account = await accountToErase(organisationId, erasure._id);
  for (const step of ERASURE_STEPS) {
    if (erasure.stepsDone.includes(step)) continue;
    const count = await work[step]({ erasure, organisationId, account });
    await PersonErasure.updateOne({ _id: erasure._id, organisationId: erasure.organisationId }, { $addToSet: { stepsDone: step }, $set: { [`counts.${step}`]: count } });
    erasure.stepsDone.push(step);
  }
  await PersonErasure.updateOne(
    { _id: erasure._id, organisationId: erasure.organisationId },
    { $set: { finishedAt: deps.clock.now() }, $unset: { pseudonymName: 1, lastError: 1 } },
  );
  await deps.audit.record({
    organisationId,
    actor: { id: RETENTION_JOB_ACTOR.id, fullName: erasure.orderedByName },
    action: 'person.erased',
    subject: { kind: 'person', id: erasure._id, label: ERASED_PERSON_LABEL },
    reason: erasure.reason,
  });
  deps.logger.info({ userId: erasure._id, organisationId }, 'erasure finished');
}

/** How long one instance holds an erasure before another may take it over (a run that died is continued then). */
const LEASE_MS = 10 * 60 * 1000;

/**
 * Carries out every erasure not finished yet (the job, every minute; tests call it). Each is leased for ten minutes
 * by a claim whose key names the time slot, so two instances never run the same one at once, and one that died is
 * taken over in the next slot. Returns how many finished.
 */
export async function runPendingErasures(deps: ErasureDeps): Promise<number> {
  // Across organisations on purpose: the job's one pass over a small collection.
  const pending = await PersonErasure.find({ finishedAt: { $exists: false } })
    .setOptions({ acrossOrganisations: true })
    .lean<PersonErasureDoc[]>();
  let finished = 0;
  const slot = Math.floor(deps.clock.now().getTime() / LEASE_MS);
  for (const erasure of pending) {
    const lease = `erasure:${erasure._id}:${slot}`;
    if (!(await claimOnce(lease, erasure.organisationId))) continue;
    try {
      await carryOut(deps, { ...erasure, stepsDone: [...(erasure.stepsDone ?? [])] });
      finished += 1;
    } catch (error) {
      deps.logger.warn({ err: error, userId: erasure._id }, 'erasure stopped; the next run continues it');
      // The lease goes back at once, so the next run (or a retry) continues without waiting for the next slot.
      await releaseClaim(lease, erasure.organisationId).catch(() => undefined);
      await PersonErasure.updateOne(
        { _id: erasure._id, organisationId: erasure.organisationId },
        { $set: { lastError: String((error as Error).message ?? error).slice(0, 500) } },
      ).catch(() => undefined);
    }
  }
  return finished;
}
