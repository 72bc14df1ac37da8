// The studio's edits as changes to a draft's files in the course format: course.yaml, lessons/*.md and quiz.yaml.
// Each function takes the files and returns new ones (nothing is stored here); YAML is edited as a document, so
// comments and layout an author wrote in git survive an edit in the browser.
import { isMap, isSeq, parseDocument, stringify, type Document } from 'yaml';
import type { Question } from '../courses/course.types.js';
import type { CourseVersionFile } from './course-version.model.js';

export type DraftFiles = CourseVersionFile[];

const LESSON_FILE = /^lessons\/(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;
const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n?^---[ \t]*(?:\r?\n|$)/m;

export function textOf(files: DraftFiles, path: string): string | undefined {
  return files.find((file) => file.path === path)?.text;
}

/** The files with one text file written (added when new). */
export function withText(files: DraftFiles, path: string, text: string): DraftFiles {
  const file = { path, text, size: Buffer.byteLength(text, 'utf8') };
  return files.some((known) => known.path === path) ? files.map((known) => (known.path === path ? file : known)) : [...files, file].sort(byPath);
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function yamlDocument(text: string | undefined): Document {
  const document = parseDocument(text ?? '');
  // A file broken by hand (git) is not edited field by field: the studio starts it again from what it can read.
  return document.errors.length === 0 && isMap(document.contents) ? document : parseDocument('{}');
}

/** What the manifest form edits; absent optional fields are removed from course.yaml. */
export interface ManifestFields {
  title: string;
  summary: string;
  audience: string;
  objectives: string[];
  durationMinutes: number;
  passThreshold: number;
  legalStateDate: string;
  validityMonths?: number;
  authorName: string;
  licence: string;
  tags: string[];
  minimumReadingShare?: number;
  requireAllChecks: boolean;
}

/** The manifest's values as parsed (whatever they are: the form shows them, the checks judge them). */
export function manifestOf(files: DraftFiles): Record<string, unknown> {
  return (yamlDocument(textOf(files, 'course.yaml')).toJS() ?? {}) as Record<string, unknown>;
}

export function withManifest(files: DraftFiles, fields: ManifestFields): DraftFiles {
  const document = yamlDocument(textOf(files, 'course.yaml'));
  const set = (key: string, value: unknown) => (value === undefined ? document.delete(key) : document.set(key, value));
  set('title', fields.title);
  set('summary', fields.summary);
  set('audience', fields.audience);
  set('objectives', fields.objectives);
  set('durationMinutes', fields.durationMinutes);
  set('passThreshold', fields.passThreshold);
  set('legalStateDate', fields.legalStateDate);
  set('validityMonths', fields.validityMonths);
  document.setIn(['author', 'name'], fields.authorName);
  set('licence', fields.licence);
  set('tags', fields.tags);
  // The form sets the reading share and whether every knowledge check counts; a list of lessons written in git stays.
  const lessons = document.getIn(['completion', 'lessons']) ?? 'all';
  document.set('completion', {
    lessons,
    ...(fields.minimumReadingShare === undefined ? {} : { minimumReadingShare: fields.minimumReadingShare }),
    checks: fields.requireAllChecks ? 'all' : 'none',
  });
  return withText(files, 'course.yaml', document.toString({ lineWidth: 0 }));
}

/** Sets the version in course.yaml (publishing writes the version it publishes). */
export function withVersion(files: DraftFiles, version: string): DraftFiles {
  const document = yamlDocument(textOf(files, 'course.yaml'));
  document.set('version', version);
  return withText(files, 'course.yaml', document.toString({ lineWidth: 0 }));
}

/** A lesson of the draft as the editor shows it. */
export interface DraftLesson {
  id: string;
  path: string;
  order: number;
  title: string;
  durationMinutes: number;
  body: string;
}

/** The lessons of the draft, in their order (a lesson whose front matter cannot be read sorts last, titled by its file). */
export function lessonsOf(files: DraftFiles): DraftLesson[] {
  const lessons: DraftLesson[] = [];
  for (const file of files) {
    const name = LESSON_FILE.exec(file.path);
    if (!name || file.text === undefined) continue;
    const text = file.text.replace(/^\uFEFF/, '');
    const frontMatter = FRONT_MATTER.exec(text);
    const meta = frontMatter && frontMatter.index === 0 ? (parseDocument(frontMatter[1]).toJS() as Record<string, unknown> | null) : null;
    lessons.push({
      id: name[2],
      path: file.path,
      order: typeof meta?.order === 'number' ? meta.order : Number.MAX_SAFE_INTEGER,
      title: typeof meta?.title === 'string' ? meta.title : name[2],
      durationMinutes: typeof meta?.durationMinutes === 'number' ? meta.durationMinutes : 0,
      body: frontMatter && frontMatter.index === 0 ? text.slice(frontMatter[0].length) : text,
    });
  }
  return lessons.sort((a, b) => a.order - b.order || (a.path < b.path ? -1 : 1));
}

function lessonText(lesson: Pick<DraftLesson, 'title' | 'order' | 'durationMinutes' | 'body'>): string {
  const frontMatter = stringify({ title: lesson.title, order: lesson.order, durationMinutes: lesson.durationMinutes }, { lineWidth: 0 });
  const body = lesson.body.replace(/\r\n/g, '\n');
  return `---\n${frontMatter}---\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

/** The lesson with these fields written: an existing one (by id) keeps its file and order, a new one goes last. */
export function withLesson(files: DraftFiles, lesson: { id: string; title: string; durationMinutes: number; body: string }): DraftFiles {
  const lessons = lessonsOf(files);
  const existing = lessons.find((known) => known.id === lesson.id);
  if (existing) return withText(files, existing.path, lessonText({ ...lesson, order: existing.order }));
  const order = lessons.reduce((highest, known) => (known.order === Number.MAX_SAFE_INTEGER ? highest : Math.max(highest, known.order)), 0) + 1;
  const path = `lessons/${String(order).padStart(2, '0')}-${lesson.id}.md`;
  return withText(files, path, lessonText({ ...lesson, order }));
}

export function withoutLesson(files: DraftFiles, lessonId: string): DraftFiles {
  const lesson = lessonsOf(files).find((known) => known.id === lessonId);
  return lesson ? files.filter((file) => file.path !== lesson.path) : files;
}

/** Swaps a lesson's place with its neighbour above (`up`) or below (`down`); at the edge nothing changes. */
export function withLessonMoved(files: DraftFiles, lessonId: string, direction: 'up' | 'down'): DraftFiles {
  const lessons = lessonsOf(files);
  const index = lessons.findIndex((known) => known.id === lessonId);
  const other = lessons[direction === 'up' ? index - 1 : index + 1];
  if (index < 0 || !other) return files;
  const lesson = lessons[index];
  // Orders are renumbered 1…n on every move, so lessons whose orders were unreadable or equal get a place too.
  const reordered = [...lessons];
  reordered[index] = other;
  reordered[direction === 'up' ? index - 1 : index + 1] = lesson;
  return reordered.reduce((changed, known, position) => withText(changed, known.path, lessonText({ ...known, order: position + 1 })), files);
}

/** The quiz's settings as parsed, and its questions as the course format holds them. */
export interface DraftQuiz {
  questionsPerAttempt?: number;
  maxAttempts?: number;
  cooldownMinutes?: number;
  scenariosPerAttempt?: number;
  questions: Question[];
}

export function quizOf(files: DraftFiles): DraftQuiz {
  const data = (yamlDocument(textOf(files, 'quiz.yaml')).toJS() ?? {}) as Record<string, unknown>;
  const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
  return {
    questionsPerAttempt: number(data.questionsPerAttempt),
    maxAttempts: number(data.maxAttempts),
    cooldownMinutes: number(data.cooldownMinutes),
    scenariosPerAttempt: number(data.scenariosPerAttempt),
    questions: Array.isArray(data.questions) ? (data.questions.filter((question) => question && typeof question === 'object') as Question[]) : [],
  };
}

export function withQuizSettings(
  files: DraftFiles,
  settings: { questionsPerAttempt: number; maxAttempts?: number; cooldownMinutes: number; scenariosPerAttempt?: number },
): DraftFiles {
  const document = yamlDocument(textOf(files, 'quiz.yaml'));
  document.set('questionsPerAttempt', settings.questionsPerAttempt);
  if (settings.maxAttempts === undefined) document.delete('maxAttempts');
  else document.set('maxAttempts', settings.maxAttempts);
  document.set('cooldownMinutes', settings.cooldownMinutes);
  if (settings.scenariosPerAttempt === undefined) document.delete('scenariosPerAttempt');
  else document.set('scenariosPerAttempt', settings.scenariosPerAttempt);
  if (!isSeq(document.get('questions', true))) document.set('questions', []);
  return withText(files, 'quiz.yaml', document.toString({ lineWidth: 0 }));
}

/** Writes a question: replaces the one with its id, or adds it at the end of the pool. */
export function withQuestion(files: DraftFiles, question: Question): DraftFiles {
  const document = yamlDocument(textOf(files, 'quiz.yaml'));
  const questions = document.get('questions', true);
  if (!isSeq(questions)) {
    document.set('questions', [question]);
  } else {
    const index = questions.items.findIndex((item) => isMap(item) && String(item.get('id')) === question.id);
    if (index < 0) questions.items.push(document.createNode(question));
    else questions.items[index] = document.createNode(question);
  }
  return withText(files, 'quiz.yaml', document.toString({ lineWidth: 0 }));
}

export function withoutQuestion(files: DraftFiles, questionId: string): DraftFiles {
  const document = yamlDocument(textOf(files, 'quiz.yaml'));
  const questions = document.get('questions', true);
  if (!isSeq(questions)) return files;
  questions.items = questions.items.filter((item) => !(isMap(item) && String(item.get('id')) === questionId));
  return withText(files, 'quiz.yaml', document.toString({ lineWidth: 0 }));
}

/** The question ids of the whole draft (quiz and knowledge checks share one namespace), for a new unique one. */
export function freeQuestionId(files: DraftFiles, base: string): string {
  const taken = new Set(quizOf(files).questions.map((question) => String(question.id)));
  for (const lesson of lessonsOf(files)) for (const match of lesson.body.matchAll(/^id:\s*(\S+)/gm)) taken.add(match[1]);
  for (let n = 1; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
