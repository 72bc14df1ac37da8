// Checks one media file of a course (images/, handouts/, video/) by its content, never by its name alone.
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { z } from 'zod';

/** The course folders whose files are served to learners (at /kursy-media/<courseId>/<version>/<folder>/<file>). */
export const COURSE_MEDIA_FOLDERS = ['images', 'handouts', 'video'] as const;
export type CourseMediaFolder = (typeof COURSE_MEDIA_FOLDERS)[number];

/**
 * A media file name: lower-case letters, digits, "-" and "_", and exactly one dot, before the extension. One dot
 * only, so no double extension (`wzor.pdf.html`) can make a browser or a mail filter read the file as another type.
 */
export const CourseFileNameSchema = z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9_-]*\.[a-z0-9]+$/);

/** A subfolder of a media folder (`images/schematy/`): the same letters as a file name, and no dot at all. */
const SUBFOLDER_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** True for a subfolder name a media folder may hold. */
export function isCourseMediaFolderName(name: string): boolean {
  return name.length <= 100 && SUBFOLDER_NAME.test(name);
}

/** True for a path inside a media folder, `schemat.png` or `schematy/schemat.png`: safe folder names, then a safe file name. */
export function isCourseMediaPath(relative: string): boolean {
  const segments = relative.split('/');
  const file = segments.pop() ?? '';
  return segments.length < 8 && segments.every(isCourseMediaFolderName) && CourseFileNameSchema.safeParse(file).success;
}

const MB = 1024 * 1024;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const IMAGE_SIDE = { min: 16, max: 6000 };

/** One accepted kind of file: the extensions it may carry, what file-type must sniff, and how it is served. */
interface FileKind {
  /** file-type's `ext` for this content (APNG is a PNG to a browser). */
  sniffed: string[];
  contentType: string;
  maxBytes: number;
}

const image = (sniffed: string[], contentType: string): FileKind => ({ sniffed, contentType, maxBytes: 5 * MB });
const handout = (sniffed: string, contentType: string): FileKind => ({ sniffed: [sniffed], contentType, maxBytes: 20 * MB });

/** What each folder accepts, by name extension. Anything else (SVG, HTML, executables, archives) is refused. */
const KINDS: Record<CourseMediaFolder, Record<string, FileKind>> = {
  images: {
    png: image(['png', 'apng'], 'image/png'),
    jpg: image(['jpg'], 'image/jpeg'),
    jpeg: image(['jpg'], 'image/jpeg'),
    webp: image(['webp'], 'image/webp'),
    gif: image(['gif'], 'image/gif'),
  },
  handouts: {
    pdf: handout('pdf', 'application/pdf'),
    docx: handout('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    odt: handout('odt', 'application/vnd.oasis.opendocument.text'),
    xlsx: handout('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    ods: handout('ods', 'application/vnd.oasis.opendocument.spreadsheet'),
  },
  video: {
    mp4: { sniffed: ['mp4'], contentType: 'video/mp4', maxBytes: 200 * MB },
    webm: { sniffed: ['webm'], contentType: 'video/webm', maxBytes: 200 * MB },
    // Captions are text; a megabyte holds hours of them.
    vtt: { sniffed: ['vtt'], contentType: 'text/vtt; charset=utf-8', maxBytes: 1 * MB },
  },
};

export interface CourseFileInput {
  /** The file name alone (no folder), e.g. `wzor-wniosku.docx`. */
  name: string;
  /** The file's content, or, when `size` is given, its beginning (enough to sniff a video's type). */
  bytes: Buffer;
  folder: CourseMediaFolder;
  /** The whole file's size in bytes when `bytes` is only its beginning (the loader does not read a 200 MB video to sniff it). */
  size?: number;
}

export type CourseFileCheck =
  | { ok: true; contentType: string; extension: string; width?: number; height?: number }
  | { ok: false; message: string; messageEn: string };

const refuse = (message: string, messageEn: string): CourseFileCheck => ({ ok: false, message, messageEn });

/** Megabytes to one decimal, rounded up: a file just over the limit must not read as equal to it. */
function megabytes(bytes: number, locale: 'pl' | 'en'): string {
  return `${new Intl.NumberFormat(locale === 'pl' ? 'pl-PL' : 'en-GB', { maximumFractionDigits: 1 }).format(Math.ceil((bytes / MB) * 10) / 10)} MB`;
}

/**
 * Checks a file an author puts in a course's media folder: a safe name, an extension the folder accepts that
 * agrees with the type sniffed from the content, the size limit, image dimensions and WebVTT captions.
 * Messages are Polish (`message`) with an English twin (`messageEn`, what `npm run courses:check` prints).
 */
export async function checkCourseFile(input: CourseFileInput): Promise<CourseFileCheck> {
  const { name, bytes, folder } = input;
  if (!CourseFileNameSchema.safeParse(name).success) {
    return refuse(
      `Nazwa pliku „${name}” jest niedozwolona: użyj małych liter a–z, cyfr, „-” i „_” oraz jednej kropki przed rozszerzeniem (np. schemat-procesu.png).`,
      `file name "${name}" is not allowed: use lower-case a-z, digits, "-" and "_", and one dot, before the extension (e.g. schemat-procesu.png)`,
    );
  }
  const extension = name.slice(name.lastIndexOf('.') + 1);
  if (extension === 'svg') {
    return refuse(
      'Pliki SVG są niedozwolone, bo mogą zawierać skrypty: zapisz obraz jako PNG lub WebP.',
      'SVG files are not allowed because they can contain scripts: save the image as PNG or WebP',
    );
  }
  const kinds = KINDS[folder];
  const kind = kinds[extension];
  if (!kind) {
    const allowed = Object.keys(kinds)
      .map((ext) => `.${ext}`)
      .join(', ');
    return refuse(
      `Rozszerzenie „.${extension}” jest niedozwolone w folderze ${folder}/ (dozwolone: ${allowed}).`,
      `extension ".${extension}" is not allowed in the ${folder}/ folder (allowed: ${allowed})`,
    );
  }

  const size = Math.max(input.size ?? 0, bytes.length);
  if (size === 0) return refuse('Plik jest pusty.', 'the file is empty');
  if (size > kind.maxBytes) {
    return refuse(
      `Plik ma ${megabytes(size, 'pl')}, a w folderze ${folder}/ plik .${extension} może mieć najwyżej ${megabytes(kind.maxBytes, 'pl')}.`,
      `the file is ${megabytes(size, 'en')}, and a .${extension} file in ${folder}/ may be at most ${megabytes(kind.maxBytes, 'en')}`,
    );
  }

  // The content decides: an HTML page or a script renamed .pdf sniffs as nothing (or as something else) and is refused.
  // (Some editors start a captions file with a byte-order mark, which file-type does not look past.)
  const sniffed = await fileTypeFromBuffer(extension === 'vtt' && bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes);
  if (!sniffed || !kind.sniffed.includes(sniffed.ext)) {
    const found = sniffed ? `${sniffed.ext.toUpperCase()}` : null;
    const expected = extension.toUpperCase();
    return refuse(
      `Zawartość pliku nie jest w formacie ${expected}, choć wskazuje na to rozszerzenie (${found ? `rozpoznano ${found}` : 'nie rozpoznano formatu, np. tekst lub HTML'}).`,
      `the content is not ${expected} as the extension says (${found ? `found ${found}` : 'no known format, e.g. text or HTML'})`,
    );
  }

  if (extension === 'vtt') return checkCaptions(bytes, kind, extension);
  if (folder === 'images') return checkImage(bytes, kind, extension);
  return { ok: true, contentType: kind.contentType, extension };
}

function checkImage(bytes: Buffer, kind: FileKind, extension: string): CourseFileCheck {
  let width: number;
  let height: number;
  try {
    ({ width, height } = imageSize(bytes));
  } catch {
    return refuse('Nie można odczytać wymiarów obrazu: plik jest uszkodzony.', 'the image dimensions cannot be read: the file is damaged');
  }
  const fits = (side: number) => side >= IMAGE_SIDE.min && side <= IMAGE_SIDE.max;
  if (!fits(width) || !fits(height)) {
    return refuse(
      `Obraz ma ${width} × ${height} px; każdy bok musi mieć od ${IMAGE_SIDE.min} do ${IMAGE_SIDE.max} px.`,
      `the image is ${width} × ${height} px; each side must be ${IMAGE_SIDE.min} to ${IMAGE_SIDE.max} px`,
    );
  }
  return { ok: true, contentType: kind.contentType, extension, width, height };
}

/** WebVTT captions: UTF-8 text starting with the WEBVTT line, and no markup a browser could be tricked into running. */
function checkCaptions(bytes: Buffer, kind: FileKind, extension: string): CourseFileCheck {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse('Plik napisów musi być zapisany w kodowaniu UTF-8.', 'a captions file must be saved as UTF-8');
  }
  if (!/^\uFEFF?WEBVTT(?:[ \t\r\n]|$)/.test(text)) {
    return refuse('Plik napisów musi zaczynać się od wiersza „WEBVTT”.', 'a captions file must start with the line "WEBVTT"');
  }
  if (/<script/i.test(text)) {
    return refuse('Plik napisów nie może zawierać znacznika <script>.', 'a captions file must not contain a <script> tag');
  }
  return { ok: true, contentType: kind.contentType, extension };
}
