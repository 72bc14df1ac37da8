// HR's weekly digest: who is overdue, who is due within 14 days, who completed this week, who ran out of quiz attempts.
import { Types } from 'mongoose';
import { usersOfOrganisation } from '../auth/users.read.js';
import { addDays, warsawIsoWeek } from '../calendar/calendar.js';
import { certificateStandingsOfEnrolments } from '../certificates/certificates.read.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { trainingFactsOf } from '../learning/dashboard.service.js';
import { enrolmentsOfOrganisation } from '../learning/learning.read.js';
import { hasValidCompletion, trainingStatus } from '../learning/training-status.js';
import type { PersonDoc } from '../reports/reports.people.js';
import type { AssignmentsDeps } from './assignments.deps.js';
import { digestMail, type DigestLine } from './assignments.mail.js';
import { hrOf, stillDue } from './reminders.service.js';

/** "Due soon" in the digest: within this many days. */
export const DUE_SOON_DAYS = 14;

type Sections = Record<'overdue' | 'dueSoon' | 'completed' | 'outOfAttempts', DigestLine[]>;

/** The digest's lists for one office at `now` (a scan of the office's enrolments: a background job only). */
export async function digestOf(deps: Pick<AssignmentsDeps, 'catalogue'>, organisationId: Types.ObjectId, now: Date): Promise<Sections> {
  const standings = await enrolmentsOfOrganisation(organisationId);
  const certificates = await certificateStandingsOfEnrolments(
    organisationId,
    standings.map((s) => s.enrolment._id),
  );
  const people = new Map((await usersOfOrganisation<PersonDoc>(organisationId, 'fullName status')).map((p) => [String(p._id), p]));
  const sections: Sections = { overdue: [], dueSoon: [], completed: [], outOfAttempts: [] };
  const weekAgo = addDays(now, -7);
  for (const { enrolment, progress } of standings) {
    const course = deps.catalogue.versionOrNewest(enrolment.courseId, enrolment.courseVersion);
    const person = people.get(String(enrolment.userId));
    if (!course || !person || person.status === 'deactivated' || person.status === 'pending') continue;
    const facts = trainingFactsOf(course, enrolment, progress ?? null, certificates.get(String(enrolment._id)));
    const status = trainingStatus(facts, now);
    const line = (date?: Date): DigestLine => ({ personName: person.fullName, courseTitle: course.title, date, status });
    const due = enrolment.dueDate;
    if (due && stillDue(facts, due, now)) {
      if (due.getTime() < now.getTime()) sections.overdue.push(line(due));
      else if (due.getTime() <= addDays(now, DUE_SOON_DAYS).getTime()) sections.dueSoon.push(line(due));
    }
    if (facts.completedAt && facts.completedAt.getTime() > weekAgo.getTime() && hasValidCompletion(facts, now)) sections.completed.push(line(facts.completedAt));
    const { maxAttempts } = course.quiz;
    if (maxAttempts && !hasValidCompletion(facts, now) && (progress?.attempts ?? 0) >= maxAttempts) sections.outOfAttempts.push(line());
  }
  for (const list of Object.values(sections)) list.sort((a, b) => a.personName.localeCompare(b.personName, 'pl') || a.courseTitle.localeCompare(b.courseTitle, 'pl'));
  return sections;
}

/**
 * Queues the week's digest to each of the office's HR, once per Warsaw ISO week (claim `digest:<office>:<week>`,
 * so the first scheduled run of the week sends it, on one instance). Nothing when there is nothing to tell.
 */
export async function sendWeeklyDigest(
  deps: Pick<AssignmentsDeps, 'catalogue' | 'mailer' | 'config' | 'clock'>,
  organisationId: Types.ObjectId,
  now = deps.clock.now(),
): Promise<number> {
  const week = warsawIsoWeek(now);
  const key = `digest:${organisationId.toHexString()}:${week}`;
  if (!(await claimOnce(key, organisationId))) return 0;
  try {
    const hr = await hrOf(organisationId);
    const sections = await digestOf(deps, organisationId, now);
    if (!hr.length || !Object.values(sections).some((list) => list.length)) return 0;
    for (const colleague of hr) {
      const mail = digestMail({ hrName: colleague.fullName, week, sections, matrixUrl: `${deps.config.BASE_URL}/kadry`, language: colleague.language ?? undefined });
      await deps.mailer.enqueue({ to: colleague.email, ...mail });
    }
    return hr.length;
  } catch (error) {
    await releaseClaim(key, organisationId);
    throw error;
  }
}
