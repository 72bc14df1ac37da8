// Calendar days as the offices live them (Europe/Warsaw): due dates, "today", and dates shown in reports.
const ZONE = 'Europe/Warsaw';

const isoDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Warsaw calendar day of an instant as YYYY-MM-DD. */
export function warsawIsoDay(when: Date): string {
  return isoDayFormat.format(when);
}

/** Minutes Warsaw is ahead of UTC at `when` (60 in winter, 120 in summer). */
function warsawOffsetMinutes(when: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, timeZoneName: 'longOffset' })
    .formatToParts(when)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * The last millisecond of a Warsaw calendar day (YYYY-MM-DD). Due dates are stored this way so that
 * "overdue" (dueDate < now, as "Moje szkolenia" judges it) starts only when the due day is over.
 */
export function endOfWarsawDay(isoDay: string): Date {
  const [year, month, day] = isoDay.split('-').map(Number);
  const utcEnd = Date.UTC(year, month - 1, day, 23, 59, 59, 999);
  // Clock changes happen at 02:00–03:00, so the offset an hour before midnight is the one at midnight.
  return new Date(utcEnd - warsawOffsetMinutes(new Date(utcEnd - 3_600_000)) * 60_000);
}

/** Midnight UTC of the instant's Warsaw day: what a spreadsheet shows as that date, whatever its time zone. */
export function spreadsheetDay(when: Date): Date {
  return new Date(`${warsawIsoDay(when)}T00:00:00Z`);
}

/** A date as people read it: 23.11.2026 (pl) or 23/11/2026 (en), in Warsaw time. */
export function formatDay(when: Date, language: string | undefined = 'pl'): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'pl-PL', { timeZone: ZONE, day: '2-digit', month: '2-digit', year: 'numeric' }).format(when);
}
