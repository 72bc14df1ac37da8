import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { CourseCatalogue } from '../../src/courses/course-catalogue.js';
import { CourseAvailability } from '../../src/studio/course-availability.js';
import { createLogger } from '../../src/logger.js';
import { Mailer } from '../../src/mail/mail.service.js';
import { scheduleAssignmentJobs } from '../../src/assignments/assignments.jobs.js';
import { AssignBody } from '../../src/assignments/assignments.schemas.js';
import { milestoneOf } from '../../src/assignments/reminders.service.js';
import { MovableClock } from '../../src/calendar/clock.js';
import { PlatformEvents } from '../../src/events/platform-events.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { LearningRecorder } from '../../src/xapi/learning-recorder.js';
import { endOfWarsawDay, warsawDaysBetween, warsawIsoDay, warsawIsoWeek } from '../../src/calendar/calendar.js';
import { translatorFor } from '../../src/http/i18n.js';

// The Warsaw days themselves (end of a due day, ISO day keys) are tested with the calendar, test/unit/calendar.test.ts.
describe('assignments/assignments.schemas, reminders.service milestones and assignments.jobs', () => {
  it('the assignment form: one person as a string, checkboxes as a list, bad days and empty choices refused', () => {
    const future = warsawIsoDay(new Date(Date.now() + 10 * 86_400_000));
    const id = 'a'.repeat(24);
    expect(AssignBody.parse({ courseId: 'rodo', userIds: id, dueDate: future }).userIds).to.deep.equal([id]);
    expect(AssignBody.parse({ courseId: 'rodo', userIds: [id, 'b'.repeat(24)], departmentId: '', dueDate: future }).departmentId).to.equal(undefined);
    // Messages are locale keys, shown in the page's language by the form pipeline: read here in Polish.
    const t = translatorFor('assignments', 'pl');
    const messages = (body: Record<string, unknown>) => AssignBody.safeParse(body).error?.issues.map((i) => `${i.path.join('.')}: ${t(i.message)}`) ?? [];
    expect(messages({ courseId: 'rodo', userIds: id, dueDate: '2027-02-29' })).to.include('dueDate: Taki dzień nie istnieje w kalendarzu.');
    expect(messages({ courseId: 'rodo', userIds: id, dueDate: warsawIsoDay(new Date(Date.now() - 2 * 86_400_000)) })).to.include('dueDate: Termin nie może być w przeszłości.');
    expect(messages({ courseId: 'rodo', userIds: id, dueDate: warsawIsoDay(new Date()) })).to.deep.equal([]);
    expect(messages({ courseId: 'rodo', userIds: ['<script>'], dueDate: future })).to.include('userIds.0: Wybierz osoby z listy.');
    expect(messages({ courseId: '', dueDate: '' })).to.include.members(['courseId: Wybierz szkolenie.', 'departmentId: Wybierz referat albo co najmniej jedną osobę.']);
    // No due date: it is counted in days (30 by default); the office needs no department nor people.
    expect(AssignBody.parse({ courseId: 'rodo', target: 'office', recurrenceMonths: '12' })).to.include({ target: 'office', recurrenceMonths: 12, kind: 'mandatory' });
    expect(AssignBody.parse({ courseId: 'rodo', departmentId: id, recurrenceMonths: '0', daysToComplete: '' })).to.include({
      target: 'department',
      recurrenceMonths: undefined,
      daysToComplete: undefined,
    });
    expect(messages({ courseId: 'rodo', target: 'department' })).to.include('departmentId: Wybierz referat.');
    expect(messages({ courseId: 'rodo', target: 'office', recurrenceMonths: '1.5', daysToComplete: '0' })).to.include.members([
      'recurrenceMonths: Podaj liczbę miesięcy od 1 do 120 albo zostaw puste (jednorazowo).',
      'daysToComplete: Podaj liczbę dni od 1 do 365 albo zostaw puste.',
    ]);
    expect(messages({ courseId: 'rodo', target: 'wszyscy' })).to.include('target: Wybierz, komu przypisujesz szkolenie.');
  });

  it('REMINDER_CRON: weekdays 08:00 by default, off, or a valid pattern; the job runs in Warsaw time', () => {
    expect(loadConfig({}).REMINDER_CRON).to.equal('0 8 * * 1-5');
    expect(loadConfig({ REMINDER_CRON: 'off' }).REMINDER_CRON).to.equal('off');
    expect(() => loadConfig({ REMINDER_CRON: 'every morning' })).to.throw(/REMINDER_CRON: expected a cron pattern/);

    const logger = createLogger('silent');
    const platform = {
      logger,
      catalogue: new CourseCatalogue([]),
      availability: new CourseAvailability(logger),
      mailer: new Mailer({ smtpConfigured: false, logger }),
      events: new PlatformEvents(logger),
      audit: new AuditTrail(),
      clock: new MovableClock(),
      recorder: undefined as unknown as LearningRecorder,
    };
    expect(scheduleAssignmentJobs({ ...platform, config: { REMINDER_CRON: 'off', BASE_URL: 'http://localhost' } })).to.equal(undefined);
    const job = scheduleAssignmentJobs({ ...platform, config: { REMINDER_CRON: '0 8 * * 1-5', BASE_URL: 'http://localhost' } })!;
    try {
      // From Saturday 21 November 2026 the next run is Monday 23 November, 08:00 in Warsaw (07:00 UTC).
      expect(job.nextRun(new Date('2026-11-21T12:00:00Z'))?.toISOString()).to.equal('2026-11-23T07:00:00.000Z');
    } finally {
      job.stop();
    }
  });

  it('reminder milestones: 7 days before, on the day (late within the week), then each whole week overdue', () => {
    const due = endOfWarsawDay('2026-12-16');
    const at = (iso: string) => milestoneOf(due, new Date(iso))?.milestone;
    expect(at('2026-12-08T10:00:00Z')).to.equal(undefined);
    expect(at('2026-12-09T10:00:00Z')).to.equal('before');
    // 23:30 UTC on the 15th is 00:30 on the 16th in Warsaw: the due day.
    expect(at('2026-12-15T23:30:00Z')).to.equal('due');
    expect(at('2026-12-22T10:00:00Z')).to.equal('due');
    expect(at('2026-12-23T10:00:00Z')).to.equal('overdue-1');
    expect(milestoneOf(due, new Date('2026-12-23T10:00:00Z'))?.daysOverdue).to.equal(7);
    expect(at('2026-12-30T10:00:00Z')).to.equal('overdue-2');
  });

  it('warsawIsoWeek and warsawDaysBetween count Warsaw calendar days', () => {
    expect(warsawIsoWeek(new Date('2026-12-02T12:00:00Z'))).to.equal('2026-W49');
    expect(warsawIsoWeek(new Date('2027-01-01T12:00:00Z'))).to.equal('2026-W53');
    expect(warsawIsoWeek(new Date('2024-12-30T12:00:00Z'))).to.equal('2025-W01');
    // 23:30 UTC on 6 December is already Monday 7 December in Warsaw: a new week.
    expect(warsawIsoWeek(new Date('2026-12-06T23:30:00Z'))).to.equal('2026-W50');
    expect(warsawDaysBetween(new Date('2026-03-28T12:00:00Z'), new Date('2026-03-30T12:00:00Z'))).to.equal(2);
    expect(warsawDaysBetween(new Date('2026-12-16T22:59:00Z'), endOfWarsawDay('2026-12-16'))).to.equal(0);
  });
});
