// Studio documents → plain view models: the course list, the overview with its check, lessons, questions, versions.
import type { TFunction } from 'i18next';
import { formatDateTime } from '../calendar/calendar.js';
import type { Question } from '../courses/course.types.js';
import { lessonsOf, manifestOf, quizOf, type DraftFiles } from './draft-files.js';
import type { DraftCheck, DraftProblem } from './studio.service.js';
import { canReview, type Author } from './studio.policy.js';
import { QUESTION_ROWS } from './studio.schemas.js';
import type { StudioCourseDoc } from './studio-course.model.js';
import type { UploadProblem } from '../http/file-upload.js';

export function studioUrl(courseId: string, rest = ''): string {
  return `/studio/${encodeURIComponent(courseId)}${rest}`;
}

/** A draft's title from its course.yaml, or `fallback` (the course id) while it has none. */
export function titleOf(files: DraftFiles, fallback: string): string {
  const title = manifestOf(files).title;
  return typeof title === 'string' && title.trim() ? title : fallback;
}

/**
 * What every page of one studio course shows of it: id, title and the language of its texts, which the views put
 * on the course's own words (title, lessons, questions: WCAG 3.1.2, the page itself being in the interface language).
 */
export function courseHeading(course: Pick<StudioCourseDoc, '_id' | 'files'>) {
  return { courseId: course._id, courseTitle: titleOf(course.files, course._id), courseLanguage: manifestOf(course.files).language === 'en' ? 'en' : 'pl' };
}

export function studioListRow(course: StudioCourseDoc, t: TFunction, language: string) {
  const newest = course.versions.at(-1);
  return {
    href: studioUrl(course._id),
    id: course._id,
    title: titleOf(course.files ?? [], course._id),
    language: manifestOf(course.files ?? []).language === 'en' ? 'en' : 'pl',
    state: t(`studio:state.${course.state}`),
    published: newest ? t('studio:list.publishedVersion', { version: newest.version }) : t('studio:list.notPublished'),
    updatedAt: formatDateTime(course.updatedAt, language),
  };
}

/** Which studio page fixes a problem in `file`, for the link beside it. */
function pageOfProblem(courseId: string, file: string, t: TFunction, lessons: { id: string; path: string; title: string }[]) {
  if (file === 'course.yaml') return { href: studioUrl(courseId, '/ustawienia'), label: t('studio:pages.settings') };
  if (file === 'quiz.yaml') return { href: studioUrl(courseId, '/test'), label: t('studio:pages.quiz') };
  const lesson = lessons.find((known) => known.path === file);
  if (lesson) return { href: studioUrl(courseId, `/lekcje/${lesson.id}`), label: t('studio:pages.lesson', { title: lesson.title }) };
  return undefined;
}

export function presentProblems(courseId: string, files: DraftFiles, problems: DraftProblem[], t: TFunction) {
  const lessons = lessonsOf(files);
  return problems.map((problem) => ({ where: `${problem.file}:${problem.line}`, message: problem.message, page: pageOfProblem(courseId, problem.file, t, lessons) }));
}

/** The overview page of one studio course. */
export function studioOverview(course: StudioCourseDoc, check: DraftCheck, author: Author, t: TFunction, language: string) {
  const lessons = lessonsOf(course.files);
  const quiz = quizOf(course.files);
  const isRequester = course.reviewRequestedBy?.id === author.id;
  return {
    id: course._id,
    title: titleOf(course.files, course._id),
    language: courseHeading(course).courseLanguage,
    state: course.state,
    stateLabel: t(`studio:state.${course.state}`),
    revision: course.revision,
    ok: check.ok,
    problems: check.ok ? [] : presentProblems(course._id, course.files, check.problems, t),
    lessons: lessons.map((lesson, index) => ({
      id: lesson.id,
      title: lesson.title,
      durationMinutes: lesson.durationMinutes,
      href: studioUrl(course._id, `/lekcje/${lesson.id}`),
      moveAction: studioUrl(course._id, `/lekcje/${lesson.id}/przesun`),
      removeHref: studioUrl(course._id, `/lekcje/${lesson.id}/usun`),
      first: index === 0,
      last: index === lessons.length - 1,
    })),
    lessonMinutes: lessons.reduce((sum, lesson) => sum + lesson.durationMinutes, 0),
    questionCount: quiz.questions.length,
    canRequestReview: course.state === 'draft' && check.ok,
    canApprove: course.state === 'in-review' && canReview(author, course),
    waitingForOtherReviewer: course.state === 'in-review' && isRequester,
    canPublish: course.state === 'approved' && course.approvedRevision === course.revision,
    reviewRequestedBy: course.reviewRequestedBy?.name,
    reviewRequestedAt: course.reviewRequestedAt ? formatDateTime(course.reviewRequestedAt, language) : undefined,
    approvedBy: course.approvedBy?.name,
    comments: course.comments.map((comment) => ({
      author: comment.author.name,
      at: formatDateTime(comment.createdAt, language),
      text: comment.text,
      earlierRevision: comment.revision !== course.revision,
    })),
    versions: [...course.versions].reverse().map((version) => ({
      version: version.version,
      publishedAt: formatDateTime(version.publishedAt, language),
      publishedBy: version.publishedBy.name,
      legalChange: version.legalChange,
      changeNote: version.changeNote,
    })),
    hasVersions: course.versions.length > 0,
  };
}

/** The manifest form's values as strings, from course.yaml as it stands. */
export function manifestFormValues(files: DraftFiles): Record<string, string> {
  const manifest = manifestOf(files);
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
  const list = (value: unknown) => (Array.isArray(value) ? value.map(text).filter(Boolean) : []);
  const completion = (manifest.completion ?? {}) as Record<string, unknown>;
  const author = (manifest.author ?? {}) as Record<string, unknown>;
  return {
    title: text(manifest.title),
    summary: text(manifest.summary),
    audience: text(manifest.audience),
    objectives: list(manifest.objectives).join('\n'),
    durationMinutes: text(manifest.durationMinutes),
    passThreshold: text(manifest.passThreshold),
    legalStateDate: text(manifest.legalStateDate),
    validityMonths: text(manifest.validityMonths),
    authorName: text(author.name),
    licence: text(manifest.licence),
    tags: list(manifest.tags).join(', '),
    minimumReadingSharePercent: typeof completion.minimumReadingShare === 'number' ? String(Math.round(completion.minimumReadingShare * 100)) : '',
    requireAllChecks: completion.checks === 'all' ? 'on' : '',
  };
}

const KIND_ORDER = ['single', 'multiple', 'true-false', 'ordering', 'matching'] as const;

export function questionRows(files: DraftFiles, courseId: string, t: TFunction) {
  return quizOf(files).questions.map((question, index) => ({
    number: index + 1,
    id: String(question.id),
    prompt: String(question.prompt ?? ''),
    kind: t(`studio:kinds.${KIND_ORDER.includes(question.kind) ? question.kind : 'single'}`),
    href: studioUrl(courseId, `/pytania/${encodeURIComponent(String(question.id))}`),
    removeHref: studioUrl(courseId, `/pytania/${encodeURIComponent(String(question.id))}/usun`),
  }));
}

/** The question form's values from a stored question (option rows in order, ticks on the right ones). */
export function questionFormValues(question: Question): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {
    kind: question.kind,
    prompt: question.prompt ?? '',
    points: String(question.points ?? 1),
    explanation: question.explanation ?? '',
    legalReference: question.legalReference ?? '',
    scenario: question.scenario ? 'on' : '',
  };
  const options =
    question.kind === 'ordering' && question.order ? question.order.map((id) => question.options?.find((option) => option.id === id)).filter(Boolean) : (question.options ?? []);
  options.slice(0, QUESTION_ROWS).forEach((option, index) => (values[`option${index + 1}`] = option!.text));
  values.correct = options.map((option, index) => (question.correct?.includes(option!.id) ? String(index + 1) : '')).filter(Boolean);
  (question.pairs ?? []).slice(0, QUESTION_ROWS).forEach((pair, index) => {
    values[`left${index + 1}`] = pair.left;
    values[`right${index + 1}`] = pair.right;
  });
  if (question.kind === 'true-false') values.answer = question.answer ? 'true' : 'false';
  return values;
}

/** The rows of the question form (option, left and right fields, the tick), numbered 1…QUESTION_ROWS. */
export function questionFormRows(values: Record<string, string | string[]>) {
  const correct = [values.correct ?? []].flat();
  return Array.from({ length: QUESTION_ROWS }, (_, index) => {
    const row = index + 1;
    return {
      row,
      option: values[`option${row}`] ?? '',
      left: values[`left${row}`] ?? '',
      right: values[`right${row}`] ?? '',
      correct: correct.includes(String(row)),
    };
  });
}

export function kindChoices(chosen: string | undefined, t: TFunction) {
  return KIND_ORDER.map((kind) => ({ value: kind, label: t(`studio:kinds.${kind}`), checked: (chosen ?? 'single') === kind }));
}

/** The studio's field message for each upload problem (the course import, files, SCORM packages). */
export const UPLOAD_PROBLEM_MESSAGES: Record<UploadProblem, string> = { noFile: 'studio:errors.noFile', tooLarge: 'studio:errors.fileTooLarge' };
