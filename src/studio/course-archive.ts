// Packs a course folder into a zip and unpacks an uploaded zip into a course folder, refusing anything unsafe or outside the course format.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { parse as parseYamlValue } from 'yaml';
import { z } from 'zod';
import { loadCourse, type CourseError } from '../courses/course.loader.js';
import { ManifestSchema } from '../courses/course.schemas.js';

const MB = 1024 * 1024;

/** Limits on an uploaded course zip; every one is enforced while the bytes are unpacked, not only from the zip's headers. */
export const ArchiveLimitsSchema = z.strictObject({
  /** Entries in the zip's central directory (files and folders, including skipped ones). */
  maxEntries: z.number().int().positive(),
  /** Unpacked bytes of one file (a lesson video is the largest). */
  maxFileBytes: z.number().int().positive(),
  /** Unpacked bytes of all files together. */
  maxTotalBytes: z.number().int().positive(),
  /** Unpacked ÷ compressed size allowed for a file above 1 MB; zip bombs reach thousands. */
  maxRatio: z.number().positive(),
});

export type ArchiveLimits = z.infer<typeof ArchiveLimitsSchema>;

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxEntries: 500,
  maxFileBytes: 210 * MB,
  maxTotalBytes: 400 * MB,
  maxRatio: 200,
});

/** Below this size a high compression ratio is normal (a short YAML file of repeated keys) and is not checked. */
const RATIO_CHECKED_ABOVE = 1 * MB;

/** The `file` of a problem with the zip as a whole rather than with one entry. */
export const WHOLE_ARCHIVE = '(zip)';

/** A fixed entry date so that packing the same folder twice gives the same bytes (a zip stores a date per entry). */
const PACKED_DATE = new Date('2000-01-01T00:00:00Z');

/** The files the course format knows, relative to the course folder (docs/course-format.md); nothing else goes in or out. */
const COURSE_FILES = [/^course\.yaml$/, /^quiz\.yaml$/, /^lessons\/[^/]+\.md$/, /^images\/(?:[^/]+\/)*[^/]+$/, /^handouts\/[^/]+$/, /^video\/[^/]+$/];
/** The folders that may hold them (a zip may list folders as entries of their own). */
const COURSE_FOLDERS = /^(?:lessons|images(?:\/[^/]+)*|handouts|video)$/;

function isCourseFile(relative: string): boolean {
  return COURSE_FILES.some((pattern) => pattern.test(relative));
}

export type UnpackResult = { ok: true; folder: string; courseId: string } | { ok: false; errors: CourseError[] };

/**
 * Zips the course in `folder` under a top folder named after its id (`<id>/course.yaml`, `<id>/lessons/…`): only the
 * files the format knows, in sorted order, with a fixed date, so the same folder always gives the same bytes.
 */
export async function packCourseFolder(folder: string): Promise<Buffer> {
  const root = path.resolve(folder);
  const id = await courseIdOf(root);
  const files = (await listFiles(root)).filter(isCourseFile).sort();

  // One stat at a time: with several, archiver adds the entries in the order their stats finish, not in ours.
  const archive = new ZipArchive({ zlib: { level: 9 }, statConcurrency: 1 });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
    // A warning is a file that vanished while packing: an incomplete course must not pass as a whole one.
    archive.on('warning', reject);
  });
  for (const relative of files) {
    archive.file(path.join(root, ...relative.split('/')), { name: `${id}/${relative}`, date: PACKED_DATE, mode: 0o644 });
  }
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** The id in course.yaml when it is a valid one, else the folder's name (a draft being fixed may still be exported). */
async function courseIdOf(root: string): Promise<string> {
  const fallback = path.basename(root);
  let manifest: unknown;
  try {
    manifest = parseYamlValue(await readFile(path.join(root, 'course.yaml'), 'utf8'));
  } catch {
    return fallback;
  }
  const id = ManifestSchema.shape.id.safeParse((manifest as { id?: unknown } | null)?.id);
  return id.success ? id.data : fallback;
}

/** Regular files under `root`, as `/`-separated relative paths; hidden files and symbolic links are left out. */
async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await listFiles(root, relative)));
    else if (entry.isFile()) found.push(relative);
  }
  return found;
}

/** One zip entry that passed the name checks, waiting for the layout checks and extraction. */
interface Candidate {
  entry: Entry;
  /** The entry's name as stored in the zip (also the `file` of its errors). */
  name: string;
  /** The name without a trailing `/`, split at `/`. */
  segments: string[];
  isFolder: boolean;
  /** Its place in the zip, so the problems are listed in the zip's order. */
  index: number;
}

/**
 * Unpacks a course zip into `intoDir/<course id>`. The zip holds either one top folder named after the course id or
 * the course files at its root (the id then comes from course.yaml). Every unsafe entry (path traversal, absolute
 * path, link, encrypted, too big, a likely zip bomb) and every file outside the course format is refused with its
 * own message, then the unpacked course must pass `loadCourse`; its errors name files as they are in the zip.
 * The files are unpacked into a temporary folder inside `intoDir` and moved into place only when all of this
 * passed, so a refused zip leaves nothing behind.
 */
export async function unpackCourseArchive(zip: Buffer, intoDir: string, limits: Partial<ArchiveLimits> = {}): Promise<UnpackResult> {
  const limit = ArchiveLimitsSchema.parse({ ...DEFAULT_ARCHIVE_LIMITS, ...limits });
  const opened = await openArchive(zip, limit);
  if (!opened.ok) return opened;
  const { zipfile } = opened;
  try {
    const listed = await listEntries(zipfile, limit);
    if (!listed.ok) return listed;
    return await extractAndLoad(zipfile, listed.candidates, listed.prefix, path.resolve(intoDir), limit);
  } finally {
    zipfile.close();
  }
}

function refuse(file: string, message: string): { ok: false; errors: CourseError[] } {
  return { ok: false, errors: [{ file, line: 1, message }] };
}

/** Opens a zip from memory with the entry-count limit checked; the caller closes it. */
async function openArchive(zip: Buffer, limit: ArchiveLimits): Promise<{ ok: true; zipfile: ZipFile } | { ok: false; errors: CourseError[] }> {
  let zipfile: ZipFile;
  try {
    // decodeStrings off: yauzl would reject the whole zip at the first bad name; the names are decoded and checked below, each with its own message.
    zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true, decodeStrings: false });
  } catch (error) {
    return refuse(WHOLE_ARCHIVE, `not a readable zip file (${messageOf(error)})`);
  }
  if (zipfile.entryCount > limit.maxEntries) {
    zipfile.close();
    return refuse(WHOLE_ARCHIVE, `the zip holds ${zipfile.entryCount} entries; at most ${limit.maxEntries} are allowed`);
  }
  return { ok: true, zipfile };
}

type EntriesRead = { ok: true; candidates: Candidate[]; problems: Array<{ index: number; error: CourseError }> } | { ok: false; errors: CourseError[] };

/**
 * Reads the central directory: every entry's name, type and declared size checked (problemOf), and the declared
 * total against the limit (its problem sorted last). The guards every zip gets, whatever its layout.
 */
async function readEntries(zipfile: ZipFile, limit: ArchiveLimits): Promise<EntriesRead> {
  const problems: Array<{ index: number; error: CourseError }> = [];
  const candidates: Candidate[] = [];
  let declaredTotal = 0;
  let index = 0;
  try {
    for await (const entry of zipfile.eachEntry()) {
      index += 1;
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      const problem = problemOf(entry, name, limit);
      if (problem === SKIP) continue;
      if (problem) {
        problems.push({ index, error: { file: printable(name), line: 1, message: problem } });
        continue;
      }
      declaredTotal += entry.uncompressedSize;
      candidates.push({ entry, name, segments: name.replace(/\/$/, '').split('/'), isFolder: name.endsWith('/'), index });
    }
  } catch (error) {
    // yauzl stops at a damaged central directory (or strong encryption); what was listed so far is not worth reporting.
    return refuse(WHOLE_ARCHIVE, `the zip is damaged: ${messageOf(error)}`);
  }
  if (declaredTotal > limit.maxTotalBytes) {
    problems.push({
      index: Infinity,
      error: { file: WHOLE_ARCHIVE, line: 1, message: `the files add up to ${megabytes(declaredTotal)} unpacked; at most ${megabytes(limit.maxTotalBytes)} is allowed` },
    });
  }
  return { ok: true, candidates, problems };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Control characters shown as `\xNN`, so an entry name in a message cannot break the line it is printed on. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\x00-\x1f\x7f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** The litter of macOS's archiver, left out without a word. */
const SKIP = Symbol('skip');

/** Why an entry's name or header is refused, or SKIP, or undefined when it is fine. */
function problemOf(entry: Entry, name: string, limit: ArchiveLimits): string | typeof SKIP | undefined {
  if (name.includes('\0')) return 'the name contains a NUL character';
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x1f\x7f]/.test(name)) return 'the name contains a control character';
  if (name.includes('\\')) return 'the name contains a backslash; zip paths use "/" (was the zip made by an old Windows tool?)';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'absolute path: entries must be relative to the zip';
  const segments = name.replace(/\/$/, '').split('/');
  if (segments.includes('..')) return 'path traversal: ".." in the name would unpack outside the course folder';
  if (segments.some((segment) => segment === '' || segment === '.')) return 'malformed path: empty or "." part in the name';
  // Skipped only after the checks above, so "__MACOSX/../x" is still refused.
  if (segments[0] === '__MACOSX' || segments[segments.length - 1] === '.DS_Store') return SKIP;
  if (segments.some((segment) => segment.startsWith('.'))) return 'hidden file or folder (its name starts with "."); the course format has none';

  // The Unix file type sits in the high 16 bits of the external attributes (zero for zips made on Windows).
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK) return 'symbolic link: a course zip may hold only files and folders';
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) return 'not a regular file (a device, pipe or socket)';
  if (entry.isEncrypted()) return 'encrypted entry: export the course without a password';
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    return `unsupported compression method ${entry.compressionMethod}; use "deflate" or none (the usual zip settings)`;
  }
  if (entry.uncompressedSize > limit.maxFileBytes) return `the file is ${megabytes(entry.uncompressedSize)} unpacked; at most ${megabytes(limit.maxFileBytes)} per file is allowed`;
  if (entry.uncompressedSize > RATIO_CHECKED_ABOVE && entry.uncompressedSize > limit.maxRatio * entry.compressedSize) {
    return ratioMessage(entry.uncompressedSize, entry.compressedSize, limit);
  }
  return undefined;
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / MB) * 10) / 10} MB`;
}

function ratioMessage(unpacked: number, compressed: number, limit: ArchiveLimits): string {
  const ratio = compressed === 0 ? '∞' : String(Math.round(unpacked / compressed));
  return `compressed ${ratio}:1, more than the allowed ${limit.maxRatio}:1 for a file above 1 MB (this looks like a zip bomb)`;
}

type Listed = { ok: true; candidates: Candidate[]; prefix: string } | { ok: false; errors: CourseError[] };

/** Reads the central directory and checks every entry's name, type and declared sizes, then the layout; extracts nothing. */
async function listEntries(zipfile: ZipFile, limit: ArchiveLimits): Promise<Listed> {
  const read = await readEntries(zipfile, limit);
  if (!read.ok) return read;
  const { candidates } = read;
  const found = [...read.problems];
  const at = (index: number, file: string, message: string) => found.push({ index, error: { file, line: 1, message } });

  const prefix = topFolderOf(candidates);
  const clashOf = nameClashChecker(candidates);
  for (const candidate of candidates) {
    const inCourse = prefix ? candidate.segments.slice(1) : candidate.segments;
    const relative = inCourse.join('/');
    const file = printable(candidate.name);
    if (candidate.isFolder) {
      if (inCourse.length > 0 && !COURSE_FOLDERS.test(relative)) at(candidate.index, file, folderOutsideMessage(relative));
      continue;
    }
    if (!isCourseFile(relative)) {
      at(candidate.index, file, fileOutsideMessage(relative));
      continue;
    }
    const clash = clashOf(candidate);
    if (clash) at(candidate.index, file, clash);
  }
  // Array.prototype.sort is stable: one entry's problems keep their order.
  if (found.length > 0) return { ok: false, errors: found.sort((a, b) => a.index - b.index).map(({ error }) => error) };
  return { ok: true, candidates, prefix };
}

/**
 * Names that would collide once unpacked, for the file entries of `candidates` asked in zip order: a second entry of
 * one name, or a name that is a file and also a folder of another entry. Case and Unicode form are ignored: on
 * Windows and macOS "Quiz.yaml" and "quiz.yaml" are one file, so the second would overwrite the first.
 */
function nameClashChecker(candidates: Candidate[]): (file: Candidate) => string | undefined {
  const keyOf = (segments: string[]) => segments.join('/').normalize('NFC').toLowerCase();
  const fileKeys = new Set(candidates.filter((candidate) => !candidate.isFolder).map((candidate) => keyOf(candidate.segments)));
  const seen = new Map<string, string>();
  return (file) => {
    const key = keyOf(file.segments);
    const first = seen.get(key);
    if (first !== undefined) return `duplicate name: the zip already holds "${printable(first)}" (names are compared ignoring upper and lower case)`;
    seen.set(key, file.name);
    const parent = file.segments.slice(0, -1).findIndex((_segment, index) => fileKeys.has(keyOf(file.segments.slice(0, index + 1))));
    return parent === -1 ? undefined : `"${printable(file.segments.slice(0, parent + 1).join('/'))}" is both a file and a folder in the zip`;
  };
}

/**
 * The top folder the course sits in, or '' when its files are at the zip's root: a course.yaml at the root wins,
 * else the one folder every entry is in.
 */
function topFolderOf(candidates: Candidate[]): string {
  if (candidates.some((candidate) => !candidate.isFolder && candidate.name === 'course.yaml')) return '';
  const tops = new Set(candidates.map((candidate) => candidate.segments[0]));
  const [top] = tops;
  const everyoneInside = candidates.every((candidate) => candidate.segments.length > 1 || candidate.isFolder);
  return tops.size === 1 && everyoneInside ? top : '';
}

function fileOutsideMessage(relative: string): string {
  return `"${printable(relative)}" is not part of the course format: a course holds course.yaml, quiz.yaml, lessons/*.md, images/, handouts/ and video/ (a course zip has them at its root or in one folder named after the course id)`;
}

function folderOutsideMessage(relative: string): string {
  return `folder "${printable(relative)}/" is not part of the course format (folders: lessons/, images/, handouts/, video/)`;
}

/** A limit crossed while bytes were being unpacked (the headers claimed less). */
class LimitCrossed extends Error {}

/** Unpacks the listed entries into a fresh temporary folder, loads the course there, and moves it into `intoDir` only if it loads. */
async function extractAndLoad(zipfile: ZipFile, candidates: Candidate[], prefix: string, intoDir: string, limit: ArchiveLimits): Promise<UnpackResult> {
  await mkdir(intoDir, { recursive: true });
  // A dot folder: the course catalogue skips it, so a half-unpacked course is never served.
  const temporary = await mkdtemp(path.join(intoDir, '.unpacking-'));
  try {
    // With files at the root the id is known only from course.yaml; "course" is a stand-in until then.
    const staging = path.join(temporary, prefix || 'course');
    await mkdir(staging);
    const unpacked = { total: 0 };
    for (const candidate of candidates) {
      const inCourse = prefix ? candidate.segments.slice(1) : candidate.segments;
      if (candidate.isFolder || inCourse.length === 0) continue;
      const problem = await extractEntry(zipfile, candidate.entry, path.join(staging, ...inCourse), unpacked, limit);
      if (problem) return refuse(printable(candidate.name), problem);
    }

    let courseDir = staging;
    if (!prefix) {
      const id = await courseIdFromManifest(staging);
      if (id) {
        courseDir = path.join(temporary, id);
        if (courseDir !== staging) await rename(staging, courseDir);
      }
    }

    const loaded = await loadCourse(courseDir);
    if (!loaded.ok) {
      return { ok: false, errors: loaded.errors.map((error) => ({ ...error, file: inArchive(courseDir, prefix, error.file) })) };
    }
    const folder = path.join(intoDir, loaded.course.id);
    try {
      await rename(courseDir, folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
        return refuse(prefix ? `${prefix}/course.yaml` : 'course.yaml', `a course "${loaded.course.id}" already exists in ${intoDir}; remove or rename it first`);
      }
      throw error;
    }
    return { ok: true, folder, courseId: loaded.course.id };
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

/** The id written in course.yaml, when the file parses and the id is valid (loadCourse reports every other case). */
async function courseIdFromManifest(courseDir: string): Promise<string | undefined> {
  try {
    const manifest: unknown = parseYamlValue(await readFile(path.join(courseDir, 'course.yaml'), 'utf8'));
    const id = ManifestSchema.shape.id.safeParse((manifest as { id?: unknown } | null)?.id);
    return id.success ? id.data : undefined;
  } catch {
    return undefined;
  }
}

/** A loader error's absolute file as the author sees it in the zip, e.g. `rodo-w-urzedzie/quiz.yaml`. */
function inArchive(courseDir: string, prefix: string, file: string): string {
  const relative = path.relative(courseDir, file).split(path.sep).join('/');
  if (!prefix) return relative || '.';
  return relative ? `${prefix}/${relative}` : prefix;
}

/**
 * Streams one entry to `target`, counting the bytes as they come out of the decompressor: the zip's own size fields
 * may lie, and yauzl's validateEntrySizes only ties the output to them. Returns the problem, or undefined.
 */
async function extractEntry(zipfile: ZipFile, entry: Entry, target: string, unpacked: { total: number }, limit: ArchiveLimits): Promise<string | undefined> {
  let source;
  try {
    source = await zipfile.openReadStreamPromise(entry);
  } catch (error) {
    return `the zip is damaged: ${messageOf(error)}`;
  }
  let readError: unknown;
  source.once('error', (error) => (readError = error));
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      unpacked.total += chunk.length;
      if (bytes > limit.maxFileBytes) return callback(new LimitCrossed(`the file unpacks to more than ${megabytes(limit.maxFileBytes)}; at most that is allowed per file`));
      if (unpacked.total > limit.maxTotalBytes)
        return callback(new LimitCrossed(`the files unpack to more than ${megabytes(limit.maxTotalBytes)} together; at most that is allowed`));
      if (bytes > RATIO_CHECKED_ABOVE && bytes > limit.maxRatio * entry.compressedSize) return callback(new LimitCrossed(ratioMessage(bytes, entry.compressedSize, limit)));
      callback(null, chunk);
    },
  });
  await mkdir(path.dirname(target), { recursive: true });
  try {
    // 'wx': the name checks ruled out two entries for one file; if one still slipped through, fail rather than overwrite.
    await pipeline(source, counter, createWriteStream(target, { flags: 'wx' }));
  } catch (error) {
    if (error instanceof LimitCrossed) return error.message;
    if (readError !== undefined) return `the zip is damaged: ${messageOf(readError)}`;
    throw error;
  }
  return undefined;
}

export type SafeUnpackResult = { ok: true; files: string[] } | { ok: false; errors: CourseError[] };

/**
 * Unpacks any zip into the empty folder `intoDir` with the same guards as a course zip (traversal, absolute paths,
 * links, encryption, sizes, zip bombs, duplicate names, a name both file and folder) but no course layout: for
 * packages of other formats (SCORM, src/scorm/). Returns the unpacked files as `/`-separated paths, in zip order;
 * on a refusal `intoDir` may hold part of the files and the caller removes it.
 */
export async function unpackSafeArchive(zip: Buffer, intoDir: string, limits: Partial<ArchiveLimits> = {}): Promise<SafeUnpackResult> {
  const limit = ArchiveLimitsSchema.parse({ ...DEFAULT_ARCHIVE_LIMITS, ...limits });
  const opened = await openArchive(zip, limit);
  if (!opened.ok) return opened;
  const { zipfile } = opened;
  try {
    const read = await readEntries(zipfile, limit);
    if (!read.ok) return read;
    const { candidates } = read;
    const errors: CourseError[] = read.problems.map((problem) => problem.error);
    const clashOf = nameClashChecker(candidates);
    for (const candidate of candidates) {
      const clash = candidate.isFolder ? undefined : clashOf(candidate);
      if (clash) errors.push({ file: printable(candidate.name), line: 1, message: clash });
    }
    if (errors.length > 0) return { ok: false, errors };
    const root = path.resolve(intoDir);
    await mkdir(root, { recursive: true });
    const unpacked = { total: 0 };
    const files: string[] = [];
    for (const candidate of candidates) {
      if (candidate.isFolder) continue;
      const problem = await extractEntry(zipfile, candidate.entry, path.join(root, ...candidate.segments), unpacked, limit);
      if (problem) return refuse(printable(candidate.name), problem);
      files.push(candidate.segments.join('/'));
    }
    return { ok: true, files };
  } finally {
    zipfile.close();
  }
}
