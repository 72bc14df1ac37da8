// The set of courses the platform serves, with their versions: the valid folders under COURSES_DIR, loaded once by
// createPlatform, and the versions published in the studio (studio/course-versions.ts).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { NotFoundError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import type { Course } from './course.types.js';
import { formatCourseError, loadCourse, type CourseError } from './course.loader.js';

/** A course folder that failed validation and is not served. */
export interface RefusedCourse {
  folder: string;
  errors: CourseError[];
}

/**
 * The loaded courses, looked up by id, each with every version still served. New enrolments get a course's newest
 * version (`get`, `list`); an enrolment finishes on the version it started (`version`). Publishing in the studio
 * adds a version while the platform runs (`add`): the catalogue is the one object that changes, held by the platform.
 */
export class CourseCatalogue {
  /** Every version of each course, newest first (semver order). */
  private readonly versionsById = new Map<string, Course[]>();
  /** The newest version of each course, sorted by title (Polish collation). */
  private newest: Course[] = [];
  private readonly collator = new Intl.Collator('pl');

  constructor(
    courses: Course[],
    /** Folders that were refused, with their errors (for an admin page or a health report). */
    readonly refused: RefusedCourse[] = [],
  ) {
    for (const course of courses) this.insert(course);
    this.sortNewest();
  }

  /** Every course in its newest version, sorted by title (Polish collation). */
  list(): Course[] {
    return [...this.newest];
  }

  /** The newest version of a course (what a new enrolment gets). */
  get(id: string): Course | undefined {
    return this.versionsById.get(id)?.[0];
  }

  /** One version of a course, when it is still served. */
  version(id: string, version: string): Course | undefined {
    return this.versionsById.get(id)?.find((course) => course.version === version);
  }

  /**
   * The version an enrolment started on, or the newest when that one is no longer served (a test catalogue, a
   * version removed from disk by hand): the learner goes on rather than meeting a 404.
   */
  versionOrNewest(id: string, version: string | undefined): Course | undefined {
    return (version ? this.version(id, version) : undefined) ?? this.get(id);
  }

  /** Every served version of a course, newest first. */
  versions(id: string): Course[] {
    return [...(this.versionsById.get(id) ?? [])];
  }

  /** Serves another version (a publication): the same version again replaces the one served. */
  add(course: Course): void {
    this.insert(course);
    this.sortNewest();
  }

  /**
   * The language of a course's own texts, for the lang attribute on English pages (WCAG 3.1.2). The platform's
   * courses are Polish, so Polish when the course is unknown (no longer loaded).
   */
  languageOf(courseId: string): 'pl' | 'en' {
    return this.get(courseId)?.language ?? 'pl';
  }

  /** The course with this id, or a NotFoundError (404) for a route to pass on. */
  require(id: string): Course {
    const course = this.get(id);
    if (!course) throw new NotFoundError('Nie znaleziono szkolenia.');
    return course;
  }

  private insert(course: Course): void {
    const versions = (this.versionsById.get(course.id) ?? []).filter((known) => known.version !== course.version);
    versions.push(course);
    versions.sort((a, b) => semver.rcompare(a.version, b.version));
    this.versionsById.set(course.id, versions);
  }

  private sortNewest(): void {
    this.newest = [...this.versionsById.values()].map((versions) => versions[0]).sort((a, b) => this.collator.compare(a.title, b.title));
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
