// Unit tests of the platform calendar: Warsaw days, month arithmetic, validity and renewal, date formats.
import { expect } from 'chai';
import {
  PLATFORM_TIME_ZONE,
  addDays,
  addMonths,
  endOfWarsawDay,
  formatDate,
  formatDateTime,
  formatDuration,
  formatIsoDay,
  formatTime,
  hasExpired,
  isCalendarDay,
  isOverdue,
  renewalDue,
  spreadsheetDay,
  validUntil,
  warsawIsoDay,
} from '../../src/calendar/calendar.js';
import { inProcessTimeZone } from '../helpers/time-zone.js';

for (const zone of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
  describe(`calendar/calendar (process time zone ${zone})`, () => {
    inProcessTimeZone(zone);

    it('is the Warsaw calendar', () => {
      expect(PLATFORM_TIME_ZONE).to.equal('Europe/Warsaw');
    });

    it('adds months to the end of a shorter month: 31 Jan + 1 = 28 Feb (29 in a leap year), 31 Mar + 1 = 30 Apr', () => {
      // 10:00 in Warsaw (UTC+1 in winter).
      expect(addMonths(new Date('2026-01-31T09:00:00Z'), 1).toISOString()).to.equal('2026-02-28T09:00:00.000Z');
      expect(addMonths(new Date('2028-01-31T09:00:00Z'), 1).toISOString()).to.equal('2028-02-29T09:00:00.000Z');
      // 31 March 10:00 (summer time, UTC+2) + 1 = 30 April 10:00.
      expect(addMonths(new Date('2026-03-31T08:00:00Z'), 1).toISOString()).to.equal('2026-04-30T08:00:00.000Z');
      expect(addMonths(new Date('2026-11-20T10:00:00Z'), 12).toISOString()).to.equal('2027-11-20T10:00:00.000Z');
      expect(addMonths(new Date('2026-03-31T08:00:00Z'), -1).toISOString()).to.equal('2026-02-28T09:00:00.000Z');
      expect(addMonths(new Date('2026-12-15T09:00:00Z'), 14).toISOString()).to.equal('2028-02-15T09:00:00.000Z');
    });

    it('counts months in Warsaw days: a pass at 00:30 on 31 January (30 Jan in UTC) is valid until 28 February 00:30', () => {
      const justAfterMidnight = new Date('2026-01-30T23:30:00Z');
      expect(addMonths(justAfterMidnight, 1).toISOString()).to.equal('2026-02-27T23:30:00.000Z');
      expect(formatDate(addMonths(justAfterMidnight, 1))).to.equal('28.02.2026');
      // 1 March 00:30 in Warsaw is still 28 February in UTC: a month on is 1 April, not 28 March.
      expect(formatDate(addMonths(new Date('2026-02-28T23:30:00Z'), 1))).to.equal('01.04.2026');
    });

    it('keeps the Warsaw clock time across the change to and from summer time', () => {
      // 15 March 10:00 CET (UTC+1) + 1 month = 15 April 10:00 CEST (UTC+2).
      expect(addMonths(new Date('2026-03-15T09:00:00Z'), 1).toISOString()).to.equal('2026-04-15T08:00:00.000Z');
      // 15 October 10:00 CEST + 1 month = 15 November 10:00 CET.
      expect(addMonths(new Date('2026-10-15T08:00:00Z'), 1).toISOString()).to.equal('2026-11-15T09:00:00.000Z');
      // 02:30 does not exist on 29 March 2026 (clocks go 02:00 → 03:00): the hour is skipped forward, to 03:30.
      expect(addMonths(new Date('2026-01-29T01:30:00Z'), 2).toISOString()).to.equal('2026-03-29T01:30:00.000Z');
      expect(formatDateTime(addMonths(new Date('2026-01-29T01:30:00Z'), 2))).to.equal('29.03.2026, 03:30');
      // 02:30 happens twice on 25 October 2026: the first (summer time) one.
      expect(addMonths(new Date('2026-09-25T00:30:00Z'), 1).toISOString()).to.equal('2026-10-25T00:30:00.000Z');
      // Days too keep the clock time: a week from Friday 27 March 08:00 CET is Friday 3 April 08:00 CEST.
      expect(addDays(new Date('2026-03-27T07:00:00Z'), 7).toISOString()).to.equal('2026-04-03T06:00:00.000Z');
      expect(addDays(new Date('2026-12-31T12:00:00Z'), 1).toISOString()).to.equal('2027-01-01T12:00:00.000Z');
    });

    it('validUntil: completion + validityMonths, none without validity', () => {
      expect(validUntil(new Date('2026-01-31T09:00:00Z'), 1)?.toISOString()).to.equal('2026-02-28T09:00:00.000Z');
      expect(validUntil(new Date('2026-03-10T09:30:00Z'), 12)?.toISOString()).to.equal('2027-03-10T09:30:00.000Z');
      expect(validUntil(new Date('2026-01-31T09:00:00Z'), undefined)).to.equal(undefined);
      expect(validUntil(new Date('2026-01-31T09:00:00Z'), 0)).to.equal(undefined);
    });

    it('renewalDue: from the moment validity ends (the instant a certificate expires), not a millisecond earlier', () => {
      const completedAt = new Date('2026-01-31T09:00:00Z');
      const end = new Date('2026-02-28T09:00:00Z');
      expect(renewalDue(completedAt, 1, new Date(end.getTime() - 1))).to.equal(false);
      expect(renewalDue(completedAt, 1, end)).to.equal(true);
      expect(hasExpired(end, new Date(end.getTime() - 1))).to.equal(false);
      expect(hasExpired(end, end)).to.equal(true);
      expect(hasExpired(undefined, end)).to.equal(false);
      // No validity, or no completion: never due.
      expect(renewalDue(completedAt, undefined, new Date('2030-01-01T00:00:00Z'))).to.equal(false);
      expect(renewalDue(undefined, 1, new Date('2030-01-01T00:00:00Z'))).to.equal(false);
    });

    it('overdue once the due moment has passed', () => {
      const due = endOfWarsawDay('2026-01-15');
      expect(isOverdue(due, due)).to.equal(false);
      expect(isOverdue(due, new Date(due.getTime() + 1))).to.equal(true);
      expect(isOverdue(undefined, new Date())).to.equal(false);
    });

    it('formats dates in Warsaw time: 2026-03-11T23:30:00Z is 12.03.2026 (pl) and 12/03/2026 (en)', () => {
      const lateEvening = new Date('2026-03-11T23:30:00Z');
      expect(formatDate(lateEvening, 'pl')).to.equal('12.03.2026');
      expect(formatDate(lateEvening)).to.equal('12.03.2026');
      expect(formatDate(lateEvening, 'en')).to.equal('12/03/2026');
      expect(formatTime(lateEvening)).to.equal('00:30');
      expect(formatDateTime(lateEvening, 'pl')).to.equal('12.03.2026, 00:30');
      expect(formatDateTime(lateEvening, 'en')).to.equal('12/03/2026, 00:30');
      expect(formatIsoDay('2026-09-01')).to.equal('01.09.2026');
      expect(formatIsoDay('2026-09-01', 'en')).to.equal('01/09/2026');
    });

    it('writes a duration as a reader of the language expects: hours and minutes, no decimals', () => {
      expect(formatDuration(135)).to.equal('2 godz. 15 min');
      expect(formatDuration(45, 'pl')).to.equal('45 min');
      expect(formatDuration(180)).to.equal('3 godz.');
      expect(formatDuration(90, 'en')).to.equal('1 h 30 min');
      expect(formatDuration(120, 'en')).to.equal('2 h');
      expect(formatDuration(0)).to.equal('0 min');
    });

    it('a due day ends at Warsaw midnight, in winter and in summer time', () => {
      expect(endOfWarsawDay('2026-01-15').toISOString()).to.equal('2026-01-15T22:59:59.999Z');
      expect(endOfWarsawDay('2026-07-15').toISOString()).to.equal('2026-07-15T21:59:59.999Z');
      // The day the clocks go forward (29 March 2026) ends in summer time, the day they go back in winter time.
      expect(endOfWarsawDay('2026-03-29').toISOString()).to.equal('2026-03-29T21:59:59.999Z');
      expect(endOfWarsawDay('2026-10-25').toISOString()).to.equal('2026-10-25T22:59:59.999Z');
      expect(formatDate(endOfWarsawDay('2026-07-15'))).to.equal('15.07.2026');
      expect(formatDate(endOfWarsawDay('2026-07-15'), 'en')).to.equal('15/07/2026');
    });

    it('days are Warsaw days: 23:30 UTC on 31 December is already New Year in Poland', () => {
      const lateEvening = new Date('2026-12-31T23:30:00Z');
      expect(warsawIsoDay(lateEvening)).to.equal('2027-01-01');
      expect(spreadsheetDay(lateEvening).toISOString()).to.equal('2027-01-01T00:00:00.000Z');
    });

    it('tells real calendar days from text that only looks like one', () => {
      expect(isCalendarDay('2028-02-29')).to.equal(true);
      expect(isCalendarDay('2027-02-29')).to.equal(false);
      expect(isCalendarDay('2026-13-01')).to.equal(false);
      expect(isCalendarDay('2026-1-01')).to.equal(false);
    });
  });
}
