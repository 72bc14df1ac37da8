// The shape of a loaded course: what the rest of the platform may rely on (the format is docs/course-format.md).

export type QuestionKind = 'single' | 'multiple' | 'true-false' | 'ordering' | 'matching';

export interface QuestionOption {
  id: string;
  text: string;
}

export interface MatchingPair {
  id: string;
  left: string;
  right: string;
}

/** A question of the final quiz, or an in-lesson knowledge check (kinds single, multiple, true-false). */
export interface Question {
  id: string;
  kind: QuestionKind;
  prompt: string;
  points: number;
  /** single, multiple, ordering */
  options?: QuestionOption[];
  /** single (one id), multiple (one or more ids) */
  correct?: string[];
  /** true-false */
  answer?: boolean;
  /** ordering: option ids in the correct order */
  order?: string[];
  /** matching: each left item with its right counterpart */
  pairs?: MatchingPair[];
  explanation: string;
  /** e.g. "art. 33 ust. 1 RODO" */
  legalReference?: string;
  /** A final-test task from a clerk's daily work (a deadline to compute, a basis to pick), not recall. */
  scenario?: boolean;
}

export interface Lesson {
  /** From the file name without the number prefix and extension, e.g. "zasady" for 02-zasady.md. */
  id: string;
  title: string;
  order: number;
  durationMinutes: number;
  /** The lesson's reading-time floor in minutes, overriding the course's minimumReadingShare (completion-rule.ts). */
  minimumMinutes?: number;
  /** Sanitised HTML rendered from the Markdown, knowledge checks replaced by placeholders (see checks). */
  html: string;
  /** Knowledge checks in the order they appear; html holds `<div data-check="ID"></div>` where each goes. */
  checks: Question[];
  /** Path of the source file, relative to the courses folder (for error messages). */
  sourceFile: string;
  /**
   * The lesson file's text as loaded (front matter and Markdown), kept so two loaded versions can be compared after
   * the files changed on disk (src/studio/course-diff.ts). Always set by the loader; absent in hand-built lessons.
   */
  source?: string;
  /** The lesson's h2 and h3 headings with their ids, for a table of contents (always set by the loader). */
  toc?: LessonHeading[];
  /** The files in handouts/ the lesson links to, for its "Materiały do pobrania" list (always set by the loader). */
  handouts?: LessonHandout[];
}

/** A downloadable file a lesson links to (a Markdown link to `handouts/<file>`). */
export interface LessonHandout {
  /** The link text. */
  title: string;
  /** The versioned media URL, `/kursy-media/<courseId>/<version>/handouts/<file>`. */
  href: string;
  /** The file's format as a learner knows it: "PDF", "DOCX", "XLSX"… */
  format: string;
  /** e.g. "24 kB", "1,2 MB". */
  sizeLabel: string;
}

/** One entry of a lesson's table of contents; `id` is the heading's id attribute in `html`. */
export interface LessonHeading {
  id: string;
  text: string;
  level: 2 | 3;
}

export interface Quiz {
  questionsPerAttempt: number;
  /** Absent = unlimited attempts. */
  maxAttempts?: number;
  /** Minutes a learner waits after a failed attempt. */
  cooldownMinutes: number;
  /** How many of an attempt's questions are scenarios (drawn from the questions marked `scenario`); absent = no rule. */
  scenariosPerAttempt?: number;
  questions: Question[];
}

export interface Course {
  id: string;
  version: string;
  language: 'pl' | 'en';
  title: string;
  summary: string;
  audience: string;
  objectives: string[];
  durationMinutes: number;
  /** Percentage of points needed to pass, 0–100. */
  passThreshold: number;
  /** "Stan prawny na", ISO date YYYY-MM-DD. */
  legalStateDate: string;
  author: { name: string; url?: string };
  licence: string;
  tags: string[];
  /** Certificates for this course expire after this many months (e.g. 12 for an annual refresher). */
  validityMonths?: number;
  /** What must be done before the final test (course.yaml `completion:`); absent = the defaults (completion-rule.ts). */
  completion?: CompletionSettings;
  lessons: Lesson[];
  quiz: Quiz;
  /** Absolute path of the course folder (images are served from it). */
  directory: string;
  /**
   * Every file of images/, handouts/ and video/ that passed course-file-check.ts, keyed `<folder>/<file>`: the
   * media route serves these and nothing else, with the content type found by the check (always set by the loader).
   */
  media?: Record<string, CourseMediaFile>;
  /** Set for a course that is an imported SCORM package (src/scorm/): its lessons are the SCOs, it has no quiz. */
  scorm?: ScormCourseInfo;
  /** Set for a course that is an imported cmi5 package (src/cmi5/): its lessons are the AUs, it has no quiz. */
  cmi5?: Cmi5CourseInfo;
}

/** What the platform knows of a cmi5 course besides its lessons (src/cmi5/cmi5-catalogue.ts). */
export interface Cmi5CourseInfo {
  packageId: string;
  /** The import the served files belong to (/cmi5-pakiety/<packageId>/<revision>/…). */
  revision: number;
}

/** What the platform knows of a SCORM course besides its lessons (src/scorm/scorm-catalogue.ts). */
export interface ScormCourseInfo {
  packageId: string;
  /** The import the served files belong to (/scorm-pakiety/<packageId>/<revision>/…). */
  revision: number;
  scormVersion: '1.2' | '2004';
}

/** A checked media file of a course. */
export interface CourseMediaFile {
  contentType: string;
  size: number;
}

/** course.yaml `completion:` as written; completion-rule.ts resolves it (and its defaults) against the lessons. */
export interface CompletionSettings {
  /** Lesson ids that must be finished; 'all' (the default) = every lesson. */
  lessons?: 'all' | string[];
  /** Share (0–1) of a lesson's reading time that must pass between opening it and finishing it; default 0.5. */
  minimumReadingShare?: number;
  /** Knowledge check ids that must be answered; 'none' (the default), 'all', or a list. */
  checks?: 'all' | 'none' | string[];
}
