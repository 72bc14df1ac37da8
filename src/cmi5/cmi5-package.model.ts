// Cmi5Package: an imported cmi5 course — its AUs in course order, its blocks, and its files (bytes in the course file store).
import { Schema, model, type Types } from 'mongoose';
import { LAUNCH_METHODS, MOVE_ON, type StructureAu, type StructureBlock } from './cmi5-course-structure.js';

// Not tenant-scoped, like a SCORM package (scorm/scorm-package.model.ts): course content its owner may share, read
// by `_id` or whole by the start-up scan that serves it; who may see it is the sharing policy's question.

const auSchema = new Schema(
  {
    /** The lesson id of the AU in the catalogue (au-1, au-2…), in the course structure's order. */
    id: { type: String, required: true },
    iri: { type: String, required: true },
    title: { type: String, required: true },
    url: { type: String, required: true },
    query: { type: String, default: '' },
    absolute: { type: Boolean, required: true },
    moveOn: { type: String, enum: MOVE_ON, required: true },
    masteryScore: { type: Number },
    launchMethod: { type: String, enum: LAUNCH_METHODS, required: true },
    launchParameters: { type: String },
    entitlementKey: { type: String },
    blockIris: { type: [String], default: [] },
  },
  { _id: false },
);

const blockSchema = new Schema(
  {
    iri: { type: String, required: true },
    title: { type: String, required: true },
    parentIri: { type: String },
    auIris: { type: [String], default: [] },
  },
  { _id: false },
);

const cmi5PackageSchema = new Schema(
  {
    /** The course id in the catalogue: `cmi5-` and a slug of the course structure's course id. */
    _id: { type: String, required: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    /** The course's IRI in cmi5.xml (the object of the course's `satisfied`). */
    courseIri: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    language: { type: String, enum: ['pl', 'en'], default: 'pl' },
    /** Counts imports: the served files sit under it, and each import is a new course version 1.0.N. */
    revision: { type: Number, required: true },
    aus: { type: [auSchema], required: true },
    blocks: { type: [blockSchema], default: [] },
    files: { type: [new Schema({ path: String, sha256: String, size: Number }, { _id: false })], required: true },
    importedBy: { type: new Schema({ id: { type: String, required: true }, name: { type: String, required: true } }, { _id: false }), required: true },
    importedAt: { type: Date, required: true },
  },
  { timestamps: false },
);

/** An AU as stored: the course structure's AU with the platform's id for it (`au-<position>`). */
export interface Cmi5AuDoc extends StructureAu {
  id: string;
}

/** A block as stored: the course structure's, unchanged. */
export type Cmi5BlockDoc = StructureBlock;

export interface Cmi5PackageDoc {
  _id: string;
  organisationId: Types.ObjectId;
  courseIri: string;
  title: string;
  description: string;
  language: 'pl' | 'en';
  revision: number;
  aus: Cmi5AuDoc[];
  blocks: Cmi5BlockDoc[];
  files: Array<{ path: string; sha256: string; size: number }>;
  importedBy: { id: string; name: string };
  importedAt: Date;
}

export const Cmi5Package = model('Cmi5Package', cmi5PackageSchema);
