// Reads one course folder (course.yaml, lessons/*.md, quiz.yaml, images/, handouts/, video/) into a Course, or lists every problem with its line.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Course, CourseMediaFile, Lesson, Question } from './course.types.js';
import { checkCourseFile, COURSE_MEDIA_FOLDERS, isCourseMediaFolderName } from './course-file-check.js';
import { LessonFrontMatterSchema, ManifestSchema, QuizSchema, type Manifest, type QuizInput } from './course.schemas.js';
import type { z } from 'zod';
import { checkWithSchema, lineOfPath, parseYaml, type CourseError, type YamlSource } from './course-source.js';
import { renderLesson } from './lesson.renderer.js';

export type { CourseError } from './course-source.js';

export type CourseLoadResult = { ok: true; course: Course } | { ok: false; errors: CourseError[] };

const LESSON_FILE = /^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;
// Front matter is split here rather than by gray-matter because the loader needs the line where the body starts.
const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n?^---[ \t]*(?:\r?\n|$)/m;

/** `FILE:LINE: message` with FILE relative to `root` (the repository root when run from it). */
export function formatCourseError(error: CourseError, root: string = process.cwd()): string {
  return `${path.relative(root, error.file) || error.file}:${error.line}: ${error.message}`;
}

/** Where an id was first seen, to say so when it comes again. */
interface Seen {
  file: string;
  line: number;
}

/** Loads and validates the course in `directory`; returns the course, or every problem found (not just the first). */
export async function loadCourse(directory: string): Promise<CourseLoadResult> {
  const courseDir = path.resolve(directory);
  const folderName = path.basename(courseDir);
  const errors: CourseError[] = [];
  const at = (file: string, line: number, message: string) => errors.push({ file, line, message });

  const read = await readManifest(courseDir, folderName, errors);
  const manifest = read?.manifest;
  // Lessons are still checked when the manifest is broken, so one run shows every problem.
  const renderContext = { id: manifest?.id ?? folderName, version: manifest?.version ?? '0.0.0', language: manifest?.language ?? 'pl', directory: courseDir } as const;
  const lessons = await readLessons(courseDir, renderContext, errors);
  const quiz = await readQuiz(courseDir, errors);
  const media = await readMedia(courseDir, errors);

  // Question ids are unique across the whole course: knowledge checks and the quiz share one namespace (xAPI activity ids).
  const seenIds = new Map<string, Seen>();
  const claimId = (id: string, where: Seen) => {
    const first = seenIds.get(id);
    if (first) at(where.file, where.line, `duplicate question id "${id}" (already used at ${path.relative(courseDir, first.file).split(path.sep).join('/')}:${first.line})`);
    else seenIds.set(id, where);
  };
  for (const lesson of lessons) {
    for (const check of lesson.checkLines) claimId(check.id, { file: lesson.file, line: check.line });
  }
  if (quiz) {
    quiz.value.questions.forEach((question, index) => claimId(question.id, { file: quiz.file, line: quiz.idLines[index] }));
  }

  if (read) checkCompletion(read, lessons, errors);

  if (errors.length > 0 || !manifest || !quiz) return { ok: false, errors: sortErrors(errors) };
  const course: Course = {
    ...manifest,
    lessons: lessons.map(({ lesson }) => lesson),
    quiz: withQuestionDefaults(quiz.value),
    directory: courseDir,
    media,
  };
  return { ok: true, course };
}

function sortErrors(errors: CourseError[]): CourseError[] {
  return [...errors].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Reads a YAML file and checks it against `schema`; on any problem (missing file, YAML syntax, schema) adds
 * the errors with their lines and returns undefined.
 */
async function readYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  missingMessage: string,
  errors: CourseError[],
): Promise<{ value: z.infer<S>; source: YamlSource } | undefined> {
  const text = await readText(file);
  if (text === undefined) {
    errors.push({ file, line: 1, message: missingMessage });
    return undefined;
  }
  const parsed = parseYaml(text, file);
  if (!parsed.ok) {
    errors.push(...parsed.errors);
    return undefined;
  }
  const checked = checkWithSchema(schema, parsed.data, parsed.source);
  if (!checked.ok) {
    errors.push(...checked.errors);
    return undefined;
  }
  return { value: checked.value, source: parsed.source };
}

/** The lessons and knowledge checks `completion:` names must exist (its shape was checked with the manifest). */
function checkCompletion(read: ReadManifest, lessons: ReadLesson[], errors: CourseError[]): void {
  const completion = read.manifest.completion;
  if (!completion) return;
  const lessonIds = lessons.map(({ lesson }) => lesson.id);
  const checkIds = lessons.flatMap(({ lesson }) => lesson.checks.map((check) => check.id));
  const report = (field: 'lessons' | 'checks', known: string[], what: string) => {
    const listed = completion[field];
    if (!Array.isArray(listed)) return;
    listed.forEach((id, index) => {
      if (!known.includes(id)) {
        errors.push({
          file: read.file,
          line: lineOfPath(read.source, ['completion', field, index]),
          message: `completion.${field}[${index}]: no ${what} "${id}" in this course (${what}s: ${known.join(', ') || 'none'})`,
        });
      }
    });
  };
  report('lessons', lessonIds, 'lesson');
  report('checks', checkIds, 'knowledge check');
}

interface ReadManifest {
  manifest: Manifest;
  file: string;
  source: YamlSource;
}

async function readManifest(courseDir: string, folderName: string, errors: CourseError[]): Promise<ReadManifest | undefined> {
  const file = path.join(courseDir, 'course.yaml');
  const checked = await readYamlFile(file, ManifestSchema, 'course.yaml is missing: every course folder needs a manifest', errors);
  if (!checked) return undefined;
  if (checked.value.id !== folderName) {
    errors.push({
      file,
      line: lineOfPath(checked.source, ['id']),
      message: `id: "${checked.value.id}" must equal the course folder name "${folderName}"`,
    });
    return undefined;
  }
  const { validityMonths, author, completion, ...rest } = checked.value;
  const manifest = {
    ...rest,
    author: author.url ? { name: author.name, url: author.url } : { name: author.name },
    ...(validityMonths === undefined ? {} : { validityMonths }),
    ...(completion === undefined ? {} : { completion: stripUndefined(completion) }),
  };
  return { manifest, file, source: checked.source };
}

interface ReadLesson {
  lesson: Lesson;
  file: string;
  checkLines: Array<{ id: string; line: number }>;
}

async function readLessons(
  courseDir: string,
  course: { id: string; version: string; language: 'pl' | 'en'; directory: string },
  errors: CourseError[],
): Promise<ReadLesson[]> {
  const lessonsDir = path.join(courseDir, 'lessons');
  let names: string[];
  try {
    names = (await readdir(lessonsDir)).filter((name) => name.endsWith('.md')).sort();
  } catch {
    errors.push({ file: lessonsDir, line: 1, message: 'the lessons/ folder is missing' });
    return [];
  }
  if (names.length === 0) {
    errors.push({ file: lessonsDir, line: 1, message: 'a course needs at least one lesson (lessons/01-<slug>.md)' });
    return [];
  }

  const lessons: ReadLesson[] = [];
  const orders = new Map<number, string>();
  const lessonIds = new Map<string, string>();
  for (const name of names) {
    const file = path.join(lessonsDir, name);
    const nameMatch = LESSON_FILE.exec(name);
    if (!nameMatch) {
      errors.push({ file, line: 1, message: `lesson file name "${name}" must look like 01-slug.md (a number, a hyphen, then a-z, 0-9 and hyphens)` });
      continue;
    }
    const lessonId = nameMatch[2];
    // A byte-order mark (some Windows editors add one) would hide the opening "---".
    const text = ((await readText(file)) ?? '').replace(/^\uFEFF/, '');
    const frontMatter = FRONT_MATTER.exec(text);
    if (!frontMatter || frontMatter.index !== 0) {
      errors.push({ file, line: 1, message: 'a lesson must start with front matter: a "---" line, title, order and durationMinutes, then a closing "---" line' });
      continue;
    }
    // Line 1 is the opening "---", so YAML line n is file line n + 1.
    const parsed = parseYaml(frontMatter[1], file, 1);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    const checked = checkWithSchema(LessonFrontMatterSchema, parsed.data, parsed.source);
    const firstLine = 1 + (frontMatter[0].match(/\n/g)?.length ?? 0);
    const rendered = renderLesson({ markdown: text.slice(frontMatter[0].length), firstLine, file, course });
    errors.push(...rendered.errors);
    if (!checked.ok) {
      errors.push(...checked.errors);
      continue;
    }
    const meta = checked.value;

    const sameOrder = orders.get(meta.order);
    if (sameOrder) {
      errors.push({ file, line: lineOfPath(parsed.source, ['order']), message: `order: ${meta.order} is already used by lessons/${sameOrder}` });
    } else {
      orders.set(meta.order, name);
    }
    const sameId = lessonIds.get(lessonId);
    if (sameId) errors.push({ file, line: 1, message: `lesson id "${lessonId}" is already used by lessons/${sameId}` });
    else lessonIds.set(lessonId, name);

    lessons.push({
      lesson: {
        id: lessonId,
        title: meta.title,
        order: meta.order,
        durationMinutes: meta.durationMinutes,
        ...(meta.minimumMinutes === undefined ? {} : { minimumMinutes: meta.minimumMinutes }),
        html: rendered.html,
        checks: rendered.checks.map(({ question }) => stripUndefined(question)),
        sourceFile: path.relative(path.dirname(courseDir), file).split(path.sep).join('/'),
        source: text,
        toc: rendered.toc,
        handouts: rendered.handouts,
      },
      file,
      checkLines: rendered.checks.map(({ question, line }) => ({ id: question.id, line })),
    });
  }
  return lessons.sort((a, b) => a.lesson.order - b.lesson.order);
}

// A video's type is in its first bytes; reading a 200 MB film whole at every start-up would only cost memory.
const SNIFF_BYTES = 64 * 1024;
const READ_WHOLE_UP_TO = 200 * 1024 * 1024;

/**
 * Checks every file in images/, handouts/ and video/ and their subfolders (course-file-check.ts), so an SVG or an
 * HTML page renamed .pdf refuses the course; returns the files that passed, for the media route to serve.
 */
async function readMedia(courseDir: string, errors: CourseError[]): Promise<Record<string, CourseMediaFile>> {
  const media: Record<string, CourseMediaFile> = {};
  for (const folder of COURSE_MEDIA_FOLDERS) {
    const visit = async (dir: string, relative: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        // Hidden files (.gitkeep, .DS_Store) are never served (the route denies dotfiles), so they need no check.
        if (entry.name.startsWith('.')) continue;
        const file = path.join(dir, entry.name);
        const inFolder = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (isCourseMediaFolderName(entry.name)) await visit(file, inFolder);
          else errors.push({ file, line: 1, message: `folder name "${entry.name}" is not allowed: use lower-case a-z, digits, "-" and "_" (no dots)` });
          continue;
        }
        // Symbolic links (and sockets, devices) are refused: a link could point anywhere outside the course.
        if (!entry.isFile()) {
          errors.push({ file, line: 1, message: `${folder}/ may hold only files and folders, not links: replace "${entry.name}" with the file itself` });
          continue;
        }
        const { size } = await stat(file);
        const headOnly = /\.(?:mp4|webm)$/.test(entry.name) || size > READ_WHOLE_UP_TO;
        const bytes = headOnly ? await readHead(file, SNIFF_BYTES) : await readFile(file);
        const checked = await checkCourseFile({ name: entry.name, bytes, folder, size });
        if (checked.ok) media[`${folder}/${inFolder}`] = { contentType: checked.contentType, size };
        else errors.push({ file, line: 1, message: checked.messageEn });
      }
    };
    await visit(path.join(courseDir, folder), '');
  }
  return media;
}

async function readHead(file: string, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(length), 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

interface ReadQuiz {
  value: QuizInput;
  file: string;
  idLines: number[];
}

async function readQuiz(courseDir: string, errors: CourseError[]): Promise<ReadQuiz | undefined> {
  const file = path.join(courseDir, 'quiz.yaml');
  const checked = await readYamlFile(file, QuizSchema, 'quiz.yaml is missing: every course ends with a quiz', errors);
  if (!checked) return undefined;
  return {
    value: checked.value,
    file,
    idLines: checked.value.questions.map((_question, index) => lineOfPath(checked.source, ['questions', index, 'id'])),
  };
}

/** Drops the optional fields YAML did not set, so a Question has only the keys its kind uses. */
function withQuestionDefaults(quiz: QuizInput): Course['quiz'] {
  const questions: Question[] = quiz.questions.map((question) => stripUndefined(question));
  return stripUndefined({ ...quiz, questions });
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** True when `directory` looks like a course folder (it has a course.yaml). */
export async function isCourseFolder(directory: string): Promise<boolean> {
  try {
    return (await stat(path.join(directory, 'course.yaml'))).isFile();
  } catch {
    return false;
  }
}
