// The learner's dashboard ("Mój pulpit"): their courses with the facts of their status, assigned ones first by due date, and recent certificates.
import { validUntil } from '../calendar/calendar.js';
import {
  certificateStandingsOfEnrolments,
  recentCertificatesOfPerson,
  type EnrolmentCertificateStanding,
  type PersonCertificateSummary,
} from '../certificates/certificates.read.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Course } from '../courses/course.types.js';
import type { EnrolmentDoc } from './enrolment.model.js';
import { learnerEnrolments } from './enrolment.service.js';
import type { Learner } from './learner.js';
import type { LearningProgressDoc } from './learning-progress.model.js';
import { hasValidCompletion, trainingStatus, type TrainingFacts, type TrainingStatus } from './training-status.js';

/** How far apart the progress's completion and its certificate's completedAt may lie and still be one completion. */
const SAME_COMPLETION_MS = 60_000;

/** One of the learner's courses with what its status was decided from. */
export interface DashboardCourse {
  /** Undefined for a course no longer loaded (it still shows, without links). */
  course: Course | undefined;
  enrolment: EnrolmentDoc;
  progress: LearningProgressDoc | null;
  facts: TrainingFacts;
  status: TrainingStatus;
}

/** What the dashboard shows. */
export interface LearnerDashboard {
  /** Courses HR set a due date for, soonest due first. */
  assigned: DashboardCourse[];
  /** The learner's other courses, most recently active first. */
  others: DashboardCourse[];
  /** The latest certificates (revoked and expired ones included), newest first. */
  certificates: PersonCertificateSummary[];
}

/**
 * The facts of one enrolment's status: started is anything beyond the enrolment; the completion is the progress's
 * (completed, else passed) or, when the progress has none, the latest certificate's; its validity is the
 * certificate's, else the course's validityMonths; revoked when that latest certificate was revoked.
 */
export function trainingFactsOf(
  course: Course | undefined,
  enrolment: EnrolmentDoc,
  progress: LearningProgressDoc | null,
  certificate: EnrolmentCertificateStanding | undefined,
): TrainingFacts {
  const completedAt = progress?.completedAt ?? progress?.passedAt ?? certificate?.completedAt ?? undefined;
  // The certificate speaks for the completion unless the progress shows a later one (a renewal not certified yet);
  // the passed and completed statements and the certificate of one pass are stamped moments apart.
  const sameCompletion = certificate && (!completedAt || certificate.completedAt.getTime() >= completedAt.getTime() - SAME_COMPLETION_MS);
  return {
    dueDate: enrolment.dueDate ?? undefined,
    started: Boolean(progress && progress.status !== 'enrolled'),
    completedAt,
    validUntil: sameCompletion ? certificate.validUntil : completedAt ? validUntil(completedAt, course?.validityMonths) : undefined,
    revoked: Boolean(sameCompletion && certificate.revoked),
    // A later completion (the course taken again in the new version) answers the change of law.
    recertification: sameCompletion ? certificate.recertification : undefined,
  };
}

/** Whether an assigned course still waits for the learner: no completion that counts at `now`. */
export function isUnfinished(entry: Pick<DashboardCourse, 'facts'>, now: Date): boolean {
  return !hasValidCompletion(entry.facts, now);
}

/**
 * The learner's dashboard at `now`. Reads by `_id` only: the learner's enrolments and progress through their keys
 * (learnerEnrolments), their certificates through the certificates' read API (per enrolment and per person lists).
 */
export async function learnerDashboard(catalogue: CourseCatalogue, learner: Learner, now: Date): Promise<LearnerDashboard> {
  const rows = await learnerEnrolments(
    learner,
    catalogue.list().map((course) => course.id),
  );
  const [standings, certificates] = await Promise.all([
    certificateStandingsOfEnrolments(
      learner.organisationId,
      rows.map((row) => row.enrolment._id),
    ),
    recentCertificatesOfPerson(learner.organisationId, learner.id, now),
  ]);
  const entries = rows.map(({ enrolment, progress }): DashboardCourse => {
    const course = catalogue.versionOrNewest(enrolment.courseId, enrolment.courseVersion);
    const facts = trainingFactsOf(course, enrolment, progress, standings.get(enrolment._id.toHexString()));
    return { course, enrolment, progress, facts, status: trainingStatus(facts, now) };
  });
  const assigned = entries
    .filter((entry) => entry.enrolment.dueDate)
    .sort((a, b) => a.enrolment.dueDate!.getTime() - b.enrolment.dueDate!.getTime() || a.enrolment.courseId.localeCompare(b.enrolment.courseId));
  const others = entries.filter((entry) => !entry.enrolment.dueDate).sort((a, b) => lastTouched(b) - lastTouched(a));
  return { assigned, others, certificates };
}

function lastTouched(entry: DashboardCourse): number {
  return (entry.progress?.lastActivityAt ?? entry.enrolment.enrolledAt).getTime();
}
