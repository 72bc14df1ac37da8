// What changed between two loaded versions of a course, as a plain object a view can show (settings, lessons, questions).
import { diffLines } from 'diff';
import { formatIsoDay } from '../calendar/calendar.js';
import { DEFAULT_MINIMUM_READING_SHARE } from '../courses/completion-rule.js';
import type { CompletionSettings, Course, Lesson, Question } from '../courses/course.types.js';

/** Unchanged lines shown around each change of a lesson's source; longer unchanged runs are left out. */
export const CONTEXT_LINES = 3;

/** One line of a lesson's source in the comparison. */
export interface DiffLine {
  kind: 'added' | 'removed' | 'same';
  text: string;
  /** Its line number in the older file (removed and same lines). */
  oldNumber?: number;
  /** Its line number in the newer file (added and same lines). */
  newNumber?: number;
}

/** A run of changed lines with up to CONTEXT_LINES unchanged lines around it. */
export interface DiffHunk {
  /** Unchanged lines left out between the previous hunk (or the file's start) and this one. */
  skippedBefore: number;
  lines: DiffLine[];
}

/** The manifest and quiz settings the diff compares (course.yaml and quiz.yaml). */
export type SettingField =
  | 'title'
  | 'summary'
  | 'audience'
  | 'objectives'
  | 'durationMinutes'
  | 'passThreshold'
  | 'validityMonths'
  | 'legalStateDate'
  | 'questionsPerAttempt'
  | 'maxAttempts'
  | 'cooldownMinutes'
  | 'scenariosPerAttempt'
  | 'completion';

/** One changed field, its values written as the author reads them (Polish). */
export interface FieldChange<F extends string = string> {
  field: F;
  label: string;
  before: string;
  after: string;
}

/** A lesson as the diff names it: id, title, its place among the lessons (1-based). */
export interface LessonSummary {
  id: string;
  title: string;
  position: number;
}

/** A lesson present in both versions whose file changed. */
export interface LessonChange extends LessonSummary {
  /** The changed front-matter fields (title, duration, reading-time floor). */
  fields: Array<FieldChange<'title' | 'durationMinutes' | 'minimumMinutes'>>;
  /** The line diff of the lesson file; empty when a lesson has no source kept (built by hand, not loaded). */
  hunks: DiffHunk[];
  /** Unchanged lines left out after the last hunk. */
  skippedAfter: number;
}

/** A lesson that changed its place relative to the other lessons of both versions. */
export interface LessonMove {
  id: string;
  title: string;
  from: number;
  to: number;
}

export type QuestionField = 'kind' | 'points' | 'prompt' | 'options' | 'correct' | 'explanation' | 'legalReference' | 'scenario';

/** One changed field of a quiz question; each value is a list of lines (options one a line). */
export interface QuestionFieldChange {
  field: QuestionField;
  label: string;
  before: string[];
  after: string[];
}

/** A final-quiz question as the diff names it. */
export interface QuestionSummary {
  id: string;
  prompt: string;
}

export interface QuestionChange extends QuestionSummary {
  fields: QuestionFieldChange[];
}

/** Everything that differs between two versions of one course, shaped for views/partials/studio-course-diff.hbs. */
export interface CourseDiff {
  courseId: string;
  olderVersion: string;
  newerVersion: string;
  /** True when nothing the diff compares differs. */
  unchanged: boolean;
  settings: Array<FieldChange<SettingField>>;
  lessons: {
    added: LessonSummary[];
    removed: LessonSummary[];
    changed: LessonChange[];
    moved: LessonMove[];
  };
  questions: {
    added: QuestionSummary[];
    removed: QuestionSummary[];
    changed: QuestionChange[];
  };
}

const SETTING_LABELS: Record<SettingField, string> = {
  title: 'Tytuł',
  summary: 'Opis',
  audience: 'Dla kogo',
  objectives: 'Cele szkolenia',
  durationMinutes: 'Czas trwania',
  passThreshold: 'Próg zaliczenia',
  validityMonths: 'Ważność zaświadczenia',
  legalStateDate: 'Stan prawny na',
  questionsPerAttempt: 'Pytań w podejściu',
  maxAttempts: 'Liczba podejść',
  cooldownMinutes: 'Przerwa po niezaliczonym podejściu',
  scenariosPerAttempt: 'Zadań (scenariuszy) w podejściu',
  completion: 'Warunki dopuszczenia do testu',
};

const LESSON_FIELD_LABELS = { title: 'Tytuł', durationMinutes: 'Czas czytania', minimumMinutes: 'Minimalny czas w lekcji' } as const;

const QUESTION_LABELS: Record<QuestionField, string> = {
  kind: 'Rodzaj pytania',
  points: 'Punkty',
  prompt: 'Treść pytania',
  options: 'Odpowiedzi do wyboru',
  correct: 'Poprawna odpowiedź',
  explanation: 'Wyjaśnienie',
  legalReference: 'Podstawa prawna',
  scenario: 'Zadanie z pracy urzędu',
};

const KIND_NAMES: Record<Question['kind'], string> = {
  single: 'jednokrotny wybór',
  multiple: 'wielokrotny wybór',
  'true-false': 'prawda/fałsz',
  ordering: 'kolejność',
  matching: 'dopasowanie',
};

const minutes = (value: number) => `${value} min`;

function describeCompletion(settings: CompletionSettings | undefined): string {
  const lessons = settings?.lessons ?? 'all';
  const share = settings?.minimumReadingShare ?? DEFAULT_MINIMUM_READING_SHARE;
  const checks = settings?.checks ?? 'none';
  const lessonsText = lessons === 'all' ? 'wszystkie lekcje' : `lekcje: ${lessons.join(', ')}`;
  const checksText = checks === 'all' ? 'wszystkie pytania sprawdzające' : checks === 'none' ? 'bez pytań sprawdzających' : `pytania sprawdzające: ${checks.join(', ')}`;
  return `${lessonsText}; co najmniej ${Math.round(share * 100)}% czasu czytania lekcji; ${checksText}`;
}

/** Each setting as the author reads it (units, "bez limitu", a Polish date), so equal texts mean no visible change. */
const SETTING_TEXT: Record<SettingField, (course: Course) => string> = {
  title: (c) => c.title,
  summary: (c) => c.summary,
  audience: (c) => c.audience,
  objectives: (c) => c.objectives.join('; '),
  durationMinutes: (c) => minutes(c.durationMinutes),
  passThreshold: (c) => `${c.passThreshold}%`,
  validityMonths: (c) => (c.validityMonths === undefined ? 'bezterminowo' : `${c.validityMonths} mies.`),
  legalStateDate: (c) => formatIsoDay(c.legalStateDate, 'pl'),
  questionsPerAttempt: (c) => String(c.quiz.questionsPerAttempt),
  maxAttempts: (c) => (c.quiz.maxAttempts === undefined ? 'bez limitu' : String(c.quiz.maxAttempts)),
  cooldownMinutes: (c) => minutes(c.quiz.cooldownMinutes),
  scenariosPerAttempt: (c) => (c.quiz.scenariosPerAttempt === undefined ? 'bez tej zasady' : String(c.quiz.scenariosPerAttempt)),
  completion: (c) => describeCompletion(c.completion),
};

function settingChanges(older: Course, newer: Course): Array<FieldChange<SettingField>> {
  return (Object.keys(SETTING_TEXT) as SettingField[]).flatMap((field) => {
    const before = SETTING_TEXT[field](older);
    const after = SETTING_TEXT[field](newer);
    return before === after ? [] : [{ field, label: SETTING_LABELS[field], before, after }];
  });
}

/** The lines of a text, CRLF read as LF, with no empty last line from the final newline. */
function linesOf(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Every line of both texts in order, from the `diff` library's line diff, numbered in its own file. */
function allLines(older: string, newer: string): DiffLine[] {
  // Both normalised to end in a newline: a last line with and without one would otherwise count as changed.
  const normalise = (text: string) => linesOf(text).join('\n') + '\n';
  const lines: DiffLine[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  for (const part of diffLines(normalise(older), normalise(newer))) {
    for (const text of linesOf(part.value)) {
      if (part.added) lines.push({ kind: 'added', text, newNumber: newNumber++ });
      else if (part.removed) lines.push({ kind: 'removed', text, oldNumber: oldNumber++ });
      else lines.push({ kind: 'same', text, oldNumber: oldNumber++, newNumber: newNumber++ });
    }
  }
  return lines;
}

/** The changes with CONTEXT_LINES unchanged lines around each; longer unchanged runs are counted, not listed. */
export function lineDiff(older: string, newer: string): { hunks: DiffHunk[]; skippedAfter: number } {
  const lines = allLines(older, newer);
  const shown = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.kind === 'same') return;
    for (let near = Math.max(0, index - CONTEXT_LINES); near <= Math.min(lines.length - 1, index + CONTEXT_LINES); near++) shown[near] = true;
  });
  const hunks: DiffHunk[] = [];
  let skipped = 0;
  let current: DiffHunk | undefined;
  lines.forEach((line, index) => {
    if (!shown[index]) {
      skipped += 1;
      current = undefined;
      return;
    }
    if (!current) {
      current = { skippedBefore: skipped, lines: [] };
      hunks.push(current);
      skipped = 0;
    }
    current.lines.push(line);
  });
  return { hunks, skippedAfter: hunks.length ? skipped : 0 };
}

const summaryOf = (lesson: Lesson, index: number): LessonSummary => ({ id: lesson.id, title: lesson.title, position: index + 1 });

function lessonChange(older: Lesson, newer: Lesson, position: number): LessonChange | undefined {
  const fields: LessonChange['fields'] = [];
  const compare = (field: keyof typeof LESSON_FIELD_LABELS, text: (lesson: Lesson) => string) => {
    const before = text(older);
    const after = text(newer);
    if (before !== after) fields.push({ field, label: LESSON_FIELD_LABELS[field], before, after });
  };
  compare('title', (lesson) => lesson.title);
  compare('durationMinutes', (lesson) => minutes(lesson.durationMinutes));
  compare('minimumMinutes', (lesson) => (lesson.minimumMinutes === undefined ? 'jak w całym szkoleniu' : minutes(lesson.minimumMinutes)));
  // The file's text when both were loaded; a hand-built lesson has only its rendered HTML to compare.
  const sources = older.source !== undefined && newer.source !== undefined;
  const differs = sources ? older.source !== newer.source : older.html !== newer.html;
  if (!fields.length && !differs) return undefined;
  const { hunks, skippedAfter } = sources ? lineDiff(older.source!, newer.source!) : { hunks: [], skippedAfter: 0 };
  return { id: newer.id, title: newer.title, position, fields, hunks, skippedAfter };
}

/**
 * Indexes (into `sequence`) of one longest increasing subsequence: the lessons that kept their relative order. The
 * others moved; counting them this way, adding a lesson in front does not mark every later lesson as moved.
 */
function longestIncreasing(sequence: number[]): Set<number> {
  const length = sequence.map(() => 1);
  const previous = sequence.map(() => -1);
  for (let i = 0; i < sequence.length; i++) {
    for (let j = 0; j < i; j++) {
      if (sequence[j] < sequence[i] && length[j] + 1 > length[i]) {
        length[i] = length[j] + 1;
        previous[i] = j;
      }
    }
  }
  const kept = new Set<number>();
  let at = length.length ? length.indexOf(Math.max(...length)) : -1;
  while (at !== -1) {
    kept.add(at);
    at = previous[at];
  }
  return kept;
}

function lessonChanges(older: Course, newer: Course): CourseDiff['lessons'] {
  const olderIds = new Map(older.lessons.map((lesson, index) => [lesson.id, index]));
  const newerIds = new Map(newer.lessons.map((lesson, index) => [lesson.id, index]));
  const added = newer.lessons.flatMap((lesson, index) => (olderIds.has(lesson.id) ? [] : [summaryOf(lesson, index)]));
  const removed = older.lessons.flatMap((lesson, index) => (newerIds.has(lesson.id) ? [] : [summaryOf(lesson, index)]));
  const changed = newer.lessons.flatMap((lesson, index) => {
    const before = olderIds.get(lesson.id);
    const change = before === undefined ? undefined : lessonChange(older.lessons[before], lesson, index + 1);
    return change ? [change] : [];
  });
  // The lessons of both versions in the older order, and where each now stands.
  const common = older.lessons.filter((lesson) => newerIds.has(lesson.id));
  const kept = longestIncreasing(common.map((lesson) => newerIds.get(lesson.id)!));
  const moved = common.flatMap((lesson, index) => {
    if (kept.has(index)) return [];
    const to = newerIds.get(lesson.id)!;
    return [{ id: lesson.id, title: newer.lessons[to].title, from: olderIds.get(lesson.id)! + 1, to: to + 1 }];
  });
  return { added, removed, changed, moved };
}

const optionLines = (question: Question) => (question.options ?? []).map((option) => `${option.id}) ${option.text}`);

/** The correct answer in words: the right options, Prawda/Fałsz, the order, or the pairs. */
function correctLines(question: Question): string[] {
  const textOf = (id: string) => question.options?.find((option) => option.id === id)?.text ?? id;
  switch (question.kind) {
    case 'single':
    case 'multiple':
      return (question.correct ?? []).map((id) => `${id}) ${textOf(id)}`);
    case 'true-false':
      return question.answer === undefined ? [] : [question.answer ? 'Prawda' : 'Fałsz'];
    case 'ordering':
      return (question.order ?? []).map((id, index) => `${index + 1}. ${textOf(id)}`);
    case 'matching':
      return (question.pairs ?? []).map((pair) => `${pair.left} → ${pair.right}`);
  }
}

const QUESTION_TEXT: Record<QuestionField, (question: Question) => string[]> = {
  kind: (q) => [KIND_NAMES[q.kind]],
  points: (q) => [String(q.points)],
  prompt: (q) => [q.prompt],
  options: optionLines,
  correct: correctLines,
  explanation: (q) => [q.explanation],
  legalReference: (q) => (q.legalReference ? [q.legalReference] : []),
  scenario: (q) => [q.scenario ? 'tak' : 'nie'],
};

function questionChanges(older: Course, newer: Course): CourseDiff['questions'] {
  const olderById = new Map(older.quiz.questions.map((question) => [question.id, question]));
  const newerIds = new Set(newer.quiz.questions.map((question) => question.id));
  const summary = (question: Question): QuestionSummary => ({ id: question.id, prompt: question.prompt });
  const changed = newer.quiz.questions.flatMap((question) => {
    const before = olderById.get(question.id);
    if (!before) return [];
    const fields = (Object.keys(QUESTION_TEXT) as QuestionField[]).flatMap((field) => {
      const was = QUESTION_TEXT[field](before);
      const is = QUESTION_TEXT[field](question);
      return was.join('\n') === is.join('\n') ? [] : [{ field, label: QUESTION_LABELS[field], before: was, after: is }];
    });
    return fields.length ? [{ ...summary(question), fields }] : [];
  });
  return {
    added: newer.quiz.questions.filter((question) => !olderById.has(question.id)).map(summary),
    removed: older.quiz.questions.filter((question) => !newerIds.has(question.id)).map(summary),
    changed,
  };
}

/**
 * What changed from `older` to `newer` (two loaded versions of one course): the manifest and quiz settings, the
 * lessons by id (added, removed, changed with a line diff of the file, moved), the quiz questions by id. Lessons are
 * compared by the source text the loader kept, so the older version's files may since have changed on disk.
 */
export function diffCourses(older: Course, newer: Course): CourseDiff {
  const settings = settingChanges(older, newer);
  const lessons = lessonChanges(older, newer);
  const questions = questionChanges(older, newer);
  const counts = [settings, ...Object.values(lessons), ...Object.values(questions)].map((list) => list.length);
  return {
    courseId: newer.id,
    olderVersion: older.version,
    newerVersion: newer.version,
    unchanged: counts.every((count) => count === 0),
    settings,
    lessons,
    questions,
  };
}
