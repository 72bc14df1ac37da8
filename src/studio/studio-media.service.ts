// A draft's media in the studio: uploading images, handouts, video and captions (checked as the loader checks them),
// removing them, and finding one to serve to the course's authors.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkCourseFile, type CourseMediaFolder } from '../courses/course-file-check.js';
import { isTextCoursePath } from '../courses/course-layout.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { slugOf } from '../organisations/slug.js';
import { cachedCourseFile, storeCourseFile } from './course-files.js';
import { withText, type DraftFiles } from './draft-files.js';
import type { Author } from './studio.policy.js';
import { saveFiles, studioCourseOf } from './studio.service.js';

/** A name the course format accepts from whatever the author's computer called the file: "Wzór wniosku.DOCX" → wzor-wniosku.docx. */
export function courseFileNameOf(original: string): string {
  const base = path.basename(original.replace(/\\/g, '/'));
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  const stem = slugOf(dot > 0 ? base.slice(0, dot) : base)
    .slice(0, 60)
    .replace(/-+$/, '');
  return extension ? `${stem}.${extension}` : stem;
}

/** What the files page shows of a draft's media. */
export interface DraftMediaFile {
  path: string;
  folder: string;
  name: string;
  size: number;
}

export function draftMediaOf(files: DraftFiles): DraftMediaFile[] {
  return files
    .filter((file) => /^(images|handouts|video)\//.test(file.path))
    .map((file) => ({ path: file.path, folder: file.path.split('/')[0], name: file.path.slice(file.path.indexOf('/') + 1), size: file.size }));
}

/**
 * Adds (or replaces) a media file of the draft after the same check the loader runs; an image needs its text
 * alternative, returned in the Markdown to paste into a lesson (WCAG 1.1.1: the alt text is the author's words).
 */
export async function addDraftMedia(
  author: Author,
  courseId: string,
  upload: { folder: CourseMediaFolder; originalName: string; bytes: Buffer; altText?: string },
): Promise<{ path: string; markdown: string }> {
  const course = await studioCourseOf(author, courseId);
  const name = courseFileNameOf(upload.originalName);
  if (upload.folder === 'images' && !upload.altText) throw new ValidationError({ altText: ['studio:errors.altTextRequired'] });
  const checked = await checkCourseFile({ name, bytes: upload.bytes, folder: upload.folder });
  if (!checked.ok) throw new ValidationError({ plik: [checked.message] });
  const filePath = `${upload.folder}/${name}`;
  let files: DraftFiles;
  if (isTextCoursePath(filePath)) {
    files = withText(course.files, filePath, upload.bytes.toString('utf8'));
  } else {
    const sha256 = await storeCourseFile(upload.bytes);
    const file = { path: filePath, sha256, size: upload.bytes.length, contentType: checked.contentType };
    files = [...course.files.filter((known) => known.path !== filePath), file].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  await saveFiles(author, course, files);
  const markdown = upload.folder === 'images' ? `![${upload.altText!.replace(/[[\]]/g, '')}](${filePath})` : upload.folder === 'handouts' ? `[${name}](${filePath})` : filePath;
  return { path: filePath, markdown };
}

export async function removeDraftMedia(author: Author, courseId: string, filePath: string): Promise<void> {
  const course = await studioCourseOf(author, courseId);
  if (!draftMediaOf(course.files).some((file) => file.path === filePath)) throw new NotFoundError('Nie znaleziono pliku.');
  await saveFiles(
    author,
    course,
    course.files.filter((file) => file.path !== filePath),
  );
}

/** A draft's media file for its authors to see (a lesson preview): where it is on disk or its text, and its type. */
export async function draftMediaFile(
  dataDir: string,
  author: Author,
  courseId: string,
  filePath: string,
): Promise<{ diskPath?: string; text?: string; contentType: string; folder: string }> {
  const course = await studioCourseOf(author, courseId);
  const file = course.files.find((known) => known.path === filePath && /^(images|handouts|video)\//.test(known.path));
  if (!file) throw new NotFoundError('Nie znaleziono pliku.');
  const folder = filePath.split('/')[0];
  if (file.text !== undefined) return { text: file.text, contentType: 'text/vtt; charset=utf-8', folder };
  if (!file.sha256) throw new NotFoundError('Nie znaleziono pliku.');
  const diskPath = await cachedCourseFile(dataDir, file.sha256);
  if (file.contentType) return { diskPath, contentType: file.contentType, folder };
  // A file that came in a zip or from courses/ was checked by the loader, not typed on upload: check it again here.
  const checked = await checkCourseFile({ name: path.posix.basename(filePath), bytes: await readFile(diskPath), folder: folder as CourseMediaFolder });
  if (!checked.ok) throw new NotFoundError('Nie znaleziono pliku.');
  return { diskPath, contentType: checked.contentType, folder };
}
