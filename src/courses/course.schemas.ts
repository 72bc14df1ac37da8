// zod schemas of the course format (docs/course-format.en.md): manifest, lesson front matter, quiz and questions.
import { z } from 'zod';

/** Ids end up in URLs, xAPI activity ids and document keys: no dots, no spaces, no leading `$`. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// The official pattern from https://semver.org (no leading zeros, optional pre-release and build).
const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const QUESTION_KINDS = ['single', 'multiple', 'true-false', 'ordering', 'matching'] as const;
export const CHECK_KINDS = ['single', 'multiple', 'true-false'] as const;

/** Shows an offending value briefly inside a message. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  const text = briefText(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A `switch` on typeof narrows each case: String() sees no object, so never says '[object Object]'. */
function briefText(value: NonNullable<unknown>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? 'a list' : 'a mapping';
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
    case 'function':
      return String(value);
    default:
      // Unreachable (showValue answers undefined and null itself), but TypeScript cannot see that.
      return 'nothing';
  }
}

function isMapping(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
};

/**
 * The error map used for every course file: clear messages for the generic zod issues
 * (schema-level messages, e.g. for ids and dates, take precedence over it).
 */
export function courseErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required field is missing';
      if (issue.expected === 'string' && isMapping(issue.input)) {
        // The usual cause: "text: more text" is read by YAML as a mapping.
        return 'must be text (got a mapping): a colon followed by a space starts a mapping in YAML, so put the whole text in quotes';
      }
      if (issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')) {
        // Converting silently would lose what was typed (0800 → 800, 1.50 → 1.5), so ask for quotes.
        return `must be text (got ${showValue(issue.input)}): write it in quotes, e.g. "${String(issue.input)}"`;
      }
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected} (got ${showValue(issue.input)})`;
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive ? `must be at least ${String(issue.minimum)} (got ${showValue(issue.input)})` : `must be greater than ${String(issue.minimum)} (got ${showValue(issue.input)})`;
    case 'too_big':
      if (issue.origin === 'array') return `has more than ${String(issue.maximum)} items`;
      return `must be at most ${String(issue.maximum)} (got ${showValue(issue.input)})`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')} (got ${showValue(issue.input)})`;
    default:
      return undefined;
  }
}

const text = () => z.string().trim().min(1);
const positiveInt = () => z.int().positive();
/** YAML reads `id: 1` as a number; ids are compared as text everywhere, so numbers are accepted as text. */
const idOf = (what: string) =>
  z.preprocess(
    (value) => (typeof value === 'number' ? String(value) : value),
    z.string({ error: (issue) => (issue.input === undefined ? 'required field is missing' : `${what} must be text (got ${showValue(issue.input)})`) }).regex(ID_PATTERN, {
      error: (issue) => `${what} ${showValue(issue.input)} may contain only letters a-z, digits, "-" and "_"`,
    }),
  );

const OptionSchema = z.strictObject({ id: idOf('option id'), text: text() });
const PairSchema = z.strictObject({ id: idOf('pair id'), left: text(), right: text() });

/** Fields each kind uses besides id, kind, points, prompt, explanation and legalReference. */
const FIELDS_OF_KIND: Record<(typeof QUESTION_KINDS)[number], string[]> = {
  single: ['options', 'correct'],
  multiple: ['options', 'correct'],
  'true-false': ['answer'],
  ordering: ['options', 'order'],
  matching: ['pairs'],
};
const KIND_SPECIFIC_FIELDS = ['options', 'correct', 'answer', 'order', 'pairs'] as const;

const questionShape = {
  id: idOf('question id'),
  kind: z.enum(QUESTION_KINDS, {
    error: (issue) =>
      issue.input === undefined ? 'required field is missing' : `unknown question kind ${showValue(issue.input)}; use one of: ${QUESTION_KINDS.join(', ')}`,
  }),
  points: positiveInt(),
  prompt: text(),
  options: z.array(OptionSchema).min(2).optional(),
  correct: z.array(idOf('option id')).min(1).optional(),
  answer: z.boolean().optional(),
  order: z.array(idOf('option id')).optional(),
  pairs: z.array(PairSchema).min(2).optional(),
  explanation: text(),
  legalReference: text().optional(),
};

type QuestionDraft = z.infer<z.ZodObject<typeof questionShape>>;

/** The rules that tie a question's fields together (which fields a kind needs, answers among the options). */
function checkQuestionRules(question: QuestionDraft, ctx: z.RefinementCtx): void {
  const needed = FIELDS_OF_KIND[question.kind];
  for (const field of KIND_SPECIFIC_FIELDS) {
    const present = question[field] !== undefined;
    if (needed.includes(field) && !present) {
      ctx.addIssue({ code: 'custom', path: [field], message: `required for a question of kind ${question.kind}` });
    } else if (!needed.includes(field) && present) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is not used by a question of kind ${question.kind} (it uses ${needed.join(', ')})` });
    }
  }

  const optionIds = (question.options ?? []).map((option) => option.id);
  reportDuplicates(optionIds, (index, id) => ctx.addIssue({ code: 'custom', path: ['options', index, 'id'], message: `duplicate option id "${id}" in this question` }));
  reportDuplicates(
    (question.pairs ?? []).map((pair) => pair.id),
    (index, id) => ctx.addIssue({ code: 'custom', path: ['pairs', index, 'id'], message: `duplicate pair id "${id}" in this question` }),
  );

  if (question.correct && question.options) {
    question.correct.forEach((id, index) => {
      if (!optionIds.includes(id)) {
        ctx.addIssue({ code: 'custom', path: ['correct', index], message: `correct answer "${id}" is not among the option ids (${optionIds.join(', ')})` });
      }
    });
    reportDuplicates(question.correct, (index, id) => ctx.addIssue({ code: 'custom', path: ['correct', index], message: `option "${id}" is listed twice` }));
    if (question.kind === 'single' && question.correct.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['correct'], message: `a single-choice question needs exactly one correct option (got ${question.correct.length})` });
    }
  }

  if (question.order && question.options) {
    const sortedOrder = [...question.order].sort();
    const sortedOptions = [...optionIds].sort();
    if (sortedOrder.length !== sortedOptions.length || sortedOrder.some((id, index) => id !== sortedOptions[index])) {
      ctx.addIssue({
        code: 'custom',
        path: ['order'],
        message: `must list every option id exactly once (options: ${optionIds.join(', ')}; order: ${question.order.join(', ')})`,
      });
    }
  }
}

function reportDuplicates(values: string[], report: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) report(index, value);
    seen.add(value);
  });
}

/** A question of the final quiz (quiz.yaml); `scenario: true` marks a task from a clerk's work (scenariosPerAttempt). */
export const QuestionSchema = z.strictObject({ ...questionShape, scenario: z.boolean().optional() }).superRefine(checkQuestionRules);

/** An in-lesson knowledge check (a ```check fence): kinds single, multiple, true-false; points default to 1. */
export const CheckSchema = z
  .strictObject({
    ...questionShape,
    kind: z.enum(CHECK_KINDS, {
      error: (issue) =>
        issue.input === undefined
          ? 'required field is missing'
          : `a knowledge check must be of kind ${CHECK_KINDS.join(', ')} (got ${showValue(issue.input)})`,
    }),
    points: positiveInt().default(1),
  })
  .superRefine(checkQuestionRules);

/** quiz.yaml: the final-quiz question pool. */
export const QuizSchema = z
  .strictObject({
    questionsPerAttempt: positiveInt(),
    maxAttempts: positiveInt().optional(),
    cooldownMinutes: z.int().min(0),
    scenariosPerAttempt: z.int().min(0).optional(),
    questions: z.array(QuestionSchema).min(1),
  })
  .superRefine((quiz, ctx) => {
    if (quiz.questionsPerAttempt > quiz.questions.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['questionsPerAttempt'],
        message: `cannot draw ${quiz.questionsPerAttempt} questions from a pool of ${quiz.questions.length}`,
      });
    }
    const scenarios = quiz.questions.filter((question) => question.scenario).length;
    if (quiz.scenariosPerAttempt !== undefined && quiz.scenariosPerAttempt > Math.min(scenarios, quiz.questionsPerAttempt)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scenariosPerAttempt'],
        message: `cannot draw ${quiz.scenariosPerAttempt} scenarios into an attempt of ${quiz.questionsPerAttempt} from the ${scenarios} questions marked scenario: true`,
      });
    }
  });

/**
 * course.yaml `completion:`: what a learner must do before the final test may start (docs/course-format.md).
 * Absent, every lesson must be finished after at least half its reading time, and no knowledge check is required.
 */
export const CompletionSchema = z.strictObject({
  lessons: z.union([z.literal('all'), z.array(idOf('lesson id')).min(1)], {
    error: (issue) => `must be all or a list of lesson ids (got ${showValue(issue.input)})`,
  }),
  minimumReadingShare: z.number().min(0).max(1).optional(),
  checks: z.union([z.enum(['all', 'none']), z.array(idOf('check id')).min(1)], {
    error: (issue) => `must be all, none or a list of knowledge check ids (got ${showValue(issue.input)})`,
  }),
}).partial();

/** course.yaml: the manifest. */
export const ManifestSchema = z.strictObject({
  id: z.string().regex(SLUG_PATTERN, { error: (issue) => `must be a slug of a-z, 0-9 and hyphens, e.g. rodo-w-urzedzie (got ${showValue(issue.input)})` }),
  version: z.string({ error: (issue) => (issue.input === undefined ? 'required field is missing' : `must be a semantic version such as 1.0.0 (got ${showValue(issue.input)})`) }).regex(SEMVER_PATTERN, {
    error: (issue) => `must be a semantic version such as 1.0.0 (got ${showValue(issue.input)})`,
  }),
  language: z.enum(['pl', 'en']),
  title: text(),
  summary: text(),
  audience: text(),
  objectives: z.array(text()).min(1),
  durationMinutes: positiveInt(),
  passThreshold: z.number().min(0).max(100),
  legalStateDate: z.iso.date({ error: (issue) => (issue.input === undefined ? 'required field is missing' : `must be a date written YYYY-MM-DD, e.g. 2026-01-01 (got ${showValue(issue.input)})`) }),
  author: z.strictObject({
    name: text(),
    url: z.url({ protocol: /^https?$/, error: (issue) => `must be an http(s) address (got ${showValue(issue.input)})` }).optional(),
  }),
  licence: text(),
  tags: z.array(text()),
  validityMonths: positiveInt().optional(),
  completion: CompletionSchema.optional(),
});

/** The YAML front matter of a lesson file. */
export const LessonFrontMatterSchema = z.strictObject({
  title: text(),
  order: positiveInt(),
  durationMinutes: positiveInt(),
  /** The lesson's own reading-time floor in minutes (0 = none), instead of the course's minimumReadingShare. */
  minimumMinutes: z.number().min(0).optional(),
});

/** A path into one of the course's media folders, e.g. `video/wstep.mp4` (file names as course-file-check.ts allows them). */
const mediaPath = (folder: string, extensions: string[], example: string, missing?: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? missing : undefined) })
    .regex(new RegExp(`^${folder}/(?:[a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_-]*\\.(?:${extensions.join('|')})$`), {
      error: `must be a file in the course's ${folder}/ folder, written as ${example}`,
    });

/** A ```video block of a lesson: the film, its captions (required: WCAG 1.2.2) and its title (the figure caption). */
export const VideoBlockSchema = z.strictObject({
  src: mediaPath('video', ['mp4', 'webm'], 'video/<file>.mp4 or video/<file>.webm'),
  captions: mediaPath(
    'video',
    ['vtt'],
    'video/<file>.vtt (WebVTT captions)',
    'required field is missing: a video needs captions (a WebVTT file video/<file>.vtt) for learners who cannot hear it',
  ),
  title: text(),
  poster: mediaPath('images', ['png', 'jpg', 'jpeg', 'webp', 'gif'], 'images/<file>.png').optional(),
});

export type CompletionInput = z.infer<typeof CompletionSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
export type QuizInput = z.infer<typeof QuizSchema>;
export type LessonFrontMatter = z.infer<typeof LessonFrontMatterSchema>;
export type CheckInput = z.infer<typeof CheckSchema>;
export type VideoBlock = z.infer<typeof VideoBlockSchema>;
