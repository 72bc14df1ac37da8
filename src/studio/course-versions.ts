// Course versions in the database: the folders of COURSES_DIR recorded at start, published versions laid out on
// disk and served by the catalogue, and publishing a new one while the platform runs.
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { contentHashOf, isTextCoursePath, readCourseFolderFiles, type CourseFolderFile } from '../courses/course-layout.js';
import { formatCourseError, loadCourse } from '../courses/course.loader.js';
import type { Course } from '../courses/course.types.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { ConflictError, ValidationError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { sha256Of, storeCourseFile, writeCourseFileTo } from './course-files.js';
import { CourseVersion, courseVersionId, type CourseVersionDoc, type CourseVersionFile } from './course-version.model.js';

export interface CourseVersionsDeps {
  config: Pick<Config, 'DATA_DIR' | 'COURSES_DIR'>;
  catalogue: CourseCatalogue;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** A folder's files as the database keeps them: text inline, binary files in the file store. */
export async function storedFilesOf(files: CourseFolderFile[]): Promise<CourseVersionFile[]> {
  const stored: CourseVersionFile[] = [];
  for (const file of files) {
    if (isTextCoursePath(file.path)) stored.push({ path: file.path, text: file.bytes.toString('utf8'), size: file.bytes.length });
    else stored.push({ path: file.path, sha256: await storeCourseFile(file.bytes), size: file.bytes.length });
  }
  return stored;
}

/** The content hash of stored files (the same as of the folder they came from). */
export function hashOfStoredFiles(files: CourseVersionFile[]): string {
  return contentHashOf(files.map((file) => ({ path: file.path, sha256: file.sha256 ?? sha256Of(Buffer.from(file.text ?? '', 'utf8')) })));
}

/** Writes stored files into `folder` (which must not hold other files). */
export async function writeStoredFiles(dataDir: string, files: CourseVersionFile[], folder: string): Promise<void> {
  for (const file of files) {
    const target = path.join(folder, ...file.path.split('/'));
    // Paths come from our own records, but a record is data: nothing is written outside the folder.
    if (!target.startsWith(folder + path.sep)) throw new Error(`course file path ${file.path} leaves its folder`);
    await mkdir(path.dirname(target), { recursive: true });
    if (file.text !== undefined) await writeFile(target, file.text, 'utf8');
    else if (file.sha256) await writeCourseFileTo(dataDir, file.sha256, target);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The folder a stored version is served from: DATA_DIR/course-versions/<id>/<version>-<hash>/<id>. Named by its
 * content, so a folder once complete is right forever; it is written under a temporary name and renamed, so a
 * process dying half-way never leaves a half-written folder in its place.
 */
export async function layOutVersion(dataDir: string, version: Pick<CourseVersionDoc, 'courseId' | 'version' | 'contentHash' | 'files'>): Promise<string> {
  const parent = path.join(dataDir, 'course-versions', version.courseId, `${version.version}-${version.contentHash.slice(0, 16)}`);
  const folder = path.join(parent, version.courseId);
  if (await exists(folder)) return folder;
  const temporary = path.join(parent, `.${version.courseId}.${process.pid}.${Date.now()}`);
  await mkdir(temporary, { recursive: true });
  try {
    await writeStoredFiles(dataDir, version.files, temporary);
    await rename(temporary, folder);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    // Another instance (or request) laid out the same content first: theirs is as good as ours.
    if (await exists(folder)) return folder;
    throw error;
  }
  return folder;
}

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Records each course folder of COURSES_DIR as a published version (`<id>@<version>`), so that learners enrolled on
 * it keep it after the folder moves on to a newer version. A folder changed without a new version number replaces
 * its own record (git is a folder's history); a version published in the studio is never overwritten.
 */
export async function recordFolderCourses(deps: CourseVersionsDeps): Promise<void> {
  for (const course of deps.catalogue.list()) {
    if (!isInside(deps.config.COURSES_DIR, course.directory)) continue;
    const files = await storedFilesOf(await readCourseFolderFiles(course.directory));
    const record = { courseId: course.id, version: course.version, source: 'folder' as const, files, contentHash: hashOfStoredFiles(files) };
    const id = courseVersionId(course.id, course.version);
    const existing = await CourseVersion.findById(id).select({ source: 1, contentHash: 1 }).lean<Pick<CourseVersionDoc, 'source' | 'contentHash'>>();
    if (!existing) {
      await CourseVersion.create({ _id: id, ...record, publishedAt: new Date() }).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
      });
    } else if (existing.contentHash !== record.contentHash) {
      if (existing.source === 'studio') {
        deps.logger.warn({ course: id }, `course folder ${course.id} differs from version ${course.version} published in the studio; the studio's is kept`);
        continue;
      }
      deps.logger.warn({ course: id }, `course folder ${course.id} changed without a new version number: version ${course.version} is replaced (give changes a new version)`);
      await CourseVersion.updateOne({ _id: id, source: 'folder' }, { $set: { files: record.files, contentHash: record.contentHash } });
    }
  }
}

/** Loads a stored version from its laid-out folder; undefined (logged) when it no longer passes the checks. */
async function loadStoredVersion(deps: CourseVersionsDeps, version: CourseVersionDoc): Promise<Course | undefined> {
  const folder = await layOutVersion(deps.config.DATA_DIR, version);
  const loaded = await loadCourse(folder);
  if (loaded.ok) return loaded.course;
  for (const error of loaded.errors) deps.logger.error(formatCourseError(error, folder));
  deps.logger.error({ course: version._id }, `stored course version ${version._id} does not pass the checks and is not served`);
  return undefined;
}

/**
 * Serves every stored version the catalogue does not serve yet (older versions of folder courses, everything
 * published in the studio). One scan of the versions at start: they are few, and read nowhere else in bulk.
 */
export async function serveStoredVersions(deps: CourseVersionsDeps): Promise<number> {
  const versions = await CourseVersion.find({}).lean<CourseVersionDoc[]>();
  let added = 0;
  for (const version of versions) {
    if (deps.catalogue.version(version.courseId, version.version)) continue;
    const course = await loadStoredVersion(deps, version);
    if (!course) continue;
    deps.catalogue.add(course);
    added += 1;
  }
  if (added) deps.logger.info({ versions: added }, `${added} stored course version(s) served`);
  return added;
}

/** What publishing records about a version besides its files. */
export interface PublishVersionParams {
  courseId: string;
  version: string;
  files: CourseVersionFile[];
  publishedBy: { id: string; name: string };
  legalChange: boolean;
  changeNote?: string;
}

/**
 * Freezes a version and serves it at once (no restart): checked as `npm run courses:check` checks a folder, then
 * recorded under `<id>@<version>` (an insert: the same version with other files is a ConflictError, never an
 * overwrite; with the same files it finishes a publication cut short).
 */
export async function publishVersion(deps: CourseVersionsDeps, params: PublishVersionParams): Promise<{ course: Course; record: CourseVersionDoc }> {
  const record: CourseVersionDoc = {
    _id: courseVersionId(params.courseId, params.version),
    courseId: params.courseId,
    version: params.version,
    source: 'studio',
    files: params.files,
    contentHash: hashOfStoredFiles(params.files),
    publishedAt: new Date(),
    publishedBy: params.publishedBy,
    legalChange: params.legalChange,
    changeNote: params.changeNote,
  };
  const folder = await layOutVersion(deps.config.DATA_DIR, record);
  const loaded = await loadCourse(folder);
  if (!loaded.ok) throw new ValidationError({ version: ['studio:errors.notValid'] });
  if (loaded.course.id !== params.courseId || loaded.course.version !== params.version) throw new ValidationError({ version: ['studio:errors.versionMismatch'] });
  try {
    await CourseVersion.create(record);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // The same files under the same version: a publication cut short after its insert (the process or the database
    // died before the rest was done) is being finished, not repeated. Other files under that version: refused.
    const stored = await CourseVersion.findById(record._id).select({ contentHash: 1, source: 1 }).lean<Pick<CourseVersionDoc, 'contentHash' | 'source'>>();
    if (stored?.source !== 'studio' || stored.contentHash !== record.contentHash) throw new ConflictError(`Wersja ${params.version} tego szkolenia jest już opublikowana.`);
  }
  deps.catalogue.add(loaded.course);
  return { course: loaded.course, record };
}

/** One stored version (its files), by `_id`. */
export async function storedVersion(courseId: string, version: string): Promise<CourseVersionDoc | null> {
  return CourseVersion.findById(courseVersionId(courseId, version)).lean<CourseVersionDoc>();
}
