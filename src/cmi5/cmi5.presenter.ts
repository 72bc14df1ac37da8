// cmi5 view models: the learner's AU list of a course (each AU's status and launch form), and the import's problems.
import type { Course } from '../courses/course.types.js';
import { courseUrl } from '../learning/learning.presenter.js';
import type { Cmi5AuStateDoc } from './cmi5-au-state.model.js';
import type { Cmi5Problem } from './cmi5-course-structure.js';
import type { Cmi5PackageDoc } from './cmi5-package.model.js';
import { launchFormUrl } from './cmi5-runtime.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

export type AuStatus = 'notStarted' | 'started' | 'completed' | 'passed' | 'failed' | 'satisfied';

/** One AU's status as the learner reads it: satisfied (its moveOn met) first, then what it reported, then whether it was opened. */
export function auStatusOf(state: Cmi5AuStateDoc | undefined, launched: boolean): AuStatus {
  if (state?.satisfiedAt) return 'satisfied';
  if (state?.passed) return 'passed';
  if (state?.failed) return 'failed';
  if (state?.completed) return 'completed';
  return launched || state ? 'started' : 'notStarted';
}

/** The AU list page: the course, each AU (its block, status, what it needs, where it launches) in course order. */
export function auListPage(course: Course, pkg: Cmi5PackageDoc, states: Map<string, Cmi5AuStateDoc>, launched: Set<string>, t: Translate) {
  const blockTitles = new Map(pkg.blocks.map((block) => [block.iri, block.title]));
  const aus = pkg.aus.map((au, index) => {
    const status = auStatusOf(states.get(au.id), launched.has(au.id));
    return {
      id: au.id,
      number: index + 1,
      title: au.title,
      blocks: au.blockIris
        .map((iri) => blockTitles.get(iri))
        .filter(Boolean)
        .join(' › '),
      status,
      statusLabel: t(`cmi5:status.${status}`),
      moveOnLabel: t(`cmi5:moveOn.${au.moveOn}`),
      masteryPercent: au.masteryScore !== undefined ? Math.round(au.masteryScore * 100) : undefined,
      external: au.absolute,
      launchUrl: launchFormUrl(course.id, au.id),
    };
  });
  const satisfied = aus.filter((au) => au.status === 'satisfied').length;
  return {
    course: { id: course.id, title: course.title, url: courseUrl(course.id), language: course.language },
    aus,
    satisfied,
    total: aus.length,
    done: satisfied === aus.length,
  };
}

/** A problem of a refused package, in the reader's language, with the place it was found. */
export function cmi5ProblemLines(problems: Cmi5Problem[], t: Translate) {
  // The zip guards' own words are English (studio/course-archive.ts): shown after the sentence, marked lang="en".
  return problems.map((problem) => ({
    where: problem.file,
    message: t(`cmi5:problems.${problem.code}`, { ...problem.params, interpolation: { escapeValue: false } }),
    detail: problem.code === 'zipEntry' ? problem.params?.detail : undefined,
  }));
}
