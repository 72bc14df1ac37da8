// A studio course as a zip of the courses/ folder format: exporting the draft, importing a zip as a draft.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { readCourseFolderFiles } from '../courses/course-layout.js';
import { packCourseFolder, unpackCourseArchive } from './course-archive.js';
import { storedFilesOf } from './course-versions.js';
import { assertCanAuthor, type Author } from './studio.policy.js';
import { saveFiles, studioCourseOf, withLaidOutDraft, type DraftProblem, type StudioDeps } from './studio.service.js';
import { StudioCourse, type StudioCourseDoc } from './studio-course.model.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

/** The draft as a zip that `npm run courses:check` accepts when the draft passes the studio's check. */
export async function packDraft(deps: StudioDeps, author: Author, courseId: string): Promise<Buffer> {
  const course = await studioCourseOf(author, courseId);
  return withLaidOutDraft(deps, course._id, course.files, (folder) => packCourseFolder(folder));
}

export type ImportResult = { ok: true; courseId: string; created: boolean } | { ok: false; problems: DraftProblem[] };

/**
 * Imports a zip as the draft of a course of the author's organisation: a new course, or the next revision of one it
 * already has (back to draft: a review is needed again). The zip is checked first (its entries, then the course as
 * `npm run courses:check` checks it); nothing is stored unless it passes. A course of courses/ (git is its source)
 * or of another organisation is refused.
 */
export async function importCourseArchive(deps: StudioDeps, author: Author, zip: Buffer): Promise<ImportResult> {
  assertCanAuthor(author);
  const workDir = path.join(deps.config.DATA_DIR, 'studio-imports', randomBytes(8).toString('hex'));
  await mkdir(workDir, { recursive: true });
  try {
    const unpacked = await unpackCourseArchive(zip, workDir);
    if (!unpacked.ok) return { ok: false, problems: unpacked.errors };
    const files = await storedFilesOf(await readCourseFolderFiles(unpacked.folder));
    const courseId = unpacked.courseId;
    const refusal = (message: string): ImportResult => ({ ok: false, problems: [{ file: `${courseId}/course.yaml`, line: 1, message }] });
    const existing = await StudioCourse.findById(courseId).select({ organisationId: 1 }).lean<Pick<StudioCourseDoc, '_id' | 'organisationId'>>();
    if (existing && String(existing.organisationId) !== author.organisationId) return refusal(`a course with the id "${courseId}" belongs to another organisation`);
    if (!existing && deps.catalogue.get(courseId))
      return refusal(`"${courseId}" is a course of the platform's courses/ folder: change it there (git), or import it under another id`);
    if (existing) {
      await saveFiles(author, existing, files);
      return { ok: true, courseId, created: false };
    }
    try {
      await StudioCourse.create({
        _id: courseId,
        organisationId: author.organisationId,
        files,
        createdBy: { id: author.id, name: author.fullName },
        lastEditedBy: { id: author.id, name: author.fullName },
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) return refusal(`a course with the id "${courseId}" was created at the same moment; try again`);
      throw error;
    }
    return { ok: true, courseId, created: true };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
