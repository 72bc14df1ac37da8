// The platform's calendar: Warsaw time for every date a person sees, month arithmetic, validity, renewal and due dates.
//
// Offices live by the Warsaw clock, while the server may run in any zone (the Docker image runs in UTC), so nothing
// here reads the process time zone: every calendar field comes from Intl with PLATFORM_TIME_ZONE.

/** The time zone of every date a person sees and of every calendar rule, whatever the server's zone. */
export const PLATFORM_TIME_ZONE = 'Europe/Warsaw';

/** A moment as Warsaw's clocks show it (month 1–12). */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const HOUR_MS = 3_600_000;

// h23, not hour12: false, which some ICU versions render as "24" at midnight.
const wallClockFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: PLATFORM_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function wallClockOf(when: Date): WallClock {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormat.formatToParts(when)) parts[part.type] = Number(part.value);
  // Warsaw's offset is whole minutes, so the milliseconds are the instant's own.
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second, millisecond: when.getUTCMilliseconds() };
}

/** The wall-clock fields read as if they were UTC: the arithmetic value of a Warsaw clock reading. */
function wallClockAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

/** How far Warsaw's clocks are ahead of UTC at `instant` (ms). */
function offsetAt(instant: number): number {
  return wallClockAsUtc(wallClockOf(new Date(instant))) - instant;
}

/**
 * The instant at which Warsaw's clocks show `wall`. A time the spring change skips (02:00–03:00) moves on by the
 * hour skipped; a time the autumn change repeats is its first (summer-time) occurrence — as Temporal's "compatible".
 */
function fromWallClock(wall: WallClock): Date {
  const local = wallClockAsUtc(wall);
  // The offsets in force half a day either side; clock changes are months apart, so at most one lies between.
  const before = offsetAt(local - 12 * HOUR_MS);
  const after = offsetAt(local + 12 * HOUR_MS);
  const matching = [local - before, local - after].filter((instant) => offsetAt(instant) === local - instant);
  return new Date(matching.length ? Math.min(...matching) : local - before);
}

/** Days in a month of the (proleptic Gregorian) calendar; month 1–12. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * `date` plus whole `months` in the Warsaw calendar, at the same Warsaw clock time. A day the target month lacks
 * becomes its last day: 31 January + 1 month = 28 (or 29) February, 31 March + 1 = 30 April.
 */
export function addMonths(date: Date, months: number): Date {
  if (!Number.isInteger(months)) throw new RangeError(`addMonths: whole months only, not ${months}`);
  const wall = wallClockOf(date);
  const monthIndex = wall.year * 12 + (wall.month - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return fromWallClock({ ...wall, year, month, day: Math.min(wall.day, daysInMonth(year, month)) });
}

/** `date` plus whole `days` in the Warsaw calendar, at the same Warsaw clock time (a day across a clock change is 23 or 25 hours). */
export function addDays(date: Date, days: number): Date {
  if (!Number.isInteger(days)) throw new RangeError(`addDays: whole days only, not ${days}`);
  const wall = wallClockOf(date);
  const target = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return fromWallClock({ ...wall, year: target.getUTCFullYear(), month: target.getUTCMonth() + 1, day: target.getUTCDate() });
}

/**
 * Until when a completion counts: `validityMonths` calendar months after it (see addMonths), or undefined when
 * the course's certificates do not expire. The certificate, the quiz lock and "Moje szkolenia" all use this.
 */
export function validUntil(completedAt: Date, validityMonths?: number | null): Date | undefined {
  return validityMonths ? addMonths(completedAt, validityMonths) : undefined;
}

/** Whether something valid until `until` has expired at `now`: from that very instant on (none = never). */
export function hasExpired(until: Date | null | undefined, now: Date): boolean {
  return Boolean(until && until.getTime() <= now.getTime());
}

/** Whether a completion of a course with `validityMonths` is due for its refresher at `now` (its validity has ended). */
export function renewalDue(completedAt: Date | null | undefined, validityMonths: number | null | undefined, now: Date): boolean {
  return completedAt ? hasExpired(validUntil(completedAt, validityMonths), now) : false;
}

/** Whether a due date (stored as the end of its Warsaw day, see endOfWarsawDay) has passed at `now`. */
export function isOverdue(dueDate: Date | null | undefined, now: Date): boolean {
  return Boolean(dueDate && dueDate.getTime() < now.getTime());
}

const isoDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: PLATFORM_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Warsaw calendar day of an instant as YYYY-MM-DD (a key for "today", file names, date inputs). */
export function warsawIsoDay(when: Date): string {
  return isoDayFormat.format(when);
}

/** Calendar days from the Warsaw day of `from` to that of `to` (negative when `to` is earlier), whatever the clock changes. */
export function warsawDaysBetween(from: Date, to: Date): number {
  const dayNumber = (when: Date) => Date.parse(`${warsawIsoDay(when)}T00:00:00Z`) / 86_400_000;
  return Math.round(dayNumber(to) - dayNumber(from));
}

/**
 * The ISO 8601 week of the instant's Warsaw day, as `2026-W49` (weeks start on Monday; the week belongs to the year
 * of its Thursday, so 31 December can be week 1 of the next year): a key for "at most once a week".
 */
export function warsawIsoWeek(when: Date): string {
  const day = new Date(`${warsawIsoDay(when)}T00:00:00Z`);
  const weekday = day.getUTCDay() || 7;
  // The Thursday of the same week decides the year and the week number.
  const thursday = new Date(day.getTime() + (4 - weekday) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Whether `value` is YYYY-MM-DD naming a day that exists (not 2027-02-29). */
export function isCalendarDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function parseIsoDay(isoDay: string): { year: number; month: number; day: number } {
  if (!isCalendarDay(isoDay)) throw new RangeError(`Not a calendar day (YYYY-MM-DD): ${isoDay}`);
  const [year, month, day] = isoDay.split('-').map(Number);
  return { year, month, day };
}

/**
 * The last millisecond of a Warsaw calendar day (YYYY-MM-DD). Due dates are stored this way so that
 * "overdue" (isOverdue) starts only when the due day is over.
 */
export function endOfWarsawDay(isoDay: string): Date {
  return fromWallClock({ ...parseIsoDay(isoDay), hour: 23, minute: 59, second: 59, millisecond: 999 });
}

/** Midnight UTC of the instant's Warsaw day: what a spreadsheet shows as that date, whatever its time zone. */
export function spreadsheetDay(when: Date): Date {
  return new Date(`${warsawIsoDay(when)}T00:00:00Z`);
}

/** The locale whose short formats the platform uses: en-GB gives 23/11/2026, pl-PL 23.11.2026. */
function localeOf(language: string | undefined): 'en-GB' | 'pl-PL' {
  return language === 'en' ? 'en-GB' : 'pl-PL';
}

const DAY = { day: '2-digit', month: '2-digit', year: 'numeric' } as const;
const TIME = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
const formats = {
  date: {
    'pl-PL': new Intl.DateTimeFormat('pl-PL', { timeZone: PLATFORM_TIME_ZONE, ...DAY }),
    'en-GB': new Intl.DateTimeFormat('en-GB', { timeZone: PLATFORM_TIME_ZONE, ...DAY }),
  },
  dateTime: {
    'pl-PL': new Intl.DateTimeFormat('pl-PL', { timeZone: PLATFORM_TIME_ZONE, ...DAY, ...TIME }),
    'en-GB': new Intl.DateTimeFormat('en-GB', { timeZone: PLATFORM_TIME_ZONE, ...DAY, ...TIME }),
  },
  time: {
    'pl-PL': new Intl.DateTimeFormat('pl-PL', { timeZone: PLATFORM_TIME_ZONE, ...TIME }),
    'en-GB': new Intl.DateTimeFormat('en-GB', { timeZone: PLATFORM_TIME_ZONE, ...TIME }),
  },
};

/** A date as people read it, in Warsaw time: 23.11.2026 (pl, the default) or 23/11/2026 (en). */
export function formatDate(when: Date, language?: string): string {
  return formats.date[localeOf(language)].format(when);
}

/** A date and time in Warsaw time: 23.11.2026, 14:05 (pl) or 23/11/2026, 14:05 (en). */
export function formatDateTime(when: Date, language?: string): string {
  return formats.dateTime[localeOf(language)].format(when);
}

/** A clock time in Warsaw time, 24-hour: 14:05. */
export function formatTime(when: Date, language?: string): string {
  return formats.time[localeOf(language)].format(when);
}

/** A calendar day given as YYYY-MM-DD (e.g. a legal state date) as people read it: 01.09.2026 (pl) or 01/09/2026 (en). */
export function formatIsoDay(isoDay: string, language?: string): string {
  // Noon of that Warsaw day, formatted in Warsaw time, is that day.
  return formatDate(fromWallClock({ ...parseIsoDay(isoDay), hour: 12, minute: 0, second: 0, millisecond: 0 }), language);
}

/**
 * A length of time in whole minutes as a reader of that language expects it: "2 godz. 15 min", "45 min", "3 godz."
 * (pl, the default) or "2 h 15 min" (en). One rule for the course pages, the certificate PDF and the verification page.
 */
export function formatDuration(minutes: number, language?: string): string {
  const total = Math.max(0, Math.round(minutes));
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  const hourUnit = language === 'en' ? 'h' : 'godz.';
  if (!hours) return `${rest} min`;
  return rest ? `${hours} ${hourUnit} ${rest} min` : `${hours} ${hourUnit}`;
}

/** The Warsaw calendar month of an instant as YYYY-MM (a key for "completions per month"). */
export function warsawMonth(when: Date): string {
  return warsawIsoDay(when).slice(0, 7);
}

/** The `count` Warsaw months up to and including the one of `now`, oldest first, as YYYY-MM. */
export function lastMonths(now: Date, count: number): string[] {
  const [year, month] = warsawMonth(now).split('-').map(Number);
  return Array.from({ length: count }, (_, index) => {
    const offset = year * 12 + (month - 1) - (count - 1 - index);
    return `${Math.floor(offset / 12)}-${String((offset % 12) + 1).padStart(2, '0')}`;
  });
}

const monthFormats = {
  'pl-PL': new Intl.DateTimeFormat('pl-PL', { timeZone: 'UTC', month: 'short', year: 'numeric' }),
  'en-GB': new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', year: 'numeric' }),
};

/** A YYYY-MM month as people read it: "lis 2026" (pl) or "Nov 2026" (en). */
export function formatMonth(isoMonth: string, language?: string): string {
  return monthFormats[localeOf(language)].format(new Date(`${isoMonth}-15T12:00:00Z`));
}

/** The two parts of formatMonth, for a chart axis that writes the year once: { month: "lis", year: "2026" }. */
export function formatMonthParts(isoMonth: string, language?: string): { month: string; year: string } {
  const parts = monthFormats[localeOf(language)].formatToParts(new Date(`${isoMonth}-15T12:00:00Z`));
  return { month: parts.find((part) => part.type === 'month')?.value ?? isoMonth, year: parts.find((part) => part.type === 'year')?.value ?? '' };
}
