// A SCORM package as a course of the catalogue: one lesson per SCO, no quiz, passed when every SCO is satisfied.
import type { Course, Lesson } from '../courses/course.types.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Logger } from '../logger.js';
import { ScormPackage, type ScormPackageDoc } from './scorm-package.model.js';

/** The catalogue's version of a package's import: 1.0.<revision>, so each re-import is a newer version. */
export function versionOfRevision(revision: number): string {
  return `1.0.${revision}`;
}

/**
 * The package as a Course. Lessons are the SCOs in the organisation's order (their html is empty: the player plays
 * them); the completion rule asks for every SCO with no reading-time floor; the pass threshold is the SCOs' mastery
 * score where the manifest sets one (SCORM 1.2), else 0 (the SCO decides passed or failed itself).
 */
export function courseOfPackage(pkg: ScormPackageDoc): Course {
  const lessons: Lesson[] = pkg.scos.map((sco, index) => ({
    id: sco.id,
    title: sco.title,
    order: index + 1,
    durationMinutes: 0,
    html: '',
    checks: [],
    sourceFile: 'imsmanifest.xml',
    toc: [],
    handouts: [],
  }));
  const mastery = pkg.scos.map((sco) => sco.masteryScore).filter((score): score is number => typeof score === 'number');
  return {
    id: pkg._id,
    version: versionOfRevision(pkg.revision),
    language: pkg.language,
    title: pkg.title,
    summary: pkg.title,
    audience: '',
    objectives: [],
    durationMinutes: 0,
    passThreshold: mastery.length ? Math.max(...mastery) : 0,
    legalStateDate: pkg.importedAt.toISOString().slice(0, 10),
    author: { name: pkg.importedBy.name },
    licence: '',
    tags: ['SCORM'],
    completion: { lessons: 'all', minimumReadingShare: 0, checks: 'none' },
    lessons,
    quiz: { questionsPerAttempt: 0, cooldownMinutes: 0, questions: [] },
    directory: '',
    media: {},
    scorm: { packageId: pkg._id, revision: pkg.revision, scormVersion: pkg.scormVersion },
  };
}

/** Serves every imported package at start-up (after the stored course versions, before the sharing rules are read). */
export async function serveScormPackages(deps: { catalogue: CourseCatalogue; logger: Pick<Logger, 'info'> }): Promise<number> {
  // Every organisation's packages: the catalogue is the platform's, and the sharing rule decides who sees each.
  const packages = await ScormPackage.find({}).lean<ScormPackageDoc[]>();
  for (const pkg of packages) deps.catalogue.add(courseOfPackage(pkg));
  if (packages.length) deps.logger.info({ packages: packages.length }, `${packages.length} SCORM package(s) served`);
  return packages.length;
}
