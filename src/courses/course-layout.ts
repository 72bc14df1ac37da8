// Which files make up a course folder (docs/course-format.md): listing them, telling text from binary, hashing them.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The folders a course's files may sit in besides its root; media folders may nest (images/diagrams/x.png). */
export const MEDIA_FOLDERS = ['images', 'handouts', 'video'] as const;

/** True for a path (with `/`) the course format knows: course.yaml, quiz.yaml, lessons/*.md and files in media folders. */
export function isCourseLayoutPath(relative: string): boolean {
  if (relative === 'course.yaml' || relative === 'quiz.yaml') return true;
  const segments = relative.split('/');
  if (segments.some((segment) => segment === '' || segment.startsWith('.'))) return false;
  if (segments[0] === 'lessons') return segments.length === 2 && segments[1].endsWith('.md');
  return (MEDIA_FOLDERS as readonly string[]).includes(segments[0]) && segments.length >= 2;
}

/** Text files (kept as text in the database, diffed, edited in the studio): YAML, Markdown and WebVTT captions. */
export function isTextCoursePath(relative: string): boolean {
  return /\.(ya?ml|md|vtt)$/i.test(relative);
}

/** One file of a course folder. */
export interface CourseFolderFile {
  /** Path inside the folder, with `/`. */
  path: string;
  bytes: Buffer;
}

/** Every file of the course format in `folder`, sorted by path (hidden files and anything else skipped). */
export async function readCourseFolderFiles(folder: string): Promise<CourseFolderFile[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: CourseFolderFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const relative = path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (!isCourseLayoutPath(relative)) continue;
    files.push({ path: relative, bytes: await readFile(path.join(folder, relative)) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A hash over paths and contents: two folders with the same files have the same hash, in any order. */
export function contentHashOf(files: ReadonlyArray<{ path: string; sha256: string }>): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) hash.update(`${file.path}\0${file.sha256}\n`);
  return hash.digest('hex');
}
