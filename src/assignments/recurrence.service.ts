// Recurrence: when a completion's validity ends, the assignment reopens for that person with a new due date.
import { Types } from 'mongoose';
import { usersByIds } from '../auth/users.read.js';
import { addDays, addMonths, endOfWarsawDay, warsawIsoDay } from '../calendar/calendar.js';
import { currentCertificatesOfEnrolments } from '../certificates/certificates.read.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { partitionedOrganisations } from '../db/partitions.js';
import { changeDueDate } from '../learning/enrolment.service.js';
import { enrolmentById } from '../learning/learning.read.js';
import type { PersonDoc } from '../reports/reports.people.js';
import { AssignmentMemberBase, assignmentMembersOf, assignmentsOf, type AssignmentDoc, type AssignmentMemberDoc } from './assignment.model.js';
import { dueAfter } from './assignment.service.js';
import type { AssignmentsDeps } from './assignments.deps.js';
import { courseMailFacts, reopenedMail } from './assignments.mail.js';

/**
 * The new due date of a reopened cycle: the day the completion's validity ends, so the refresher is done before
 * the certificate lapses; when that day has already passed (the job ran late, or the validity was shorter than
 * daysToComplete), today + daysToComplete, so nobody is overdue the moment the course reopens.
 */
export function reopenedDueDate(validityEnd: Date, now: Date, daysToComplete: number): Date {
  return validityEnd.getTime() > now.getTime() ? endOfWarsawDay(warsawIsoDay(validityEnd)) : dueAfter(now, daysToComplete);
}

/**
 * Reopens, in one office, every recurring assignment whose person's last completion runs out within daysToComplete
 * days (or has run out): the cycle is closed into the history (due, completed, certificate number), a new one opens
 * with reopenedDueDate, the enrolment gets that due date (the learner can take the course again: a due date
 * set after the pass reopens the final test, quiz.service.ts), `enrolment.changed` is announced and the person is e-mailed.
 * Run-once across instances: each reopening claims `reopen:<member>:<completion instant>`. Scans the office's own
 * assignments and records (a background job, never a page).
 */
export async function reopenExpiredAssignments(deps: AssignmentsDeps, organisationId: Types.ObjectId): Promise<number> {
  const assignments = await assignmentsOf(organisationId);
  const recurring = new Map(
    (await assignments.find({ organisationId }).lean<AssignmentDoc[]>()).filter((a) => a.recurrenceMonths && !a.withdrawnAt).map((a) => [String(a._id), a]),
  );
  if (!recurring.size) return 0;
  const members = await assignmentMembersOf(organisationId);
  const records = (await members.find({ organisationId }).lean<AssignmentMemberDoc[]>()).filter((m) => !m.withdrawnAt && recurring.has(String(m.assignmentId)));
  const now = deps.clock.now();
  let reopened = 0;
  for (const record of records) {
    const assignment = recurring.get(String(record.assignmentId))!;
    const course = deps.catalogue.get(assignment.courseId);
    const found = await enrolmentById(organisationId, record.enrolmentId);
    const completedAt = found?.progress?.completedAt ?? found?.progress?.passedAt;
    if (!course || !found || !completedAt) continue;
    // A completion already closed into the history is not reopened twice.
    const last = (record.cycles ?? []).at(-1);
    if (last?.completedAt && last.completedAt.getTime() >= completedAt.getTime()) continue;
    const validityEnd = addMonths(completedAt, course.validityMonths ?? assignment.recurrenceMonths!);
    if (addDays(now, assignment.daysToComplete).getTime() < validityEnd.getTime()) continue;
    const key = `reopen:${record._id}:${completedAt.getTime()}`;
    if (!(await claimOnce(key, organisationId))) continue;
    try {
      const dueDate = reopenedDueDate(validityEnd, now, assignment.daysToComplete);
      const certificate = (await currentCertificatesOfEnrolments(organisationId, [record.enrolmentId], now)).get(String(record.enrolmentId));
      if (assignment.kind === 'mandatory') await changeDueDate(found.enrolment, dueDate, now);
      await deps.events.emit('enrolment.changed', {
        organisationId: String(organisationId),
        enrolmentId: String(record.enrolmentId),
        userId: String(record.userId),
        courseId: course.id,
      });
      const [person] = await usersByIds<PersonDoc>(organisationId, [record.userId], 'fullName email language status');
      if (person && person.status !== 'deactivated') {
        const mail = reopenedMail(courseMailFacts(deps.config.BASE_URL, person, course, dueDate));
        await deps.mailer.enqueue({ to: person.email, ...mail });
      }
      // Last: the closed cycle marks the completion as handled (checked above), so a failure before it is retried whole.
      await members.updateOne(
        { _id: record._id, organisationId },
        {
          $push: { cycles: { dueDate: record.dueDate, completedAt, certificateCode: certificate?.code, closedAt: now } },
          $set: { dueDate, cycleStartedAt: now },
        },
      );
      reopened += 1;
    } catch (error) {
      // The next run claims the reopening again and redoes it (setting the same due date twice is harmless; the mail
      // may go twice, but is never lost).
      await releaseClaim(key, organisationId);
      throw error;
    }
  }
  return reopened;
}

/** Hex ids of the offices that have assignment records (the jobs go through these only). */
export function officesWithAssignments(): Promise<string[]> {
  return partitionedOrganisations(AssignmentMemberBase);
}
