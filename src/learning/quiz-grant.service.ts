// HR's exceptions to the quiz rules: one more attempt beyond the limit, or a lifted cool-down, each with a reason.
import type { AuditTrail } from '../audit/audit-trail.js';
import type { SessionUser } from '../auth/session-user.js';
import { usersOfOrganisation } from '../auth/users.read.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { ConflictError, NotFoundError } from '../http/errors.js';
import mongoose, { type Types } from 'mongoose';
import { grantKey, insertKey } from './enrolment-keys.js';
import { findEnrolment } from './enrolment.service.js';
import { assertCanGrantQuizAttempts } from './learning.policy.js';
import { QuizAttemptGrant, type QuizGrantKind } from './quiz-attempt-grant.model.js';
import { quizStanding } from './quiz.service.js';

/** What granting needs from the platform (a Platform fits). */
export interface QuizGrantDeps {
  catalogue: Pick<CourseCatalogue, 'get'>;
  audit: Pick<AuditTrail, 'record'>;
}

export interface GrantQuizExceptionParams {
  /** The HR person or office admin granting it. */
  actor: Pick<SessionUser, 'id' | 'fullName' | 'roles' | 'organisationId'>;
  /** The person it is granted to, already found in the actor's organisation. */
  person: { id: string; fullName: string };
  courseId: string;
  kind: QuizGrantKind;
  reason: string;
  now?: Date;
}

/**
 * Grants one person, on one enrolled course, one more quiz attempt beyond maxAttempts or a start despite the
 * running cool-down; stored, then written to the audit trail. Refused (ConflictError) when it would change
 * nothing: the quiz is passed, no cool-down runs, or an unused grant of the same kind is waiting.
 */
export async function grantQuizException(deps: QuizGrantDeps, params: GrantQuizExceptionParams): Promise<{ courseTitle: string }> {
  const { actor, person, kind } = params;
  assertCanGrantQuizAttempts(actor);
  const learner = { id: person.id, organisationId: actor.organisationId, fullName: person.fullName, learnerId: '' };
  const course = deps.catalogue.get(params.courseId);
  // The enrolment is looked up in the actor's organisation: another office's person or course is not found.
  const enrolment = course ? await findEnrolment(learner, course.id) : null;
  if (!course || !enrolment) throw new NotFoundError('Ta osoba nie jest zapisana na to szkolenie.');
  const standing = await quizStanding({ learner, course, now: params.now });
  if (standing.passed) throw new ConflictError('Ta osoba zaliczyła już test tego szkolenia.');
  if (standing.grants.some((grant) => grant.kind === kind && !grant.usedAt)) {
    throw new ConflictError(kind === 'extra_attempt' ? 'Ta osoba ma już przyznaną, niewykorzystaną dodatkową próbę.' : 'Przerwa przed kolejnym podejściem została już zniesiona.');
  }
  if (kind === 'cooldown_lift' && !standing.cooldownEndsAt) throw new ConflictError('Teraz nie trwa przerwa po niezaliczonym teście: nie ma czego znosić.');

  // The grant's key first (`grant:<enrolmentId>:<n>`): two HR people granting at once both get here, one key wins.
  const { number } = standing.nextGrant;
  const grantId = standing.nextGrant.itemId ?? new mongoose.Types.ObjectId();
  if (!standing.nextGrant.itemId) {
    const won = await insertKey({ _id: grantKey(enrolment._id, number), organisationId: enrolment.organisationId, enrolmentId: enrolment._id, itemId: grantId });
    if (!won) throw new ConflictError('Ktoś właśnie przyznał tej osobie wyjątek. Odśwież stronę i sprawdź, czy jest jeszcze potrzebny.');
  }
  const grant = await QuizAttemptGrant.create({
    _id: grantId,
    organisationId: enrolment.organisationId,
    enrolmentId: enrolment._id,
    userId: enrolment.userId,
    courseId: course.id,
    kind,
    reason: params.reason,
    grantedBy: actor.id,
    grantedByName: actor.fullName,
    grantedAt: params.now ?? new Date(),
  });
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor,
    action: kind === 'extra_attempt' ? 'quiz.attemptGranted' : 'quiz.cooldownLifted',
    subject: { kind: 'person', id: person.id, label: person.fullName },
    reason: params.reason,
    details: {
      course: course.title,
      attemptsUsed: standing.counted,
      ...(course.quiz.maxAttempts !== undefined ? { maxAttempts: course.quiz.maxAttempts } : {}),
      grantId: grant._id.toHexString(),
    },
  });
  return { courseTitle: course.title };
}

/** An HR person a learner can ask for another attempt. */
export interface QuizGrantContact {
  fullName: string;
  email: string;
}

/**
 * Who can grant a learner of `organisationId` another attempt: the office's active HR people (role `hr`), by name.
 * Read through the auth room's read API (one scan of the office's own member copies), never the user collection.
 */
export async function quizGrantContacts(organisationId: Types.ObjectId | string): Promise<QuizGrantContact[]> {
  const members = await usersOfOrganisation<{ _id: Types.ObjectId; fullName: string; email: string; roles?: string[]; status?: string }>(
    organisationId,
    'fullName email roles status',
  );
  return members
    .filter((member) => member.roles?.includes('hr') && (member.status ?? 'active') === 'active')
    .map((member) => ({ fullName: member.fullName, email: member.email }))
    .sort((a, b) => a.fullName.localeCompare(b.fullName, 'pl'));
}
