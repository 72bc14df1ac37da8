// Reminders that escalate: 7 days before the due date, on the day, weekly while overdue, HR's copy at 7 days overdue.
import { Types } from 'mongoose';
import { usersByIds, usersOfOrganisation } from '../auth/users.read.js';
import { addDays, warsawDaysBetween, warsawIsoDay, warsawIsoWeek } from '../calendar/calendar.js';
import { certificateStandingsOfEnrolments } from '../certificates/certificates.read.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { trainingFactsOf } from '../learning/dashboard.service.js';
import type { EnrolmentDoc } from '../learning/enrolment.model.js';
import { enrolmentsOfOrganisation } from '../learning/learning.read.js';
import { hasValidCompletion, trainingStatus, type TrainingFacts, type TrainingStatus } from '../learning/training-status.js';
import type { PersonDoc } from '../reports/reports.people.js';
import type { AssignmentsDeps } from './assignments.deps.js';
import { courseUrl, escalationMail, reminderMail, type ReminderStage } from './assignments.mail.js';
import { Reminder } from './reminder.model.js';

/** The first notice goes out this many Warsaw days before the due day. */
export const NOTICE_DAYS_BEFORE = 7;
/** Overdue notices go out every this many days after the due day; the first of them also goes to HR. */
export const OVERDUE_EVERY_DAYS = 7;

/** Who gets what of one enrolment at one moment. */
interface Due {
  enrolment: EnrolmentDoc & { dueDate: Date };
  status: TrainingStatus;
  /** The milestone reached: before, due (the day and the six after it), overdue-<n> (n whole weeks overdue). */
  milestone: string;
  stage: ReminderStage;
  daysOverdue: number;
  /** The first overdue notice (7 days or more overdue): HR gets a copy. */
  escalate: boolean;
}

/**
 * The milestone of a due date at `now`, in Warsaw calendar days: none more than 7 days before; `before` from 7 days
 * before; `due` on the day (and the six days after, so a notice missed on the day goes out late, once); then
 * `overdue-1`, `overdue-2` … each whole week overdue. One mail per milestone (its claim), and never two in one ISO week.
 */
export function milestoneOf(dueDate: Date, now: Date): { milestone: string; stage: ReminderStage; daysOverdue: number } | undefined {
  const daysLeft = warsawDaysBetween(now, dueDate);
  if (daysLeft > NOTICE_DAYS_BEFORE) return undefined;
  if (daysLeft > 0) return { milestone: 'before', stage: 'before', daysOverdue: 0 };
  const daysOverdue = -daysLeft;
  const weeks = Math.floor(daysOverdue / OVERDUE_EVERY_DAYS);
  if (weeks === 0) return { milestone: 'due', stage: 'due', daysOverdue };
  return { milestone: `overdue-${weeks}`, stage: 'overdue', daysOverdue };
}

/** Whether a due date still waits for the learner: no completion that counts and came after the due date was set. */
export function stillDue(facts: TrainingFacts, dueDate: Date, now: Date): boolean {
  const status = trainingStatus(facts, now);
  if (status === 'completed') return false;
  // A valid completion on or after the due date (a renewal not needed yet) answers it; an older one does not.
  return !(hasValidCompletion(facts, now) && facts.completedAt && facts.completedAt.getTime() >= dueDate.getTime());
}

/** The office's HR (active people with the HR role; its admins when it has none): who gets copies and the digest. */
export async function hrOf(organisationId: Types.ObjectId): Promise<PersonDoc[]> {
  const people = (await usersOfOrganisation<PersonDoc>(organisationId, 'fullName email roles language status')).filter((p) => p.status === 'active');
  const hr = people.filter((p) => p.roles.includes('hr'));
  return hr.length ? hr : people.filter((p) => p.roles.includes('admin'));
}

/** Unfinished assigned enrolments due within 7 days or overdue, with their milestone (a scan: a background job only). */
async function dueEnrolments(deps: Pick<AssignmentsDeps, 'catalogue'>, organisationId: Types.ObjectId, now: Date): Promise<Due[]> {
  const standings = await enrolmentsOfOrganisation(organisationId, { dueBy: addDays(now, NOTICE_DAYS_BEFORE + 1) });
  const certificates = await certificateStandingsOfEnrolments(
    organisationId,
    standings.map((s) => s.enrolment._id),
  );
  const due: Due[] = [];
  for (const { enrolment, progress } of standings) {
    const course = deps.catalogue.versionOrNewest(enrolment.courseId, enrolment.courseVersion);
    if (!course || !enrolment.dueDate) continue;
    const facts = trainingFactsOf(course, enrolment, progress ?? null, certificates.get(String(enrolment._id)));
    const reached = milestoneOf(enrolment.dueDate, now);
    if (!reached || !stillDue(facts, enrolment.dueDate, now)) continue;
    due.push({ enrolment: enrolment as Due['enrolment'], status: trainingStatus(facts, now), ...reached, escalate: reached.milestone === 'overdue-1' });
  }
  return due;
}

/**
 * Claims one reminder: its milestone (`reminder:<enrolment>:<due day>:<milestone>`, once ever) and the person's
 * week for the course (`reminder-week:<enrolment>:<ISO week>`, at most one reminder a week). The milestone is given
 * back when the week is taken, so it goes out in a later week if still the latest. Returns the keys won, or null.
 */
async function claimReminder(item: Due, now: Date): Promise<string[] | null> {
  const { enrolment } = item;
  const id = enrolment._id.toHexString();
  const milestoneKey = `reminder:${id}:${warsawIsoDay(enrolment.dueDate)}:${item.milestone}`;
  if (!(await claimOnce(milestoneKey, enrolment.organisationId))) return null;
  const weekKey = `reminder-week:${id}:${warsawIsoWeek(now)}`;
  if (!(await claimOnce(weekKey, enrolment.organisationId))) {
    await releaseClaim(milestoneKey, enrolment.organisationId);
    return null;
  }
  return [milestoneKey, weekKey];
}

/**
 * Queues the reminders of one office at `now` (the platform clock unless given): each person's milestone notice,
 * HR's copy of the first 7-days-overdue one. Safe on several instances at once (claims). Returns what was queued.
 */
export async function sendReminders(
  deps: Pick<AssignmentsDeps, 'catalogue' | 'mailer' | 'config' | 'clock'>,
  params: { organisationId: string | Types.ObjectId; now?: Date },
): Promise<{ sent: number; escalated: number; skipped: number }> {
  const now = params.now ?? deps.clock.now();
  const organisationId = new Types.ObjectId(String(params.organisationId));
  const due = await dueEnrolments(deps, organisationId, now);
  const result = { sent: 0, escalated: 0, skipped: 0 };
  if (!due.length) return result;
  // Leavers and people awaiting approval are not reminded: they cannot sign in.
  const people = (
    await usersByIds<PersonDoc>(
      organisationId,
      due.map((d) => d.enrolment.userId),
      'fullName email language status',
    )
  ).filter((p) => p.status !== 'deactivated' && p.status !== 'pending');
  const personById = new Map(people.map((p) => [String(p._id), p]));
  const hr = due.some((d) => d.escalate) ? await hrOf(organisationId) : [];
  for (const item of due) {
    const person = personById.get(String(item.enrolment.userId));
    const course = deps.catalogue.versionOrNewest(item.enrolment.courseId, item.enrolment.courseVersion)!;
    if (!person) continue;
    const keys = await claimReminder(item, now);
    if (!keys) {
      result.skipped += 1;
      continue;
    }
    try {
      const facts = { fullName: person.fullName, courseTitle: course.title, courseUrl: courseUrl(deps.config.BASE_URL, course.id), dueDate: item.enrolment.dueDate };
      await deps.mailer.enqueue({
        to: person.email,
        ...reminderMail({ ...facts, language: person.language ?? undefined, stage: item.stage, status: item.status, daysOverdue: item.daysOverdue }),
      });
      if (item.escalate) {
        for (const colleague of hr.filter((h) => String(h._id) !== String(person._id))) {
          const mail = escalationMail({
            hrName: colleague.fullName,
            personName: person.fullName,
            personEmail: person.email,
            courseTitle: course.title,
            dueDate: item.enrolment.dueDate,
            daysOverdue: item.daysOverdue,
            status: item.status,
            recordUrl: `${deps.config.BASE_URL}/kadry/osoby/${String(person._id)}`,
            language: colleague.language ?? undefined,
          });
          await deps.mailer.enqueue({ to: colleague.email, ...mail });
          result.escalated += 1;
        }
      }
    } catch (error) {
      // The outbox could not be written: the claims go back, so the next run queues this reminder again.
      for (const key of keys) await releaseClaim(key, organisationId);
      throw error;
    }
    // The person record's "reminded n times, last on …" (the claims above decide; this only counts).
    await Reminder.updateOne(
      { _id: item.enrolment._id, organisationId },
      { $set: { lastSentAt: now }, $inc: { sentCount: 1 }, $setOnInsert: { userId: item.enrolment.userId, courseId: item.enrolment.courseId } },
      { upsert: true },
    );
    result.sent += 1;
  }
  return result;
}
