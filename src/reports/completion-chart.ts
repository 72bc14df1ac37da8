// Completions over time for HR: per Warsaw month, the last 12 months, from the office's standings.
import { formatMonth, formatMonthParts, lastMonths, warsawMonth } from '../calendar/calendar.js';
import type { ReportsDeps } from './reports.deps.js';
import { officeStandings } from './completion-matrix.service.js';

export const CHART_MONTHS = 12;

/** Completions in each of the last CHART_MONTHS months, oldest first; revoked completions are not counted. */
export async function completionsByMonth(deps: Pick<ReportsDeps, 'catalogue' | 'availability'>, params: { organisationId: string; now: Date }) {
  const office = await officeStandings(deps, params.organisationId, params.now);
  const months = lastMonths(params.now, CHART_MONTHS);
  const counts = new Map(months.map((month) => [month, 0]));
  const count = (completedAt: Date | undefined, revoked: boolean) => {
    if (!completedAt || revoked) return;
    const month = warsawMonth(completedAt);
    if (counts.has(month)) counts.set(month, counts.get(month)! + 1);
  };
  for (const person of office.people) {
    for (const cell of person.cells) {
      count(cell.completedAt, cell.status === 'revoked' || Boolean(cell.revokedAt));
      for (const earlier of cell.history) count(earlier.completedAt, Boolean(earlier.revokedAt));
    }
  }
  return { organisationName: office.organisationName, months: months.map((month) => ({ month, count: counts.get(month)! })) };
}
export type CompletionsByMonth = Awaited<ReturnType<typeof completionsByMonth>>;

/** Geometry of the bar chart, in SVG user units (the SVG scales to its container). */
const WIDTH = 640;
const HEIGHT = 260;
const PAD = { top: 16, right: 8, bottom: 40, left: 36 };

/**
 * The chart as plain values for a server-rendered SVG (views/reports/chart.hbs): one bar per month with its count
 * written above it, so the figure reads without colour or hovering; the table beside it is its text alternative.
 */
export function presentCompletionChart(data: CompletionsByMonth, language: string | undefined) {
  const max = Math.max(1, ...data.months.map((m) => m.count));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / data.months.length;
  const barWidth = Math.round(slot * 0.7);
  const bars = data.months.map((m, index) => {
    const height = Math.round((m.count / max) * plotHeight);
    const x = Math.round(PAD.left + index * slot + (slot - barWidth) / 2);
    const y = PAD.top + plotHeight - height;
    const label = formatMonth(m.month, language);
    // Under the bar the month alone, and its year under the first month and under each January: twelve "sty 2026"
    // labels do not fit side by side at a phone's width. The table keeps the full label.
    const { month: monthName, year } = formatMonthParts(m.month, language);
    const showYear = index === 0 || m.month.endsWith('-01');
    return {
      ...m,
      label,
      monthName,
      year: showYear ? year : undefined,
      x,
      y,
      width: barWidth,
      height,
      centre: x + barWidth / 2,
      countY: y - 4,
      labelY: HEIGHT - PAD.bottom + 16,
      yearY: HEIGHT - PAD.bottom + 32,
    };
  });
  return {
    width: WIDTH,
    height: HEIGHT,
    baseline: PAD.top + plotHeight,
    left: PAD.left,
    right: WIDTH - PAD.right,
    max,
    total: data.months.reduce((sum, m) => sum + m.count, 0),
    bars,
    first: bars[0].label,
    last: bars.at(-1)!.label,
  };
}
