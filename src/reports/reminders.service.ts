// Reminders of assigned courses that are due soon or overdue: at most one mail per person and course a day.
import { Types } from 'mongoose';
import { usersByIds } from '../auth/users.read.js';
import { addDays, isOverdue } from '../calendar/calendar.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import type { Course } from '../courses/course.types.js';
import { NotFoundError } from '../http/errors.js';
import type { EnrolmentDoc } from '../learning/enrolment.model.js';
import type { LearningProgressDoc } from '../learning/learning-progress.model.js';
import { enrolmentsOfOrganisation, trainingFactsOf, type EnrolmentWithProgress } from '../learning/learning.read.js';
import { Organisation } from '../organisations/organisation.model.js';
import { trainingStatus } from '../learning/training-status.js';
import { Reminder, type ReminderDoc } from './reminder.model.js';
import type { ReportsDeps } from './reports.deps.js';
import { courseUrl, reminderMail } from './reports.mail.js';
import { objectIdOrNull, type PersonDoc } from './reports.people.js';

/** Reminders go out for courses due within this many (Warsaw calendar) days. */
const REMINDER_WINDOW_DAYS = 7;
const REMINDER_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** Whether an enrolment should be reminded of at `now`: assigned, unfinished, due within 7 days or overdue. */
function needsReminder(enrolment: EnrolmentDoc, progress: LearningProgressDoc | undefined, course: Course, now: Date): boolean {
  if (!enrolment.dueDate || enrolment.dueDate > addDays(now, REMINDER_WINDOW_DAYS)) return false;
  const facts = trainingFactsOf(course, enrolment, progress ?? null, undefined);
  const status = trainingStatus(facts, now);
  if (status === 'completed') return false;
  // A refresher is due again: remind only when HR set the due date after the last completion.
  if (status === 'renewal_due') return Boolean(facts.completedAt && enrolment.dueDate > facts.completedAt);
  return true;
}

/** A won reminder claim: its key, and the record as it was before (restored when the mail fails). */
interface ReminderClaim {
  key: string;
  lastSentAt: Date;
  sentCount: number;
}

/**
 * Claims the right to remind of one enrolment at `now`, at most once per 24 h. The claim is a unique-key
 * insert of the reminder's sequence number, `reminder:<enrolmentId>:<n>` for the n-th reminder, tried
 * only when the (n-1)-th was sent 24 h ago or more: two runs at once read the same record, race for the
 * same n, and one insert wins (a conditional update on lastSentAt let both through on FerretDB). A key per
 * Warsaw day or per 24 h slot was not chosen: it would allow two mails minutes apart across a boundary.
 * Returns the claim, or null when another run has it or the last reminder is recent.
 */
async function claimReminder(enrolment: EnrolmentDoc, now: Date): Promise<ReminderClaim | null> {
  const scope = { _id: enrolment._id, organisationId: enrolment.organisationId };
  const record = await Reminder.findOne(scope).lean<ReminderDoc>();
  const lastSentAt = record?.lastSentAt ?? new Date(0);
  const sentCount = record?.sentCount ?? 0;
  if (lastSentAt.getTime() > now.getTime() - REMINDER_INTERVAL_MS) return null;
  const key = `reminder:${enrolment._id.toHexString()}:${sentCount + 1}`;
  if (!(await claimOnce(key, enrolment.organisationId))) return null;
  // Only the winner of claim n writes the record, so this upsert has no rival.
  await Reminder.updateOne(
    scope,
    { $set: { lastSentAt: now, sentCount: sentCount + 1 }, $setOnInsert: { userId: enrolment.userId, courseId: enrolment.courseId } },
    { upsert: true },
  );
  return { key, lastSentAt, sentCount };
}

/** Gives a reminder claim back after its mail failed, so the next run tries again. */
async function releaseReminder(enrolment: EnrolmentDoc, claim: ReminderClaim): Promise<void> {
  await Reminder.updateOne({ _id: enrolment._id, organisationId: enrolment.organisationId }, { $set: { lastSentAt: claim.lastSentAt, sentCount: claim.sentCount } });
  await releaseClaim(claim.key, enrolment.organisationId);
}

/**
 * E-mails everyone in the organisation whose assigned course is unfinished and due within 7 days or
 * overdue, at most once per person and course in 24 hours. Returns how many were sent and how many
 * were skipped because they had been reminded within the last 24 hours.
 */
export async function sendReminders(
  deps: Pick<ReportsDeps, 'catalogue' | 'mailer' | 'config'>,
  params: { organisationId: string | Types.ObjectId; now?: Date },
): Promise<{ sent: number; recentlyReminded: number }> {
  const now = params.now ?? new Date();
  const organisationId = typeof params.organisationId === 'string' ? objectIdOrNull(params.organisationId) : params.organisationId;
  if (!organisationId) throw new NotFoundError('Nie znaleziono organizacji.');
  const standings = await enrolmentsOfOrganisation(organisationId, { dueBy: addDays(now, REMINDER_WINDOW_DAYS) });
  const { catalogue } = deps;
  const due = standings
    .filter(({ enrolment, progress }: EnrolmentWithProgress) => {
      const course = catalogue.get(enrolment.courseId);
      return course && needsReminder(enrolment, progress, course, now);
    })
    .map(({ enrolment }) => enrolment);
  if (!due.length) return { sent: 0, recentlyReminded: 0 };
  // Leavers (deactivated) and people awaiting approval are not reminded: they cannot sign in.
  const people = (
    await usersByIds<Pick<PersonDoc, '_id' | 'fullName' | 'email' | 'language' | 'status'>>(
      organisationId,
      due.map((e) => e.userId),
      'fullName email language status',
    )
  ).filter((person) => person.status !== 'deactivated' && person.status !== 'pending');
  const personById = new Map(people.map((p) => [String(p._id), p]));

  let sent = 0;
  let recentlyReminded = 0;
  for (const enrolment of due) {
    const person = personById.get(String(enrolment.userId));
    const course = catalogue.get(enrolment.courseId)!;
    if (!person) continue;
    const claim = await claimReminder(enrolment, now);
    if (!claim) {
      recentlyReminded += 1;
      continue;
    }
    const mail = reminderMail({
      fullName: person.fullName,
      courseTitle: course.title,
      courseUrl: courseUrl(deps.config.BASE_URL, course.id),
      dueDate: enrolment.dueDate!,
      overdue: isOverdue(enrolment.dueDate, now),
      language: person.language ?? undefined,
    });
    try {
      await deps.mailer.enqueue({ to: person.email, ...mail });
    } catch (error) {
      // Nothing was queued (the outbox could not be written): give the claim back so the next run tries again.
      await releaseReminder(enrolment, claim);
      throw error;
    }
    sent += 1;
  }
  return { sent, recentlyReminded };
}

/**
 * The scheduled run: reminders for every organisation. One organisation's failure does not stop the
 * others; the failures are thrown together at the end (the scheduler logs them).
 */
export async function sendRemindersEverywhere(
  deps: Pick<ReportsDeps, 'catalogue' | 'mailer' | 'config'>,
  params: { now?: Date } = {},
): Promise<{ sent: number; recentlyReminded: number }> {
  // Every organisation on purpose: the scheduled run serves them all, and each sendReminders stays within one.
  const organisations = await Organisation.find({}).select('_id').lean<Array<{ _id: Types.ObjectId }>>();
  const total = { sent: 0, recentlyReminded: 0 };
  const failures: unknown[] = [];
  for (const organisation of organisations) {
    try {
      const result = await sendReminders(deps, { organisationId: organisation._id, now: params.now });
      total.sent += result.sent;
      total.recentlyReminded += result.recentlyReminded;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw new AggregateError(failures, `reminders failed for ${failures.length} of ${organisations.length} organisations (${total.sent} sent)`);
  return total;
}
