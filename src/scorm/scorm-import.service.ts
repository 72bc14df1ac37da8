// Importing a SCORM zip: the guarded unpack, the manifest's checks, then the files stored and the course served.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { storeCourseFile } from '../studio/course-files.js';
import { unpackSafeArchive } from '../studio/course-archive.js';
import { ensureCourseSharing, type CourseAvailability } from '../studio/course-availability.js';
import { assertCanAuthor, type Author } from '../studio/studio.policy.js';
import { courseOfPackage } from './scorm-catalogue.js';
import { MANIFEST_FILE, readScormManifest, type ScormProblem } from './scorm-manifest.js';
import { ScormPackage, type ScormPackageDoc, type ScormScoDoc } from './scorm-package.model.js';

/** What an import needs from the platform (a Platform fits). */
export interface ScormImportDeps {
  config: { DATA_DIR: string };
  catalogue: CourseCatalogue;
  availability: CourseAvailability;
}

export type ScormImportResult = { ok: true; courseId: string; created: boolean } | { ok: false; problems: ScormProblem[] };

/** The course id of a package: `scorm-` and its manifest identifier as a slug (the same package re-imported keeps it). */
export function courseIdOfManifest(identifier: string): string {
  const slug = identifier
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `scorm-${slug || 'pakiet'}`;
}

function refusal(code: string, params?: Record<string, string>): ScormImportResult {
  return { ok: false, problems: [{ code, file: MANIFEST_FILE, ...(params ? { params } : {}) }] };
}

/**
 * Imports a SCORM package for the author's organisation: nothing is stored unless every zip entry passes the studio's
 * guards (studio/course-archive.ts unpackSafeArchive) and the manifest its checks (scorm-manifest.ts). A package with
 * the identifier of one the organisation already has replaces its files (a new revision, a new course version; an
 * enrolment already started keeps its CMI data); a course id of another organisation or of the courses/ folder is refused.
 * The course is open at once under its owner's default sharing (no review: a bought package is not edited here).
 */
export async function importScormPackage(deps: ScormImportDeps, author: Author, zip: Buffer, now = new Date()): Promise<ScormImportResult> {
  assertCanAuthor(author);
  const workDir = path.join(deps.config.DATA_DIR, 'scorm-imports', randomBytes(8).toString('hex'));
  await mkdir(workDir, { recursive: true });
  try {
    const unpacked = await unpackSafeArchive(zip, workDir);
    if (!unpacked.ok) return { ok: false, problems: unpacked.errors.map((error) => ({ code: 'zipEntry', file: error.file, params: { detail: error.message } })) };
    const files = new Set(unpacked.files);
    if (!files.has(MANIFEST_FILE)) return { ok: false, problems: [{ code: 'missingManifest', file: '(zip)' }] };
    const read = readScormManifest(await readFile(path.join(workDir, MANIFEST_FILE), 'utf8'), files);
    if (!read.ok) return { ok: false, problems: read.problems };
    const { manifest } = read;

    const courseId = courseIdOfManifest(manifest.identifier || manifest.title);
    const existing = await ScormPackage.findById(courseId).select({ organisationId: 1, revision: 1 }).lean<Pick<ScormPackageDoc, '_id' | 'organisationId' | 'revision'>>();
    if (existing && String(existing.organisationId) !== author.organisationId) return refusal('otherOrganisation', { id: courseId });
    if (!existing && deps.catalogue.get(courseId)) return refusal('idTaken', { id: courseId });

    const stored: ScormPackageDoc['files'] = [];
    for (const file of unpacked.files) {
      const bytes = await readFile(path.join(workDir, ...file.split('/')));
      stored.push({ path: file, sha256: await storeCourseFile(bytes), size: bytes.length });
    }
    const scos: ScormScoDoc[] = manifest.scos.map((sco, index) => ({ id: `sco-${index + 1}`, ...sco, launchQuery: sco.launchQuery }));
    const fields = {
      organisationId: author.organisationId,
      title: manifest.title,
      scormVersion: manifest.version,
      schemaVersion: manifest.schemaVersion,
      manifestIdentifier: manifest.identifier,
      scos,
      files: stored,
      importedBy: { id: author.id, name: author.organisationName ?? author.fullName },
      importedAt: now,
    };
    // The sharing rule first: no instance may serve an owned course without its owner's rule (as publishDraft does).
    await ensureCourseSharing(deps, courseId, author.organisationId);
    const saved = existing
      ? await ScormPackage.findOneAndUpdate({ _id: courseId }, { $set: fields, $inc: { revision: 1 } }, { new: true }).lean<ScormPackageDoc>()
      : (await ScormPackage.create({ _id: courseId, revision: 1, ...fields })).toObject<ScormPackageDoc>();
    if (!saved) return refusal('idTaken', { id: courseId });
    deps.catalogue.add(courseOfPackage(saved));
    return { ok: true, courseId, created: !existing };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
