// The authoring studio's rules: creating a course, editing its draft, checking it as `npm run courses:check` does,
// the review by a second author, and publishing a version (served at once, no restart).
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { loadCourse } from '../courses/course.loader.js';
import { courseMediaPrefix, renderLesson } from '../courses/lesson.renderer.js';
import type { Course, Question } from '../courses/course.types.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { slugOf } from '../organisations/slug.js';
import type { PlatformEvents } from '../events/platform-events.js';
import type { CourseVersionFile } from './course-version.model.js';
import { bumpCatalogueRevision } from './catalogue-revision.js';
import { ensureCourseSharing, type CourseAvailability } from './course-availability.js';
import { publishVersion, writeStoredFiles, type CourseVersionsDeps } from './course-versions.js';
import {
  freeQuestionId,
  lessonsOf,
  manifestOf,
  quizOf,
  withLesson,
  withLessonMoved,
  withManifest,
  withoutLesson,
  withoutQuestion,
  withQuestion,
  withQuizSettings,
  withVersion,
  type DraftFiles,
} from './draft-files.js';
import { assertCanAuthor, assertCanReview, type Author } from './studio.policy.js';
import { QUESTION_ROWS, type LessonBody, type ManifestBody, type NewCourseBody, type PublishBody, type QuestionBody, type QuizSettingsBody } from './studio.schemas.js';
import { StudioCourse, type PersonRef, type StudioCourseDoc } from './studio-course.model.js';

export interface StudioDeps extends CourseVersionsDeps {
  events: Pick<PlatformEvents, 'emit'>;
  /** The sharing registry: a course's rule is in it before its first version is served. */
  availability: CourseAvailability;
}

function personOf(author: Author): PersonRef {
  return { id: author.id, name: author.fullName };
}

/** The studio course of the author's organisation, or NotFoundError (another organisation's looks like none). */
export async function studioCourseOf(author: Author, courseId: string): Promise<StudioCourseDoc> {
  assertCanAuthor(author);
  const course = await StudioCourse.findOne({ _id: courseId, organisationId: author.organisationId }).lean<StudioCourseDoc>();
  if (!course) throw new NotFoundError('Nie znaleziono szkolenia w studiu.');
  return course;
}

/**
 * The organisation's studio courses, newest change first. A filter on organisationId: on FerretDB a scan of the
 * studio's collection (a few hundred courses at most, one document each), on an author's page, never a learner's.
 */
export async function studioCoursesOf(author: Author): Promise<StudioCourseDoc[]> {
  assertCanAuthor(author);
  const courses = await StudioCourse.find({ organisationId: author.organisationId }).select({ files: 0, comments: 0 }).lean<StudioCourseDoc[]>();
  return courses.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
}

/** The starting files of a new course: a valid course with one lesson and one question, for the author to rewrite. */
function starterFiles(input: NewCourseBody, author: Author, legalStateDate: string): DraftFiles {
  const manifest = [
    `id: ${input.courseId}`,
    'version: 0.1.0',
    'language: pl',
    `title: ${JSON.stringify(input.title)}`,
    'summary: "Opis szkolenia: o czym jest i czego uczy (do uzupełnienia)."',
    'audience: "Pracownicy urzędów gmin, miast i starostw (do uzupełnienia)."',
    'objectives:',
    '  - "Pierwszy cel szkolenia (do uzupełnienia)."',
    'durationMinutes: 15',
    'passThreshold: 70',
    `legalStateDate: ${legalStateDate}`,
    'author:',
    `  name: ${JSON.stringify(author.organisationName ?? author.fullName)}`,
    'licence: CC BY 4.0',
    'tags: []',
    'completion:',
    '  lessons: all',
    '  minimumReadingShare: 0.5',
    '  checks: none',
    '',
  ].join('\n');
  const lesson = ['---', 'title: Wprowadzenie', 'order: 1', 'durationMinutes: 10', '---', '## Po co to szkolenie', '', 'Treść lekcji (do uzupełnienia).', ''].join('\n');
  const quiz = [
    'questionsPerAttempt: 1',
    'cooldownMinutes: 0',
    'questions:',
    '  - id: q-1',
    '    kind: true-false',
    '    points: 1',
    '    prompt: "Przykładowe pytanie: zastąp je własnym (do uzupełnienia)."',
    '    answer: true',
    '    explanation: "Wyjaśnienie poprawnej odpowiedzi (do uzupełnienia)."',
    '',
  ].join('\n');
  return [
    { path: 'course.yaml', text: manifest, size: Buffer.byteLength(manifest) },
    { path: 'lessons/01-wprowadzenie.md', text: lesson, size: Buffer.byteLength(lesson) },
    { path: 'quiz.yaml', text: quiz, size: Buffer.byteLength(quiz) },
  ];
}

/**
 * Creates a course in the author's organisation. The id must be free platform-wide: not a course served (a folder
 * in courses/ included) and not another organisation's studio course (the insert of `_id` decides).
 */
export async function createStudioCourse(deps: StudioDeps & { today: string }, author: Author, input: NewCourseBody): Promise<StudioCourseDoc> {
  assertCanAuthor(author);
  if (deps.catalogue.get(input.courseId)) throw new ValidationError({ courseId: ['studio:errors.courseIdTaken'] });
  try {
    const created = await StudioCourse.create({
      _id: input.courseId,
      organisationId: author.organisationId,
      files: starterFiles(input, author, deps.today),
      createdBy: personOf(author),
      lastEditedBy: personOf(author),
    });
    return created.toObject() as unknown as StudioCourseDoc;
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ValidationError({ courseId: ['studio:errors.courseIdTaken'] });
    throw error;
  }
}

/**
 * Stores changed files. Every change is a new revision and sends the draft back to `draft`: an approval is of what
 * the reviewer read. The whole list is written at once (FerretDB has no array filters); two authors saving the same
 * second keep the later save — the studio is a small team's tool, and the revision shows what happened.
 */
export async function saveFiles(author: Author, course: Pick<StudioCourseDoc, '_id'>, files: DraftFiles): Promise<void> {
  await StudioCourse.updateOne(
    { _id: course._id, organisationId: author.organisationId },
    { $set: { files, state: 'draft', lastEditedBy: personOf(author) }, $inc: { revision: 1 }, $unset: { approvedBy: 1, approvedAt: 1, approvedRevision: 1 } },
  );
}

/** One problem the checks found, with the file as a path inside the course. */
export interface DraftProblem {
  file: string;
  line: number;
  message: string;
}

export type DraftCheck = { ok: true; course: Course; problems: [] } | { ok: false; problems: DraftProblem[] };

/** Lays the files out in a temporary folder named as the course and runs `work` on it; the folder is always removed. */
export async function withLaidOutDraft<T>(deps: StudioDeps, courseId: string, files: CourseVersionFile[], work: (folder: string) => Promise<T>): Promise<T> {
  const parent = path.join(deps.config.DATA_DIR, 'studio-checks', randomBytes(8).toString('hex'));
  const folder = path.join(parent, courseId);
  await mkdir(folder, { recursive: true });
  try {
    await writeStoredFiles(deps.config.DATA_DIR, files, folder);
    return await work(folder);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

/** Checks a draft exactly as `npm run courses:check` checks a folder (the same loader), problems relative to the course. */
export async function checkDraft(deps: StudioDeps, course: Pick<StudioCourseDoc, '_id' | 'files'>): Promise<DraftCheck> {
  return withLaidOutDraft(deps, course._id, course.files, async (folder) => {
    const loaded = await loadCourse(folder);
    if (loaded.ok) return { ok: true, course: loaded.course, problems: [] };
    return { ok: false, problems: loaded.errors.map((error) => ({ ...error, file: path.relative(folder, error.file).split(path.sep).join('/') || '.' })) };
  });
}

export async function updateDraftManifest(author: Author, courseId: string, input: ManifestBody): Promise<void> {
  const course = await studioCourseOf(author, courseId);
  const files = withManifest(course.files, {
    ...input,
    minimumReadingShare: input.minimumReadingSharePercent === undefined ? undefined : input.minimumReadingSharePercent / 100,
  });
  await saveFiles(author, course, files);
}

/** Saves a lesson (new when `lessonId` is undefined: its id comes from the title) and returns its id. */
export async function saveDraftLesson(author: Author, courseId: string, lessonId: string | undefined, input: Omit<LessonBody, 'action'>): Promise<string> {
  const course = await studioCourseOf(author, courseId);
  const lessons = lessonsOf(course.files);
  if (lessonId && !lessons.some((lesson) => lesson.id === lessonId)) throw new NotFoundError('Nie znaleziono lekcji.');
  let id = lessonId;
  if (!id) {
    const base = slugOf(input.title).slice(0, 40).replace(/-+$/, '') || 'lekcja';
    const taken = new Set(lessons.map((lesson) => lesson.id));
    id = base;
    for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  }
  await saveFiles(author, course, withLesson(course.files, { id, title: input.title, durationMinutes: input.durationMinutes, body: input.body }));
  return id;
}

export async function removeDraftLesson(author: Author, courseId: string, lessonId: string): Promise<void> {
  const course = await studioCourseOf(author, courseId);
  const lessons = lessonsOf(course.files);
  if (!lessons.some((lesson) => lesson.id === lessonId)) throw new NotFoundError('Nie znaleziono lekcji.');
  if (lessons.length === 1) throw new ConflictError('Szkolenie musi mieć co najmniej jedną lekcję: dodaj inną, zanim usuniesz tę.');
  await saveFiles(author, course, withoutLesson(course.files, lessonId));
}

export async function moveDraftLesson(author: Author, courseId: string, lessonId: string, direction: 'up' | 'down'): Promise<void> {
  const course = await studioCourseOf(author, courseId);
  if (!lessonsOf(course.files).some((lesson) => lesson.id === lessonId)) throw new NotFoundError('Nie znaleziono lekcji.');
  await saveFiles(author, course, withLessonMoved(course.files, lessonId, direction));
}

/** Where the studio serves a draft's media to its authors (studio-media.routes.ts). */
export function draftMediaPrefix(courseId: string): string {
  return `/studio/${encodeURIComponent(courseId)}/pliki/`;
}

/** The lesson rendered as learners will see it (the same renderer and sanitiser), without saving anything. */
export async function previewDraftLesson(deps: StudioDeps, author: Author, courseId: string, input: Pick<LessonBody, 'body'>): Promise<{ html: string; problems: DraftProblem[] }> {
  const course = await studioCourseOf(author, courseId);
  return withLaidOutDraft(deps, course._id, course.files, (folder) => {
    const file = path.join(folder, 'lessons', 'podglad.md');
    const manifest = manifestOf(course.files);
    const version = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
    const language = manifest.language === 'en' ? 'en' : 'pl';
    const rendered = renderLesson({ markdown: input.body, firstLine: 1, file, course: { id: course._id, version, language, directory: folder } });
    // The renderer links media to the published version's URLs; a draft's files are served by the studio instead.
    const html = rendered.html.split(courseMediaPrefix({ id: course._id, version })).join(draftMediaPrefix(course._id));
    return Promise.resolve({ html, problems: rendered.errors.map((error) => ({ ...error, file: 'podgląd' })) });
  });
}

export async function updateDraftQuiz(author: Author, courseId: string, input: QuizSettingsBody): Promise<void> {
  const course = await studioCourseOf(author, courseId);
  await saveFiles(author, course, withQuizSettings(course.files, input));
}

const OPTION_IDS = 'abcdefghi';

/** The question the form describes, in the course format (option ids a, b, c… in row order). */
export function questionOfForm(id: string, input: QuestionBody): Question {
  const rows = (prefix: string) => Array.from({ length: QUESTION_ROWS }, (_, index) => (input as Record<string, unknown>)[`${prefix}${index + 1}`] as string | undefined);
  const base = { id, kind: input.kind, points: input.points, prompt: input.prompt };
  const tail = {
    explanation: input.explanation,
    ...(input.legalReference ? { legalReference: input.legalReference } : {}),
    ...(input.scenario ? { scenario: true } : {}),
  };
  const options = rows('option')
    .map((text, index) => (text ? { id: OPTION_IDS[index], text } : undefined))
    .filter((option) => option !== undefined);
  switch (input.kind) {
    case 'single':
    case 'multiple':
      return { ...base, options, correct: input.correct.map((row) => OPTION_IDS[Number(row) - 1]).filter((optionId) => options.some((option) => option.id === optionId)), ...tail };
    case 'ordering':
      return { ...base, options, order: options.map((option) => option.id), ...tail };
    case 'true-false':
      return { ...base, answer: input.answer === 'true', ...tail };
    case 'matching': {
      const rights = rows('right');
      const pairs = rows('left')
        .map((left, index) => (left && rights[index] ? { id: `p${index + 1}`, left, right: rights[index] } : undefined))
        .filter((pair) => pair !== undefined);
      return { ...base, pairs, ...tail };
    }
  }
}

/** Saves a question (new when `questionId` is undefined) and returns its id. */
export async function saveDraftQuestion(author: Author, courseId: string, questionId: string | undefined, input: QuestionBody): Promise<string> {
  const course = await studioCourseOf(author, courseId);
  if (questionId && !quizOf(course.files).questions.some((question) => String(question.id) === questionId)) throw new NotFoundError('Nie znaleziono pytania.');
  const id = questionId ?? freeQuestionId(course.files, 'q');
  await saveFiles(author, course, withQuestion(course.files, questionOfForm(id, input)));
  return id;
}

export async function removeDraftQuestion(author: Author, courseId: string, questionId: string): Promise<void> {
  const course = await studioCourseOf(author, courseId);
  const questions = quizOf(course.files).questions;
  if (!questions.some((question) => String(question.id) === questionId)) throw new NotFoundError('Nie znaleziono pytania.');
  if (questions.length === 1) throw new ConflictError('Test musi mieć co najmniej jedno pytanie: dodaj inne, zanim usuniesz to.');
  await saveFiles(author, course, withoutQuestion(course.files, questionId));
}

/** Sends the draft to review: only a draft that passes the checks (a reviewer reads what learners would get). */
export async function requestReview(deps: StudioDeps, author: Author, courseId: string): Promise<void> {
  const course = await studioCourseOf(author, courseId);
  if (course.state !== 'draft') throw new ConflictError('To szkolenie już czeka na recenzję albo zostało zatwierdzone.');
  const check = await checkDraft(deps, course);
  if (!check.ok) throw new ConflictError('Najpierw popraw błędy wskazane w sprawdzeniu szkolenia.');
  await StudioCourse.updateOne(
    { _id: course._id, organisationId: author.organisationId, revision: course.revision },
    { $set: { state: 'in-review', reviewRequestedBy: personOf(author), reviewRequestedAt: new Date() } },
  );
}

export async function commentOnDraft(author: Author, courseId: string, input: { text: string }): Promise<void> {
  const course = await studioCourseOf(author, courseId);
  await StudioCourse.updateOne(
    { _id: course._id, organisationId: author.organisationId },
    { $push: { comments: { author: personOf(author), text: input.text, createdAt: new Date(), revision: course.revision } } },
  );
}

/** The reviewer approves the revision sent to review; the author who sent it cannot approve their own work. */
export async function approveDraft(author: Author, courseId: string): Promise<void> {
  const course = await studioCourseOf(author, courseId);
  if (course.state !== 'in-review') throw new ConflictError('Zatwierdzić można tylko szkolenie wysłane do recenzji.');
  assertCanReview(author, course);
  const approved = await StudioCourse.updateOne(
    { _id: course._id, organisationId: author.organisationId, revision: course.revision, state: 'in-review' },
    { $set: { state: 'approved', approvedBy: personOf(author), approvedAt: new Date(), approvedRevision: course.revision } },
  );
  if (approved.matchedCount === 0) throw new ConflictError('Szkolenie zmieniło się w międzyczasie: przejrzyj je ponownie.');
}

/** The version a publication proposes: the next minor after the newest published (for a first one, see below). */
export function suggestedVersion(course: Pick<StudioCourseDoc, 'versions' | 'files'>): string {
  const newest = course.versions.map((published) => published.version).sort(semver.rcompare)[0];
  if (newest) return semver.inc(newest, 'minor')!;
  // An imported course keeps the version it was exported with; a new one starts at 1.0.0.
  const drafted = manifestOf(course.files).version;
  return typeof drafted === 'string' && semver.valid(drafted) && semver.gte(drafted, '1.0.0') ? drafted : '1.0.0';
}

/**
 * Publishes the approved draft as `version` (semver, above every published one) and serves it at once. A change
 * of the law needs a note: it is what certificate holders and HR are told.
 */
export async function publishDraft(deps: StudioDeps, author: Author, courseId: string, input: PublishBody): Promise<Course> {
  const course = await studioCourseOf(author, courseId);
  if (course.state !== 'approved' || course.approvedRevision !== course.revision) throw new ConflictError('Opublikować można tylko szkolenie zatwierdzone przez recenzenta.');
  const newest = course.versions.map((published) => published.version).sort(semver.rcompare)[0];
  if (newest && !semver.gt(input.version, newest)) throw new ValidationError({ version: ['studio:errors.versionNotNewer'] });
  if (input.legalChange && !input.changeNote) throw new ValidationError({ changeNote: ['studio:errors.changeNoteRequired'] });
  const files = withVersion(course.files, input.version);
  const publishedBy = personOf(author);
  // The sharing record first (the owner's default unless the author chose already): served without it, the course
  // would read as one of courses/, open to every office.
  await ensureCourseSharing(deps, courseId, author.organisationId);
  const { course: published } = await publishVersion(deps, { courseId, version: input.version, files, publishedBy, legalChange: input.legalChange, changeNote: input.changeNote });
  await StudioCourse.updateOne(
    { _id: course._id, organisationId: author.organisationId },
    {
      $set: { files, state: 'draft' },
      $inc: { revision: 1 },
      $push: { versions: { version: input.version, publishedAt: new Date(), publishedBy, legalChange: input.legalChange, changeNote: input.changeNote } },
      $unset: { approvedBy: 1, approvedAt: 1, approvedRevision: 1, reviewRequestedBy: 1, reviewRequestedAt: 1 },
    },
  );
  await bumpCatalogueRevision();
  await deps.events.emit('course.published', {
    courseId,
    version: input.version,
    organisationId: author.organisationId,
    legalChange: input.legalChange,
    changeNote: input.changeNote,
  });
  return published;
}
