// The e-mails HR actions send: a course assigned, and a reminder of a due or overdue course (locales/<lng>/reports.json).
import { translatorFor } from '../http/i18n.js';
import { formatDate } from '../calendar/calendar.js';
import { nameForMail } from '../mail/person-name.js';

export interface CourseMailFacts {
  fullName: string;
  courseTitle: string;
  courseUrl: string;
  dueDate: Date;
  language: string | undefined;
}

/** The absolute link to a course's page that both e-mails carry. */
export function courseUrl(baseUrl: string, courseId: string): string {
  return `${baseUrl}/szkolenia/${encodeURIComponent(courseId)}`;
}

function mailLines(facts: CourseMailFacts, body: string): string {
  const t = translatorFor('reports', facts.language);
  // A name that could be read as a link (accounts older than the registration rule) is left out.
  const fullName = nameForMail(facts.fullName);
  const greeting = fullName ? t('mail.greeting', { fullName }) : t('mail.greetingAnonymous');
  return [greeting, '', body, '', t('mail.linkLine', { url: facts.courseUrl }), '', t('mail.signature')].join('\n');
}

/** Subject and text of "you have been assigned a course". */
export function assignmentMail(facts: CourseMailFacts): { subject: string; text: string } {
  const t = translatorFor('reports', facts.language);
  const values = { courseTitle: facts.courseTitle, dueDate: formatDate(facts.dueDate, facts.language) };
  return { subject: t('mail.assignedSubject', values), text: mailLines(facts, t('mail.assignedBody', values)) };
}

/** Subject and text of the reminder; `overdue` says the due date has passed. */
export function reminderMail(facts: CourseMailFacts & { overdue: boolean }): { subject: string; text: string } {
  const t = translatorFor('reports', facts.language);
  const values = { courseTitle: facts.courseTitle, dueDate: formatDate(facts.dueDate, facts.language) };
  const kind = facts.overdue ? 'Overdue' : 'DueSoon';
  return { subject: t(`mail.reminder${kind}Subject`, values), text: mailLines(facts, t(`mail.reminder${kind}Body`, values)) };
}
