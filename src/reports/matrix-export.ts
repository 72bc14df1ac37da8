// The completion matrix as files for HR: CSV (UTF-8 with BOM, semicolons, for Polish Excel) and XLSX with real dates.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { formatDate, spreadsheetDay } from '../calendar/calendar.js';
import { groupName } from './reports.presenter.js';
import type { CompletionMatrix } from './completion-matrix.service.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** One line per person and course: the matrix in a shape spreadsheets filter and sort well. */
interface ExportRow {
  department: string;
  fullName: string;
  email: string;
  course: string;
  status: string;
  completedAt?: Date;
  dueDate?: Date;
  /** "odszedł/odeszła" for a leaver, empty otherwise (last, so the earlier columns keep their places). */
  account: string;
}

const COLUMNS = ['department', 'fullName', 'email', 'course', 'status', 'completedAt', 'dueDate', 'account'] as const;

function exportRows(matrix: CompletionMatrix, t: Translate): ExportRow[] {
  return matrix.groups.flatMap((group) =>
    group.people.flatMap((person) =>
      person.cells.map((cell, index) => ({
        department: groupName(group, t),
        fullName: person.fullName,
        email: person.email,
        course: matrix.courses[index].title,
        // The date has a column of its own, so the status here is the bare word.
        status: t(`reports:status.${cell.status}`),
        completedAt: cell.completedAt,
        dueDate: cell.dueDate,
        account: person.left ? t('reports:matrix.left') : '',
      })),
    ),
  );
}

function headers(t: Translate): string[] {
  return COLUMNS.map((column) => t(`reports:export.${column}`));
}

/** The matrix as CSV text: BOM first so Excel reads UTF-8, `;` as Polish Excel expects, dates as dd.mm.rrrr. */
export function matrixCsv(matrix: CompletionMatrix, t: Translate): string {
  const rows = exportRows(matrix, t).map((row) => [
    row.department,
    row.fullName,
    row.email,
    row.course,
    row.status,
    row.completedAt ? formatDate(row.completedAt) : '',
    row.dueDate ? formatDate(row.dueDate) : '',
    row.account,
  ]);
  // escape_formulas: a name typed at registration as "=HYPERLINK(…)" must stay text when HR opens the file in Excel.
  return stringify([headers(t), ...rows], { bom: true, delimiter: ';', record_delimiter: 'windows', escape_formulas: true });
}

/** The matrix as an XLSX workbook: the rows (dates as date cells) and a sheet of completion percentages. */
export async function matrixXlsx(matrix: CompletionMatrix, t: Translate): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Akademia JST';
  workbook.created = matrix.generatedAt;

  const sheet = workbook.addWorksheet(t('reports:export.sheetMatrix'));
  const widths = [28, 28, 32, 40, 18, 16, 14, 18];
  sheet.columns = COLUMNS.map((key, index) => ({
    key,
    header: headers(t)[index],
    width: widths[index],
    style: key === 'completedAt' || key === 'dueDate' ? { numFmt: 'dd.mm.yyyy' } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of exportRows(matrix, t)) {
    sheet.addRow({
      ...row,
      // A date cell holds a day, not an instant: the Warsaw day, at midnight UTC, reads the same everywhere.
      completedAt: row.completedAt ? spreadsheetDay(row.completedAt) : null,
      dueDate: row.dueDate ? spreadsheetDay(row.dueDate) : null,
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };

  const summary = workbook.addWorksheet(t('reports:export.sheetSummary'));
  summary.columns = [
    { header: t('reports:export.scope'), key: 'scope', width: 14 },
    { header: t('reports:export.name'), key: 'name', width: 40 },
    { header: t('reports:export.enrolled'), key: 'enrolled', width: 12 },
    { header: t('reports:export.completed'), key: 'completed', width: 12 },
    { header: t('reports:export.percent'), key: 'percent', width: 12, style: { numFmt: '0%' } },
  ];
  summary.getRow(1).font = { bold: true };
  const share = (c: { percent: number | null; completed: number; enrolled: number }) => (c.percent === null ? null : c.completed / c.enrolled);
  for (const group of matrix.groups) {
    summary.addRow({ scope: t('reports:export.scopeDepartment'), name: groupName(group, t), enrolled: group.enrolled, completed: group.completed, percent: share(group) });
  }
  for (const course of matrix.courses) {
    summary.addRow({ scope: t('reports:export.scopeCourse'), name: course.title, enrolled: course.enrolled, completed: course.completed, percent: share(course) });
  }
  summary.addRow({
    scope: t('reports:export.scopeTotal'),
    name: matrix.organisationName,
    enrolled: matrix.totals.enrolled,
    completed: matrix.totals.completed,
    percent: share(matrix.totals),
  });

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
