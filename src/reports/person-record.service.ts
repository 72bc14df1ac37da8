// One person's training record for HR: enrolments, quiz attempts and grants, certificates, assignments and reminders.
import type { SessionUser } from '../auth/session-user.js';
import type { CertificateDoc } from '../certificates/certificate.model.js';
import { certificatesOfLearner } from '../certificates/certificate-queries.service.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Course } from '../courses/course.types.js';
import { enrolmentsOfOrganisation, quizAttemptsOfPerson, quizGrantsOfPerson, trainingFactsOf, type QuizAttemptSummary, type QuizGrantSummary } from '../learning/learning.read.js';
import type { EnrolmentDoc } from '../learning/enrolment.model.js';
import type { LearningProgressDoc } from '../learning/learning-progress.model.js';
import { quizStanding, type QuizStanding } from '../learning/quiz.service.js';
import { grantQuizException, type QuizGrantDeps } from '../learning/quiz-grant.service.js';
import type { QuizGrantKind } from '../learning/quiz-attempt-grant.model.js';
import { dueForLegalChange, trainingStatus, type TrainingStatus } from '../learning/training-status.js';
import type { StandingCompletion, StandingFacts } from './training-standing.model.js';
import { standingsOf } from './training-standings.js';
import { remindersOfEnrolments } from '../assignments/assignments.read.js';
import { assertCanManageTraining } from './reports.policy.js';
import { departmentsOf, namesOf, organisationOf, personOf, type PersonRecordDoc } from './reports.people.js';

/** One enrolment on the record, with what HR needs to judge it and act on it. */
export interface PersonEnrolment {
  enrolment: EnrolmentDoc;
  progress: LearningProgressDoc | undefined;
  /** Undefined when the course is no longer loaded (the record still lists it). */
  course: Course | undefined;
  courseTitle: string;
  status: TrainingStatus;
  /** Set while the status is "do odnowienia (zmiana prawa)": the version that changed the law and the author's note. */
  recertification?: StandingFacts['recertification'];
  assignedByName?: string;
  reminders?: { sentCount: number; lastSentAt: Date };
  attempts: QuizAttemptSummary[];
  grants: QuizGrantSummary[];
  /** Where the person stands with the quiz (limit, cool-down), for HR's exceptions; undefined without the course. */
  quiz?: Pick<QuizStanding, 'passed' | 'counted' | 'block' | 'cooldownEndsAt'>;
}

/** One completion in the person's history: the course and its certificate (number, validity, revocation). */
export interface PersonCompletion extends Partial<StandingCompletion> {
  courseId: string;
  courseTitle: string;
  completedAt: Date;
}

export interface PersonRecord {
  person: PersonRecordDoc;
  departmentName?: string;
  enrolments: PersonEnrolment[];
  generatedAt: Date;
  /** Every completion on every course, newest first (earlier ones survive a re-completion). */
  completions: PersonCompletion[];
  certificates: CertificateDoc[];
  grants: QuizGrantSummary[];
}

/**
 * The record of `userId` in the actor's own organisation (NotFoundError for anyone else's). Everything is read
 * through the owning features' read functions; the reminders come from assignments' read API.
 */
export async function personRecord(
  deps: { catalogue: Pick<CourseCatalogue, 'get' | 'list' | 'versionOrNewest'> },
  params: { actor: SessionUser; userId: string; now?: Date },
): Promise<PersonRecord> {
  const { actor } = params;
  assertCanManageTraining(actor);
  const now = params.now ?? new Date();
  const organisation = await organisationOf(actor.organisationId);
  const person = await personOf(organisation._id, params.userId);
  const courseIds = deps.catalogue.list().map((course) => course.id);
  const [standings, certificates, readModel] = await Promise.all([
    enrolmentsOfOrganisation(organisation._id, { userIds: [person._id], courseIds }),
    certificatesOfLearner({ id: person._id.toHexString(), organisationId: actor.organisationId }),
    standingsOf(organisation._id, courseIds),
  ]);
  // The status as the matrix shows it: from the standings' facts (certificates, revocations included).
  const factsOf = (courseId: string): StandingFacts | undefined => readModel.get(courseId)?.[person._id.toHexString()];
  const keyed = { enrolments: standings.map(({ enrolment }) => enrolment) };
  const [attempts, grants] = await Promise.all([quizAttemptsOfPerson(organisation._id, person._id, keyed), quizGrantsOfPerson(organisation._id, person._id, keyed)]);
  const [reminderOf, assigners] = await Promise.all([
    remindersOfEnrolments(
      organisation._id,
      standings.map((s) => s.enrolment._id),
    ),
    namesOf(
      organisation._id,
      standings.flatMap((s) => (s.enrolment.assignedBy ? [s.enrolment.assignedBy] : [])),
    ),
  ]);
  // The quiz rules (limit, cool-down, grants) are learning's: asked per enrolment rather than worked out here.
  const learner = { id: person._id.toHexString(), organisationId: actor.organisationId, fullName: person.fullName, learnerId: person.learnerId };
  const quizOf = new Map<string, QuizStanding>();
  for (const { enrolment } of standings) {
    const course = deps.catalogue.versionOrNewest(enrolment.courseId, enrolment.courseVersion);
    if (course) quizOf.set(String(enrolment._id), await quizStanding({ learner, course, now }));
  }
  const enrolments = standings
    .map(({ enrolment, progress }): PersonEnrolment => {
      const course = deps.catalogue.versionOrNewest(enrolment.courseId, enrolment.courseVersion);
      const quiz = quizOf.get(String(enrolment._id));
      const reminder = reminderOf.get(String(enrolment._id));
      const facts = factsOf(enrolment.courseId) ?? trainingFactsOf(course, enrolment, progress ?? null, undefined);
      return {
        enrolment,
        progress,
        course,
        courseTitle: course?.title ?? enrolment.courseId,
        status: trainingStatus(facts, now),
        recertification: dueForLegalChange(facts, now) ? (facts.recertification ?? undefined) : undefined,
        assignedByName: enrolment.assignedBy ? (assigners.get(String(enrolment.assignedBy)) ?? undefined) : undefined,
        reminders: reminder && reminder.sentCount > 0 ? { sentCount: reminder.sentCount, lastSentAt: reminder.lastSentAt } : undefined,
        attempts: attempts.filter((a) => a.enrolmentId === String(enrolment._id)),
        grants: grants.filter((g) => g.courseId === enrolment.courseId),
        quiz: quiz && { passed: quiz.passed, counted: quiz.counted, block: quiz.block, cooldownEndsAt: quiz.cooldownEndsAt },
      };
    })
    .sort((a, b) => a.courseTitle.localeCompare(b.courseTitle, 'pl'));
  const departmentName = departmentsOf(organisation).find((d) => d.id === String(person.departmentId ?? ''))?.name;
  const completions = enrolments
    .flatMap(({ enrolment, courseTitle }): PersonCompletion[] => {
      const facts = factsOf(enrolment.courseId);
      if (!facts) return [];
      const latest = facts.completedAt
        ? [{ completedAt: facts.completedAt, certificateCode: facts.certificateCode, validUntil: facts.validUntil, revokedAt: facts.revokedAt }]
        : [];
      return [...latest, ...(facts.history ?? [])].map((completion) => ({ ...completion, courseId: enrolment.courseId, courseTitle }));
    })
    .sort((a, b) => b.completedAt.getTime() - a.completedAt.getTime());
  return { person, departmentName, enrolments, completions, certificates, grants, generatedAt: now };
}

/**
 * HR grants the person `userId` (of the actor's own organisation, else NotFoundError) an extra attempt or a lifted
 * cool-down on one course; learning stores it and writes the audit entry.
 */
export async function grantQuizExceptionTo(
  deps: QuizGrantDeps,
  params: { actor: SessionUser; userId: string; kind: QuizGrantKind; courseId: string; reason: string },
): Promise<{ courseTitle: string; fullName: string }> {
  assertCanManageTraining(params.actor);
  const organisation = await organisationOf(params.actor.organisationId);
  const person = await personOf(organisation._id, params.userId);
  const granted = await grantQuizException(deps, {
    actor: params.actor,
    person: { id: person._id.toHexString(), fullName: person.fullName },
    courseId: params.courseId,
    kind: params.kind,
    reason: params.reason,
  });
  return { ...granted, fullName: person.fullName };
}
