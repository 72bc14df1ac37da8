// Real, tiny course media files built by the libraries the platform already has (PNG, PDF, DOCX, XLSX, ODT) or from their first bytes (MP4, WebM).
import { ZipArchive } from 'archiver';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

/** A real PNG (a QR code) `width` pixels square. */
export async function pngFile(width = 64): Promise<Buffer> {
  return QRCode.toBuffer('https://akademia.example/kurs', { type: 'png', width, margin: 1 });
}

/**
 * The PNG with other dimensions written into its header (IHDR width at byte 16, height at 20): the check reads
 * the dimensions from there, so this is how a 7000-pixel image or an 8-pixel tracker looks to it (the chunk
 * checksum no longer matches, which image-size does not read).
 */
export function withDimensions(png: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(png);
  copy.writeUInt32BE(width, 16);
  copy.writeUInt32BE(height, 20);
  return copy;
}

export async function pdfFile(text = 'Wzór wniosku'): Promise<Buffer> {
  const document = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => document.on('end', resolve));
  document.text(text);
  document.end();
  await ended;
  return Buffer.concat(chunks);
}

/** A zip of the given entries, in order (the OpenDocument `mimetype` entry must come first). */
export async function zipFile(entries: Array<[name: string, content: string]>): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const [name, content] of entries) archive.append(content, { name, store: name === 'mimetype' });
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** The two parts that make a zip a Word document to file-type (and to Word: the content types and the body). */
export async function docxFile(): Promise<Buffer> {
  return zipFile([
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ],
    [
      'word/document.xml',
      '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Wzór wniosku</w:t></w:r></w:p></w:body></w:document>',
    ],
  ]);
}

export async function odtFile(): Promise<Buffer> {
  return zipFile([
    ['mimetype', 'application/vnd.oasis.opendocument.text'],
    ['content.xml', '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>'],
  ]);
}

export async function xlsxFile(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Rejestr').addRow(['Kategoria danych', 'Podstawa prawna']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The start of an MP4 file: its `ftyp` box (brand isom), which is what identifies one. */
export function mp4File(): Buffer {
  return Buffer.concat([Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'), Buffer.alloc(1000)]);
}

/** The start of a WebM file: its EBML header with DocType "webm". */
export function webmFile(): Buffer {
  return Buffer.concat([Buffer.from('1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701', 'hex'), Buffer.alloc(1000)]);
}

export const CAPTIONS = 'WEBVTT\n\n00:00.000 --> 00:04.000\nWitamy w kursie.\n\n00:04.000 --> 00:08.000\nZaczynamy od podstaw.\n';
