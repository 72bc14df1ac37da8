// A cmi5 package as a course of the catalogue: one lesson per AU, no quiz, passed when the course is satisfied (every AU's moveOn).
import type { Course, Lesson } from '../courses/course.types.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Logger } from '../logger.js';
import { versionOfRevision } from '../scorm/scorm-catalogue.js';
import { Cmi5Package, type Cmi5PackageDoc } from './cmi5-package.model.js';

/**
 * The package as a Course. Lessons are the AUs in the course structure's order (their html is empty: the AU runs on
 * its own page); the completion rule asks for every AU with no reading-time floor; the pass threshold is 0 (the AUs
 * assess the learner, and each moveOn says what counts).
 */
export function courseOfCmi5Package(pkg: Cmi5PackageDoc): Course {
  const lessons: Lesson[] = pkg.aus.map((au, index) => ({
    id: au.id,
    title: au.title,
    order: index + 1,
    durationMinutes: 0,
    html: '',
    checks: [],
    sourceFile: 'cmi5.xml',
    toc: [],
    handouts: [],
  }));
  return {
    id: pkg._id,
    version: versionOfRevision(pkg.revision),
    language: pkg.language,
    title: pkg.title,
    summary: pkg.description || pkg.title,
    audience: '',
    objectives: [],
    durationMinutes: 0,
    passThreshold: 0,
    legalStateDate: pkg.importedAt.toISOString().slice(0, 10),
    author: { name: pkg.importedBy.name },
    licence: '',
    tags: ['cmi5'],
    completion: { lessons: 'all', minimumReadingShare: 0, checks: 'none' },
    lessons,
    quiz: { questionsPerAttempt: 0, cooldownMinutes: 0, questions: [] },
    directory: '',
    media: {},
    cmi5: { packageId: pkg._id, revision: pkg.revision },
  };
}

/** Serves every imported cmi5 package at start-up (after the stored course versions, before the sharing rules are read). */
export async function serveCmi5Packages(deps: { catalogue: CourseCatalogue; logger: Pick<Logger, 'info'> }): Promise<number> {
  // Every organisation's packages: the catalogue is the platform's, and the sharing rule decides who sees each.
  const packages = await Cmi5Package.find({}).lean<Cmi5PackageDoc[]>();
  for (const pkg of packages) deps.catalogue.add(courseOfCmi5Package(pkg));
  if (packages.length) deps.logger.info({ packages: packages.length }, `${packages.length} cmi5 package(s) served`);
  return packages.length;
}
