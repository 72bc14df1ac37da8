// ScormPackage: an imported SCORM package — its SCOs in play order and its files (bytes in the course file store).
import { Schema, model, type Types } from 'mongoose';

// Not tenant-scoped, like published course versions (studio/course-version.model.ts): a package is course content
// that its owner may share with member offices; it is read by `_id`, or whole by the start-up scan that serves it,
// and who may see it is the sharing policy's question (studio/course-availability.ts).

const scoSchema = new Schema(
  {
    /** The lesson id of the SCO in the catalogue (sco-1, sco-2…): stable across re-imports of the same package. */
    id: { type: String, required: true },
    identifier: { type: String, required: true },
    title: { type: String, required: true },
    launchPath: { type: String, required: true },
    launchQuery: { type: String, default: '' },
    masteryScore: { type: Number },
    scormType: { type: String, enum: ['sco', 'asset'], required: true },
  },
  { _id: false },
);

const packageFileSchema = new Schema(
  {
    /** Path inside the package, with `/`. */
    path: { type: String, required: true },
    sha256: { type: String, required: true },
    size: { type: Number, required: true },
  },
  { _id: false },
);

const scormPackageSchema = new Schema(
  {
    /** The course id in the catalogue (a slug): `scorm-` and the manifest's identifier. */
    _id: { type: String, required: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    language: { type: String, enum: ['pl', 'en'], default: 'pl' },
    scormVersion: { type: String, enum: ['1.2', '2004'], required: true },
    schemaVersion: { type: String, required: true },
    manifestIdentifier: { type: String, required: true },
    /** Counts imports of the package: the served files sit under it, and each import is a new course version 1.0.N. */
    revision: { type: Number, required: true },
    scos: { type: [scoSchema], required: true },
    files: { type: [packageFileSchema], required: true },
    importedBy: { type: new Schema({ id: { type: String, required: true }, name: { type: String, required: true } }, { _id: false }), required: true },
    importedAt: { type: Date, required: true },
  },
  { timestamps: false },
);

export interface ScormScoDoc {
  id: string;
  identifier: string;
  title: string;
  launchPath: string;
  launchQuery: string;
  masteryScore?: number;
  scormType: 'sco' | 'asset';
}

export interface ScormPackageDoc {
  _id: string;
  organisationId: Types.ObjectId;
  title: string;
  language: 'pl' | 'en';
  scormVersion: '1.2' | '2004';
  schemaVersion: string;
  manifestIdentifier: string;
  revision: number;
  scos: ScormScoDoc[];
  files: Array<{ path: string; sha256: string; size: number }>;
  importedBy: { id: string; name: string };
  importedAt: Date;
}

export const ScormPackage = model('ScormPackage', scormPackageSchema);
