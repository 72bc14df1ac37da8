// The learner's due dates as an iCalendar file (Outlook, Thunderbird): one all-day event per assigned, unfinished course.
import ical, { ICalAlarmType, ICalCalendarMethod } from 'ical-generator';
import { addDays, spreadsheetDay } from '../calendar/calendar.js';
import { isUnfinished, type DashboardCourse } from './dashboard.service.js';
import { courseUrl } from './learning.presenter.js';

/** What the file is built from; texts come translated, `baseUrl` makes the course links absolute. */
export interface DueDatesCalendarInput {
  /** The dashboard's assigned courses (those with a due date). */
  assigned: DashboardCourse[];
  now: Date;
  baseUrl: string;
  calendarName: string;
  /** "Termin szkolenia: <title>" */
  summaryOf: (title: string) => string;
  /** The reminder's text, a day before. */
  reminderOf: (title: string) => string;
}

/**
 * The event's UID: the enrolment's id, which never changes, at the platform's host. Importing the file again (or a
 * changed due date) updates the event instead of adding a second one.
 */
export function dueDateEventUid(enrolmentId: string, baseUrl: string): string {
  return `termin-${enrolmentId}@${new URL(baseUrl).hostname}`;
}

/**
 * The iCalendar text. Each due day is a DATE (no time, no zone): the Warsaw day the due date falls on, which a
 * calendar in any zone shows as that day. The reminder fires one day before the day begins.
 */
export function dueDatesCalendar(input: DueDatesCalendarInput): string {
  const calendar = ical({
    name: input.calendarName,
    prodId: { company: 'Akademia JST', product: 'terminy-szkolen', language: 'PL' },
    method: ICalCalendarMethod.PUBLISH,
  });
  for (const entry of input.assigned) {
    if (!entry.enrolment.dueDate || !isUnfinished(entry, input.now)) continue;
    const title = entry.course?.title ?? entry.enrolment.courseId;
    // Midnight UTC of the Warsaw due day: ical-generator writes a floating DATE from its UTC parts.
    const day = spreadsheetDay(entry.enrolment.dueDate);
    const event = calendar.createEvent({
      id: dueDateEventUid(entry.enrolment._id.toHexString(), input.baseUrl),
      allDay: true,
      start: day,
      // DTEND of an all-day event is exclusive: the Warsaw day after.
      end: spreadsheetDay(addDays(entry.enrolment.dueDate, 1)),
      stamp: input.now,
      // A later download is a later version of the event (a moved due date replaces the old one on import).
      sequence: Math.floor(input.now.getTime() / 60_000),
      summary: input.summaryOf(title),
      url: `${input.baseUrl}${courseUrl(entry.enrolment.courseId)}`,
    });
    event.createAlarm({ type: ICalAlarmType.display, trigger: 24 * 60 * 60, description: input.reminderOf(title) });
  }
  return calendar.toString();
}
