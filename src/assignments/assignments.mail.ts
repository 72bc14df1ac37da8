// The e-mails of assignments: assigned, reopened for a new cycle, the escalating reminders, HR's copy and weekly digest.
import type { TFunction } from 'i18next';
import { formatDate } from '../calendar/calendar.js';
import { translatorFor } from '../http/i18n.js';
import type { TrainingStatus } from '../learning/training-status.js';
import { nameForMail } from '../mail/person-name.js';

/** Which reminder of a due date (see reminders.service.ts for when each goes out). */
export type ReminderStage = 'before' | 'due' | 'overdue';

export interface CourseMailFacts {
  fullName: string;
  courseTitle: string;
  courseUrl: string;
  dueDate: Date;
  language: string | undefined;
}

/** The absolute link to a course's page that the e-mails carry. */
export function courseUrl(baseUrl: string, courseId: string): string {
  return `${baseUrl}/szkolenia/${encodeURIComponent(courseId)}`;
}

/** The facts a course mail to `person` carries: their name and language, the course's title and link, the due date. */
export function courseMailFacts<Due extends Date | undefined>(
  baseUrl: string,
  person: { fullName: string; language?: string | null },
  course: { id: string; title: string },
  dueDate: Due,
): Omit<CourseMailFacts, 'dueDate'> & { dueDate: Due } {
  return { fullName: person.fullName, courseTitle: course.title, courseUrl: courseUrl(baseUrl, course.id), dueDate, language: person.language ?? undefined };
}

function translator(language: string | undefined): TFunction {
  return translatorFor('assignments', language);
}

function greetingOf(t: TFunction, fullName: string): string {
  // A name that could be read as a link (accounts older than the registration rule) is left out.
  const name = nameForMail(fullName);
  return name ? t('mail.greeting', { fullName: name }) : t('mail.greetingAnonymous');
}

function mailLines(t: TFunction, facts: Pick<CourseMailFacts, 'fullName' | 'courseUrl'>, body: string[]): string {
  return [greetingOf(t, facts.fullName), '', ...body, '', t('mail.linkLine', { url: facts.courseUrl }), '', t('mail.signature')].join('\n');
}

function values(facts: CourseMailFacts) {
  return { courseTitle: facts.courseTitle, dueDate: formatDate(facts.dueDate, facts.language) };
}

/** "You have been assigned a course" (mandatory with its due date, or recommended without one). */
export function assignmentMail(facts: Omit<CourseMailFacts, 'dueDate'> & { dueDate?: Date }): { subject: string; text: string } {
  const t = translator(facts.language);
  if (!facts.dueDate) {
    const v = { courseTitle: facts.courseTitle };
    return { subject: t('mail.recommendedSubject', v), text: mailLines(t, facts, [t('mail.recommendedBody', v)]) };
  }
  const v = values({ ...facts, dueDate: facts.dueDate });
  return { subject: t('mail.assignedSubject', v), text: mailLines(t, facts, [t('mail.assignedBody', v)]) };
}

/** "Your certificate's validity ends: the course is assigned again, due then". */
export function reopenedMail(facts: CourseMailFacts): { subject: string; text: string } {
  const t = translator(facts.language);
  const v = values(facts);
  return { subject: t('mail.reopenedSubject', v), text: mailLines(t, facts, [t('mail.reopenedBody', v)]) };
}

/** The learner's reminder at one stage, with their status in the platform's words (common:trainingStatus.*). */
export function reminderMail(facts: CourseMailFacts & { stage: ReminderStage; status: TrainingStatus; daysOverdue: number }): { subject: string; text: string } {
  const t = translator(facts.language);
  const v = { ...values(facts), count: facts.daysOverdue };
  const status = t('mail.statusLine', { status: t(`common:trainingStatus.${facts.status}`) });
  return { subject: t(`mail.reminder.${facts.stage}Subject`, v), text: mailLines(t, facts, [t(`mail.reminder.${facts.stage}Body`, v), status]) };
}

/** HR's copy of a reminder 7 days or more overdue. */
export function escalationMail(facts: {
  hrName: string;
  personName: string;
  personEmail: string;
  courseTitle: string;
  dueDate: Date;
  daysOverdue: number;
  status: TrainingStatus;
  recordUrl: string;
  language: string | undefined;
}): { subject: string; text: string } {
  const t = translator(facts.language);
  const v = {
    personName: facts.personName,
    personEmail: facts.personEmail,
    courseTitle: facts.courseTitle,
    dueDate: formatDate(facts.dueDate, facts.language),
    count: facts.daysOverdue,
    status: t(`common:trainingStatus.${facts.status}`),
  };
  return {
    subject: t('mail.escalationSubject', v),
    text: [greetingOf(t, facts.hrName), '', t('mail.escalationBody', v), '', t('mail.recordLine', { url: facts.recordUrl }), '', t('mail.signature')].join('\n'),
  };
}

/** One line of the digest. */
export interface DigestLine {
  personName: string;
  courseTitle: string;
  date?: Date;
  status: TrainingStatus;
}

/** HR's weekly digest: overdue, due within 14 days, completed this week, out of quiz attempts. */
export function digestMail(facts: {
  hrName: string;
  week: string;
  sections: Record<'overdue' | 'dueSoon' | 'completed' | 'outOfAttempts', DigestLine[]>;
  matrixUrl: string;
  language: string | undefined;
}): { subject: string; text: string } {
  const t = translator(facts.language);
  const lines = [greetingOf(t, facts.hrName), '', t('mail.digestLead', { week: facts.week }), ''];
  for (const [section, entries] of Object.entries(facts.sections)) {
    lines.push(t(`mail.digest.${section}`, { count: entries.length }));
    for (const entry of entries) {
      const date = entry.date ? ` (${formatDate(entry.date, facts.language)})` : '';
      lines.push(`- ${entry.personName}: ${entry.courseTitle}${date} – ${t(`common:trainingStatus.${entry.status}`)}`);
    }
    if (!entries.length) lines.push(`- ${t('mail.digest.none')}`);
    lines.push('');
  }
  lines.push(t('mail.matrixLine', { url: facts.matrixUrl }), '', t('mail.signature'));
  return { subject: t('mail.digestSubject', { week: facts.week }), text: lines.join('\n') };
}
