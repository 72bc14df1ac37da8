// Importing a cmi5 zip: the guarded unpack, the course structure's checks, then the files stored and the course served.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { courseIdOfManifest } from '../scorm/scorm-import.service.js';
import { storeCourseFile } from '../studio/course-files.js';
import { unpackSafeArchive } from '../studio/course-archive.js';
import { ensureCourseSharing, type CourseAvailability } from '../studio/course-availability.js';
import { assertCanAuthor, type Author } from '../studio/studio.policy.js';
import { courseOfCmi5Package } from './cmi5-catalogue.js';
import { readCourseStructure, STRUCTURE_FILE, type Cmi5Problem } from './cmi5-course-structure.js';
import { Cmi5Package, type Cmi5AuDoc, type Cmi5PackageDoc } from './cmi5-package.model.js';

/** What an import needs from the platform (a Platform fits). */
export interface Cmi5ImportDeps {
  config: { DATA_DIR: string };
  catalogue: CourseCatalogue;
  availability: CourseAvailability;
}

export type Cmi5ImportResult = { ok: true; courseId: string; created: boolean } | { ok: false; problems: Cmi5Problem[] };

/** The course id of a package: `cmi5-` and the course IRI (without its scheme) as a slug, by SCORM's slug rule. */
export function courseIdOfStructure(courseIri: string): string {
  return courseIdOfManifest(courseIri.replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, '')).replace(/^scorm-/, 'cmi5-');
}

function refusal(code: string, params?: Record<string, string>): Cmi5ImportResult {
  return { ok: false, problems: [{ code, file: STRUCTURE_FILE, ...(params ? { params } : {}) }] };
}

/**
 * Imports a cmi5 package for the author's organisation: nothing is stored unless every zip entry passes the studio's
 * guards (studio/course-archive.ts unpackSafeArchive) and cmi5.xml its checks (cmi5-course-structure.ts). A package
 * with the course IRI of one the organisation has replaces it (a new revision, a new course version); a course id of
 * another organisation or of another course is refused. Served at once under its owner's default sharing.
 */
export async function importCmi5Package(deps: Cmi5ImportDeps, author: Author, zip: Buffer, now = new Date()): Promise<Cmi5ImportResult> {
  assertCanAuthor(author);
  const workDir = path.join(deps.config.DATA_DIR, 'cmi5-imports', randomBytes(8).toString('hex'));
  await mkdir(workDir, { recursive: true });
  try {
    const unpacked = await unpackSafeArchive(zip, workDir);
    if (!unpacked.ok) return { ok: false, problems: unpacked.errors.map((error) => ({ code: 'zipEntry', file: error.file, params: { detail: error.message } })) };
    const files = new Set(unpacked.files);
    if (!files.has(STRUCTURE_FILE)) return { ok: false, problems: [{ code: 'missingStructure', file: '(zip)' }] };
    const read = readCourseStructure(await readFile(path.join(workDir, STRUCTURE_FILE), 'utf8'), files);
    if (!read.ok) return { ok: false, problems: read.problems };
    const { structure } = read;

    const courseId = courseIdOfStructure(structure.iri);
    const existing = await Cmi5Package.findById(courseId).select({ organisationId: 1 }).lean<Pick<Cmi5PackageDoc, '_id' | 'organisationId'>>();
    if (existing && String(existing.organisationId) !== author.organisationId) return refusal('otherOrganisation', { id: courseId });
    if (!existing && deps.catalogue.get(courseId)) return refusal('idTaken', { id: courseId });

    const stored: Cmi5PackageDoc['files'] = [];
    for (const file of unpacked.files) {
      const bytes = await readFile(path.join(workDir, ...file.split('/')));
      stored.push({ path: file, sha256: await storeCourseFile(bytes), size: bytes.length });
    }
    const aus: Cmi5AuDoc[] = structure.aus.map((au, index) => ({ id: `au-${index + 1}`, ...au }));
    const fields = {
      organisationId: author.organisationId,
      courseIri: structure.iri,
      title: structure.title,
      description: structure.description,
      language: structure.language,
      aus,
      blocks: structure.blocks,
      files: stored,
      importedBy: { id: author.id, name: author.organisationName ?? author.fullName },
      importedAt: now,
    };
    // The sharing rule first: no instance may serve an owned course without its owner's rule (as publishDraft does).
    await ensureCourseSharing(deps, courseId, author.organisationId);
    const saved = existing
      ? await Cmi5Package.findOneAndUpdate({ _id: courseId }, { $set: fields, $inc: { revision: 1 } }, { new: true }).lean<Cmi5PackageDoc>()
      : (await Cmi5Package.create({ _id: courseId, revision: 1, ...fields })).toObject<Cmi5PackageDoc>();
    if (!saved) return refusal('idTaken', { id: courseId });
    deps.catalogue.add(courseOfCmi5Package(saved));
    return { ok: true, courseId, created: !existing };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
