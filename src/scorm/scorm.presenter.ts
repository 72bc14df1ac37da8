// SCORM view models: the player page of a SCO, and the import page's problems in the reader's language.
import type { Course } from '../courses/course.types.js';
import { courseUrl, lessonUrl } from '../learning/learning.presenter.js';
import type { ScormProblem } from './scorm-manifest.js';
import type { ScoLaunch } from './scorm-runtime.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** The player page: where the SCO sits, the runtime's settings (data attributes), the learner's state of it. */
export function playerPage(course: Course, launch: ScoLaunch, t: Translate) {
  const index = course.lessons.findIndex((lesson) => lesson.id === launch.lesson.id);
  const next = course.lessons[index + 1];
  const previous = course.lessons[index - 1];
  return {
    course: { title: course.title, url: courseUrl(course.id), language: course.language },
    lesson: { title: launch.lesson.title },
    position: index + 1,
    total: course.lessons.length,
    scormVersion: launch.scormVersion,
    launchUrl: launch.launchUrl,
    commitUrl: launch.commitUrl,
    cmiJson: JSON.stringify(launch.cmi),
    statusLabel: t(`scorm:status.${launch.status.replace(/ /g, '_')}`, { defaultValue: launch.status }),
    resuming: launch.resuming,
    next: next ? { url: lessonUrl(course.id, next.id), title: next.title } : undefined,
    previous: previous ? { url: lessonUrl(course.id, previous.id), title: previous.title } : undefined,
  };
}

/** A problem of a refused package, in the reader's language, with the place it was found. */
export function problemLines(problems: ScormProblem[], t: Translate) {
  // The zip guards' own words are English (studio/course-archive.ts): shown after the sentence, marked lang="en".
  return problems.map((problem) => ({
    where: problem.file,
    message: t(`scorm:problems.${problem.code}`, { ...problem.params, interpolation: { escapeValue: false } }),
    detail: problem.code === 'zipEntry' ? problem.params?.detail : undefined,
  }));
}
