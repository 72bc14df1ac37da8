// The set of courses the platform serves: every valid folder under COURSES_DIR, loaded once by createPlatform.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import type { Course } from './course.types.js';
import { formatCourseError, loadCourse, type CourseError } from './course.loader.js';

/** A course folder that failed validation and is not served. */
export interface RefusedCourse {
  folder: string;
  errors: CourseError[];
}

/** The loaded courses, looked up by id. */
export class CourseCatalogue {
  private readonly byId: Map<string, Course>;

  constructor(
    courses: Course[],
    /** Folders that were refused, with their errors (for an admin page or a health report). */
    readonly refused: RefusedCourse[] = [],
  ) {
    const collator = new Intl.Collator('pl');
    this.byId = new Map([...courses].sort((a, b) => collator.compare(a.title, b.title)).map((course) => [course.id, course]));
  }

  /** Every course, sorted by title (Polish collation). */
  list(): Course[] {
    return [...this.byId.values()];
  }

  get(id: string): Course | undefined {
    return this.byId.get(id);
  }

  /**
   * The language of a course's own texts, for the lang attribute on English pages (WCAG 3.1.2). The platform's
   * courses are Polish, so Polish when the course is unknown (no longer loaded).
   */
  languageOf(courseId: string): 'pl' | 'en' {
    return this.byId.get(courseId)?.language ?? 'pl';
  }

  /** The course with this id, or a NotFoundError (404) for a route to pass on. */
  require(id: string): Course {
    const course = this.byId.get(id);
    if (!course) throw new NotFoundError('Nie znaleziono szkolenia.');
    return course;
  }
}

export interface LoadCourseCatalogueOptions {
  dir: string;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** The course folders directly inside `dir` (hidden folders skipped); an absent `dir` has none. */
export async function courseFolders(dir: string): Promise<string[] | undefined> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => path.join(dir, entry.name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Loads every course folder in `dir`. An invalid course is refused and its errors logged as
 * `FILE:LINE: message`; the valid ones still load, so one broken course never stops the platform.
 */
export async function loadCourseCatalogue({ dir, logger }: LoadCourseCatalogueOptions): Promise<CourseCatalogue> {
  const folders = await courseFolders(path.resolve(dir));
  if (!folders) {
    logger.warn({ dir }, 'courses folder not found: no courses are served');
    return new CourseCatalogue([]);
  }
  const courses: Course[] = [];
  const refused: RefusedCourse[] = [];
  for (const folder of folders) {
    const result = await loadCourse(folder);
    if (result.ok) {
      courses.push(result.course);
      continue;
    }
    refused.push({ folder, errors: result.errors });
    for (const error of result.errors) logger.error(formatCourseError(error));
    logger.error({ course: path.basename(folder), errors: result.errors.length }, `course ${path.basename(folder)} refused: fix the errors above (npm run courses:check)`);
  }
  logger.info({ courses: courses.map((course) => course.id), refused: refused.length }, `${courses.length} course(s) loaded`);
  return new CourseCatalogue(courses, refused);
}
