// Turns a lesson (and any knowledge-check feedback) into the lesson player's view model.
import type { Course, Lesson, LessonHeading, Question } from '../courses/course.types.js';
import type { LearningProgressDoc } from './learning-progress.model.js';
import { courseUrl, lessonUrl, progressPercent, quizUrl } from './learning.presenter.js';
import type { CheckFeedback, LessonFinishing } from './lesson.service.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

const PLACEHOLDER = /<div class="knowledge-check" data-check="([^"]*)"><\/div>/g;

function unescapeAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Headings of the lesson for its own table of contents (the loader's list, or read from the HTML). */
function headingsOf(lesson: Lesson): LessonHeading[] {
  if (lesson.toc) return lesson.toc;
  const headings: LessonHeading[] = [];
  for (const match of lesson.html.matchAll(/<h([23]) id="([^"]+)"[^>]*>([\s\S]*?)<\/h\1>/g)) {
    headings.push({ level: Number(match[1]) as 2 | 3, id: unescapeAttribute(match[2]), text: unescapeAttribute(match[3].replace(/<[^>]+>/g, '')) });
  }
  return headings;
}

/** A knowledge check as a form: choices, the learner's last answer, and feedback when just answered. */
function checkForm(
  course: Course,
  lesson: Lesson,
  question: Question,
  feedback: CheckFeedback | undefined,
  fieldError: { message: string; chosen: string[] } | undefined,
  t: Translate,
) {
  const answered = feedback?.checkId === question.id ? feedback : undefined;
  const chosen = new Set(answered?.chosen ?? fieldError?.chosen ?? []);
  const anchor = `sprawdz-${question.id}`;
  const choices =
    question.kind === 'true-false'
      ? [
          { value: 'true', text: t('learning:check.true') },
          { value: 'false', text: t('learning:check.false') },
        ]
      : (question.options ?? []).map((option) => ({ value: option.id, text: option.text, language: course.language }));
  return {
    id: question.id,
    anchor,
    action: `${lessonUrl(course.id, lesson.id)}/sprawdz/${encodeURIComponent(question.id)}#${anchor}`,
    prompt: question.prompt,
    // The check's own words (title, button, verdict) follow the page; the question follows the course.
    language: course.language,
    multiple: question.kind === 'multiple',
    inputType: question.kind === 'multiple' ? 'checkbox' : 'radio',
    choices: choices.map((choice, index) => ({ ...choice, inputId: `${anchor}-${index}`, checked: chosen.has(choice.value) })),
    errorMessage: fieldError?.message,
    feedback: answered ? { success: answered.success, explanation: question.explanation, legalReference: question.legalReference } : undefined,
  };
}

export interface LessonPageInput {
  course: Course;
  lesson: Lesson;
  progress: LearningProgressDoc | null;
  /** Where the learner stands with finishing the lesson (its reading-time floor); absent = not finished, no floor. */
  finishing?: LessonFinishing;
  /** "Zakończ lekcję" was pressed too early: the page says how long is left. */
  tooEarly?: boolean;
  feedback?: CheckFeedback;
  /** A knowledge check refused (nothing or something invalid chosen): its id, the message, and what was ticked. */
  checkError?: { checkId: string; message: string; chosen: string[] };
  t: Translate;
}

/** The lesson player: the lesson split around its knowledge checks, both tables of contents, and navigation. */
export function lessonPage(input: LessonPageInput) {
  const { course, lesson, progress, t } = input;
  const index = course.lessons.findIndex((l) => l.id === lesson.id);
  const viewed = new Set(progress?.lessonsViewed ?? []);
  const checks = new Map(lesson.checks.map((check) => [check.id, check]));

  // The HTML is the course loader's sanitised output; only the placeholders are replaced, by forms.
  const segments: Array<{ html?: string; check?: ReturnType<typeof checkForm> }> = [];
  let cursor = 0;
  for (const match of lesson.html.matchAll(PLACEHOLDER)) {
    segments.push({ html: lesson.html.slice(cursor, match.index) });
    const question = checks.get(unescapeAttribute(match[1]));
    if (question) {
      const error = input.checkError?.checkId === question.id ? input.checkError : undefined;
      segments.push({ check: checkForm(course, lesson, question, input.feedback, error, t) });
    }
    cursor = match.index + match[0].length;
  }
  segments.push({ html: lesson.html.slice(cursor) });

  const previous = course.lessons[index - 1];
  const next = course.lessons[index + 1];
  const viewedCount = course.lessons.filter((l) => viewed.has(l.id)).length;
  const finished = new Set(progress?.lessonsCompleted ?? []);
  const finishing = input.finishing ?? { finished: false, minimumMinutes: 0, minutesLeft: 0 };
  const floor = Math.ceil(finishing.minimumMinutes);
  return {
    // language: course content keeps its own language on an English page (lang attribute, WCAG 3.1.2).
    course: { id: course.id, title: course.title, url: courseUrl(course.id), legalStateDate: course.legalStateDate, language: course.language },
    lesson: {
      id: lesson.id,
      title: lesson.title,
      durationMinutes: lesson.durationMinutes,
      segments,
      headings: headingsOf(lesson),
      // "Materiały do pobrania" under the lesson: the files its text links to (course loader, lesson.renderer.ts).
      handouts: lesson.handouts ?? [],
    },
    position: index + 1,
    total: course.lessons.length,
    viewedCount,
    percent: progressPercent(course, progress),
    toc: course.lessons.map((l, i) => ({
      number: i + 1,
      title: l.title,
      url: lessonUrl(course.id, l.id),
      current: l.id === lesson.id,
      viewed: viewed.has(l.id),
      finished: finished.has(l.id),
    })),
    // "Zakończ lekcję" (a POST form, works without JavaScript); once finished, "Dalej" is a plain link.
    finish: {
      finished: finishing.finished,
      action: `${lessonUrl(course.id, lesson.id)}/zakoncz`,
      label: t(next ? 'learning:completion.finishAndNext' : 'learning:completion.finish'),
      hint: !finishing.finished && floor > 0 ? t('learning:completion.finishHint', { minutes: floor }) : undefined,
      tooEarly: input.tooEarly ? t('learning:completion.tooEarly', { minutes: finishing.minutesLeft, floor }) : undefined,
      nextUrl: next ? lessonUrl(course.id, next.id) : quizUrl(course.id),
    },
    previous: previous ? { url: lessonUrl(course.id, previous.id), title: previous.title } : undefined,
    next: next ? { url: lessonUrl(course.id, next.id), title: next.title } : undefined,
    quizUrl: quizUrl(course.id),
  };
}
