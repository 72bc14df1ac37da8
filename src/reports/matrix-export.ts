// HR's files: the completion matrix and the overdue / due-soon lists as CSV (UTF-8 with BOM, semicolons, for Polish
// Excel) and XLSX with real dates; each line carries the certificate number and its status.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { formatDate, spreadsheetDay } from '../calendar/calendar.js';
import { groupName, statusWord } from './reports.presenter.js';
import type { CompletionMatrix, DueList, MatrixCell, MatrixPerson } from './completion-matrix.service.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** One line per person and course: a shape spreadsheets filter and sort well. */
interface ExportRow {
  department: string;
  fullName: string;
  email: string;
  course: string;
  status: string;
  completedAt?: Date;
  dueDate?: Date;
  certificateCode: string;
  certificateStatus: string;
  validUntil?: Date;
  /** "poza urzędem" for a leaver, empty otherwise. */
  account: string;
}

const COLUMNS = ['department', 'fullName', 'email', 'course', 'status', 'completedAt', 'dueDate', 'certificateCode', 'certificateStatus', 'validUntil', 'account'] as const;
const DATE_COLUMNS = new Set<string>(['completedAt', 'dueDate', 'validUntil']);
const WIDTHS = [28, 28, 32, 40, 18, 16, 14, 26, 18, 16, 18];

/** The certificate's own state: "unieważniono" (revoked), "wygasło" (validity over) or "ważne"; empty without one. */
function certificateStatus(cell: MatrixCell, t: Translate, now: Date): string {
  if (!cell.certificateCode) return '';
  if (cell.revokedAt || cell.status === 'revoked') return t('common:trainingStatus.revoked');
  if (cell.validUntil && cell.validUntil.getTime() <= now.getTime()) return t('common:trainingStatus.expired');
  return t('reports:export.certificateValid');
}

function exportRow(person: MatrixPerson, courseTitle: string, cell: MatrixCell, t: Translate, now: Date): ExportRow {
  return {
    department: groupName(person, t),
    fullName: person.fullName,
    email: person.email,
    course: courseTitle,
    // The date has a column of its own, so the status here is the bare word.
    status: statusWord(cell, t),
    completedAt: cell.completedAt,
    dueDate: cell.dueDate,
    certificateCode: cell.certificateCode ?? '',
    certificateStatus: certificateStatus(cell, t, now),
    validUntil: cell.certificateCode ? cell.validUntil : undefined,
    account: person.left ? t('reports:matrix.left') : '',
  };
}

function matrixRows(matrix: CompletionMatrix, t: Translate): ExportRow[] {
  return matrix.groups.flatMap((group) =>
    group.people.flatMap((person) => person.cells.map((cell, index) => exportRow(person, matrix.courses[index].title, cell, t, matrix.generatedAt))),
  );
}

function listRows(list: DueList, t: Translate): ExportRow[] {
  return list.entries.map((entry) => exportRow(entry.person, entry.course.title, entry.cell, t, list.generatedAt));
}

function headers(t: Translate): string[] {
  return COLUMNS.map((column) => t(`reports:export.${column}`));
}

/** Rows as CSV text: BOM first so Excel reads UTF-8, `;` as Polish Excel expects, dates as dd.mm.rrrr. */
function rowsCsv(rows: ExportRow[], t: Translate): string {
  const lines = rows.map((row) => COLUMNS.map((column) => (DATE_COLUMNS.has(column) ? (row[column] ? formatDate(row[column] as Date) : '') : (row[column] as string))));
  // escape_formulas: a name typed at registration as "=HYPERLINK(…)" must stay text when HR opens the file in Excel.
  return stringify([headers(t), ...lines], { bom: true, delimiter: ';', record_delimiter: 'windows', escape_formulas: true });
}

/** Adds a sheet of rows (dates as date cells, a frozen header, a filter). */
function addRowsSheet(workbook: ExcelJS.Workbook, name: string, rows: ExportRow[], t: Translate): void {
  const sheet = workbook.addWorksheet(name);
  sheet.columns = COLUMNS.map((key, index) => ({ key, header: headers(t)[index], width: WIDTHS[index], style: DATE_COLUMNS.has(key) ? { numFmt: 'dd.mm.yyyy' } : {} }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of rows) {
    // A date cell holds a day, not an instant: the Warsaw day, at midnight UTC, reads the same everywhere.
    const day = (when: Date | undefined) => (when ? spreadsheetDay(when) : null);
    sheet.addRow({ ...row, completedAt: day(row.completedAt), dueDate: day(row.dueDate), validUntil: day(row.validUntil) });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
}

function newWorkbook(created: Date): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Akademia JST';
  workbook.created = created;
  return workbook;
}

/** The matrix as CSV text. */
export function matrixCsv(matrix: CompletionMatrix, t: Translate): string {
  return rowsCsv(matrixRows(matrix, t), t);
}

/** An overdue or due-soon list as CSV text. */
export function dueListCsv(list: DueList, t: Translate): string {
  return rowsCsv(listRows(list, t), t);
}

/** An overdue or due-soon list as an XLSX workbook of one sheet. */
export async function dueListXlsx(list: DueList, t: Translate): Promise<Buffer> {
  const workbook = newWorkbook(list.generatedAt);
  addRowsSheet(workbook, t(`reports:lists.${list.kind}.sheet`), listRows(list, t), t);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The matrix as an XLSX workbook: the rows (dates as date cells) and a sheet of completion percentages. */
export async function matrixXlsx(matrix: CompletionMatrix, t: Translate): Promise<Buffer> {
  const workbook = newWorkbook(matrix.generatedAt);
  addRowsSheet(workbook, t('reports:export.sheetMatrix'), matrixRows(matrix, t), t);

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
  for (const group of matrix.summaries) {
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
