// Reads a people file (CSV in UTF-8, `;` or `,`, with or without BOM; or XLSX) into rows with their line numbers.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { foldText } from './people.directory.js';

/** Largest file accepted (checked by the upload too) and most data rows: an office of 2,000 fits with room to spare. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;

/** The columns of the import, each known by its Polish and English headers (compared without case and diacritics). */
export const IMPORT_COLUMNS = {
  fullName: ['imię i nazwisko', 'imie i nazwisko', 'nazwisko i imię', 'name', 'full name', 'fullname'],
  email: ['e-mail', 'email', 'adres e-mail', 'e-mail address', 'email address'],
  department: ['dział', 'referat', 'komórka', 'department'],
  position: ['stanowisko', 'position', 'job title'],
  roles: ['role', 'rola', 'roles', 'role(s)'],
  employeeNumber: ['numer pracownika', 'nr pracownika', 'numer ewidencyjny', 'employee number', 'employee no', 'employeenumber'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;

/** One data row as read from the file (text, trimmed), with its line (CSV) or row (XLSX) number. */
export interface ImportRow {
  line: number;
  fullName: string;
  email: string;
  department: string;
  position: string;
  roles: string;
  employeeNumber: string;
}

/** Why a file as a whole cannot be read (shown next to the upload field; nothing is written). */
export type FileProblem = 'noFile' | 'tooLarge' | 'notSupported' | 'notUtf8' | 'unreadable' | 'empty' | 'missingColumns' | 'tooManyRows' | 'noRows';

export class PeopleFileError extends Error {
  constructor(
    readonly problem: FileProblem,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`people file: ${problem}`);
  }
}

const HEADER_LOOKUP = new Map<string, ImportColumn>(
  Object.entries(IMPORT_COLUMNS).flatMap(([column, names]) => names.map((name) => [foldText(name), column as ImportColumn] as const)),
);

/** The column each header names (unknown headers are ignored and reported). */
function mapHeaders(headers: string[]): { index: Partial<Record<ImportColumn, number>>; ignored: string[] } {
  const index: Partial<Record<ImportColumn, number>> = {};
  const ignored: string[] = [];
  headers.forEach((header, position) => {
    const column = HEADER_LOOKUP.get(foldText(header.replace(/\s+/g, ' ')));
    if (column && index[column] === undefined) index[column] = position;
    else if (header.trim()) ignored.push(header.trim());
  });
  if (index.fullName === undefined || index.email === undefined) throw new PeopleFileError('missingColumns');
  return { index, ignored };
}

function toRows(table: Array<{ line: number; cells: string[] }>): { rows: ImportRow[]; ignoredColumns: string[] } {
  const [header, ...data] = table;
  if (!header) throw new PeopleFileError('empty');
  const { index, ignored } = mapHeaders(header.cells);
  const cell = (cells: string[], column: ImportColumn) => {
    const at = index[column];
    return at === undefined ? '' : (cells[at] ?? '').trim();
  };
  const rows = data
    // A blank line (or a row of empty cells Excel left behind) is not a person.
    .filter(({ cells }) => cells.some((value) => value.trim()))
    .map(({ line, cells }) => ({
      line,
      fullName: cell(cells, 'fullName'),
      email: cell(cells, 'email'),
      department: cell(cells, 'department'),
      position: cell(cells, 'position'),
      roles: cell(cells, 'roles'),
      employeeNumber: cell(cells, 'employeeNumber'),
    }));
  if (!rows.length) throw new PeopleFileError('noRows');
  if (rows.length > MAX_IMPORT_ROWS) throw new PeopleFileError('tooManyRows', { max: MAX_IMPORT_ROWS, count: rows.length });
  return { rows, ignoredColumns: ignored };
}

function isZip(bytes: Buffer): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The separator of a CSV: whichever of `;` and `,` the header line has more of, outside quotes (Polish Excel writes `;`). */
function separatorOf(text: string): ';' | ',' {
  const firstLine = text.split(/\r?\n/, 1)[0].replace(/"[^"]*"/g, '');
  const count = (char: string) => firstLine.split(char).length - 1;
  return count(';') >= count(',') && count(';') > 0 ? ';' : ',';
}

function readCsv(bytes: Buffer): Array<{ line: number; cells: string[] }> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Most often a CSV saved by Excel as "CSV (rozdzielany przecinkami)" in Windows-1250: say how to save it.
    throw new PeopleFileError('notUtf8');
  }
  // A text file has no NUL bytes: a binary file renamed to .csv stops here.
  if (text.includes('\u0000')) throw new PeopleFileError('notSupported');
  if (!text.trim()) throw new PeopleFileError('empty');
  try {
    const records = parse(text, { delimiter: separatorOf(text), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }) as unknown as Array<{
      record: string[];
      info: { lines: number };
    }>;
    return records.map(({ record, info }) => ({ line: info.lines, cells: record }));
  } catch {
    throw new PeopleFileError('unreadable');
  }
}

async function readXlsx(bytes: Buffer): Promise<Array<{ line: number; cells: string[] }>> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch {
    throw new PeopleFileError('unreadable');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new PeopleFileError('empty');
  // Checked before the rows are turned into text: a sheet of a million rows is refused without reading them.
  if (sheet.actualRowCount > MAX_IMPORT_ROWS + 1) throw new PeopleFileError('tooManyRows', { max: MAX_IMPORT_ROWS, count: sheet.actualRowCount - 1 });
  const table: Array<{ line: number; cells: string[] }> = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    // cell.text is what Excel shows: a number as typed, a hyperlinked e-mail as its text, a date as formatted.
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cell.text ?? '';
    });
    table.push({ line: rowNumber, cells: Array.from(cells, (value) => value ?? '') });
  });
  return table;
}

/**
 * The rows of an uploaded people file. XLSX is recognised by its content (a zip), anything else must be UTF-8
 * CSV text. Every way a file can be wrong is a PeopleFileError naming the problem, never an exception of a parser.
 */
export async function readPeopleFile(bytes: Buffer | undefined): Promise<{ rows: ImportRow[]; ignoredColumns: string[] }> {
  if (!bytes || !bytes.length) throw new PeopleFileError('noFile');
  if (bytes.length > MAX_IMPORT_BYTES) throw new PeopleFileError('tooLarge');
  // A PDF, or an old binary Excel (.xls) file: say which formats are read, rather than "not UTF-8".
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-' || bytes.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new PeopleFileError('notSupported');
  }
  const table = isZip(bytes) ? await readXlsx(bytes) : readCsv(bytes);
  return toRows(table);
}
