import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { CourseCatalogue } from '../../src/courses/course-catalogue.js';
import { createLogger } from '../../src/logger.js';
import { Mailer } from '../../src/mail/mail.service.js';
import { scheduleReminders } from '../../src/reports/reminder-schedule.js';
import { AssignBody } from '../../src/reports/reports.schemas.js';
import { warsawIsoDay } from '../../src/calendar/calendar.js';
import { translatorFor } from '../../src/http/i18n.js';

// The Warsaw days themselves (end of a due day, ISO day keys) are tested with the calendar, test/unit/calendar.test.ts.
describe('reports/reports.schemas and reminder-schedule', () => {
  it('the assignment form: one person as a string, checkboxes as a list, bad days and empty choices refused', () => {
    const future = warsawIsoDay(new Date(Date.now() + 10 * 86_400_000));
    const id = 'a'.repeat(24);
    expect(AssignBody.parse({ courseId: 'rodo', userIds: id, dueDate: future }).userIds).to.deep.equal([id]);
    expect(AssignBody.parse({ courseId: 'rodo', userIds: [id, 'b'.repeat(24)], departmentId: '', dueDate: future }).departmentId).to.equal(undefined);
    // Messages are locale keys, shown in the page's language by the form pipeline: read here in Polish.
    const t = translatorFor('reports', 'pl');
    const messages = (body: Record<string, unknown>) => AssignBody.safeParse(body).error?.issues.map((i) => `${i.path.join('.')}: ${t(i.message)}`) ?? [];
    expect(messages({ courseId: 'rodo', userIds: id, dueDate: '2027-02-29' })).to.include('dueDate: Taki dzień nie istnieje w kalendarzu.');
    expect(messages({ courseId: 'rodo', userIds: id, dueDate: warsawIsoDay(new Date(Date.now() - 2 * 86_400_000)) })).to.include('dueDate: Termin nie może być w przeszłości.');
    expect(messages({ courseId: 'rodo', userIds: id, dueDate: warsawIsoDay(new Date()) })).to.deep.equal([]);
    expect(messages({ courseId: 'rodo', userIds: ['<script>'], dueDate: future })).to.include('userIds.0: Wybierz osoby z listy.');
    expect(messages({ courseId: '', dueDate: '' })).to.include.members([
      'courseId: Wybierz szkolenie.',
      'dueDate: Podaj termin ukończenia.',
      'departmentId: Wybierz referat albo co najmniej jedną osobę.',
    ]);
  });

  it('REMINDER_CRON: weekdays 08:00 by default, off, or a valid pattern; the job runs in Warsaw time', () => {
    expect(loadConfig({}).REMINDER_CRON).to.equal('0 8 * * 1-5');
    expect(loadConfig({ REMINDER_CRON: 'off' }).REMINDER_CRON).to.equal('off');
    expect(() => loadConfig({ REMINDER_CRON: 'every morning' })).to.throw(/REMINDER_CRON: expected a cron pattern/);

    const logger = createLogger('silent');
    const platform = { logger, catalogue: new CourseCatalogue([]), mailer: new Mailer({ smtpConfigured: false, logger }) };
    expect(scheduleReminders({ ...platform, config: { REMINDER_CRON: 'off', BASE_URL: 'http://localhost' } })).to.equal(undefined);
    const job = scheduleReminders({ ...platform, config: { REMINDER_CRON: '0 8 * * 1-5', BASE_URL: 'http://localhost' } })!;
    try {
      // From Saturday 21 November 2026 the next run is Monday 23 November, 08:00 in Warsaw (07:00 UTC).
      expect(job.nextRun(new Date('2026-11-21T12:00:00Z'))?.toISOString()).to.equal('2026-11-23T07:00:00.000Z');
    } finally {
      job.stop();
    }
  });
});
