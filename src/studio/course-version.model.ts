// Published course versions: the files of one version of a course, frozen once published; `_id` is `<id>@<version>`.
import { Schema, model } from 'mongoose';

// Not tenant-scoped on purpose: a published version is shared content (an association's course is served to all
// its member offices) and is read only by `_id` or by the start-up scan that builds the catalogue; who may see a
// course is the sharing policy's question (PublishedCourse.sharing), not a query filter's.

/** One file of a course in the format's layout; drafts (studio-course.model.ts) keep their files the same way. */
export const courseVersionFileSchema = new Schema(
  {
    /** Path inside the course folder, with `/`: course.yaml, lessons/01-wstep.md, images/schemat.png … */
    path: { type: String, required: true },
    /** Text files (YAML, Markdown, WebVTT) are kept as text, so a diff and an export read them directly. */
    text: { type: String },
    /** Binary files are in the course file store (course-files.ts), named by their SHA-256. */
    sha256: { type: String },
    size: { type: Number, required: true },
    /** Media uploaded in the studio: the type its check found (course-file-check.ts), sent when the file is served. */
    contentType: { type: String },
  },
  { _id: false },
);

const personRefSchema = new Schema({ id: { type: String, required: true }, name: { type: String, required: true } }, { _id: false });

const courseVersionSchema = new Schema(
  {
    _id: { type: String, required: true },
    courseId: { type: String, required: true },
    version: { type: String, required: true },
    /** folder: imported at start from COURSES_DIR (git is its history); studio: published in the browser. */
    source: { type: String, enum: ['folder', 'studio'], required: true },
    files: { type: [courseVersionFileSchema], default: [] },
    /** SHA-256 over the sorted paths and contents: the same files give the same hash (a folder changed in place shows). */
    contentHash: { type: String, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: personRefSchema },
    /** "Zmiana stanu prawnego": holders of certificates for older versions must re-certify. */
    legalChange: { type: Boolean, default: false },
    /** What changed, in the author's words (shown to learners and HR with the legal change). */
    changeNote: { type: String },
  },
  { versionKey: false },
);

export interface CourseVersionFile {
  path: string;
  text?: string;
  sha256?: string;
  size: number;
  /** Media uploaded in the studio: the type its check found. */
  contentType?: string;
}

export interface CourseVersionDoc {
  _id: string;
  courseId: string;
  version: string;
  source: 'folder' | 'studio';
  files: CourseVersionFile[];
  contentHash: string;
  publishedAt: Date;
  publishedBy?: { id: string; name: string };
  legalChange: boolean;
  changeNote?: string;
}

export function courseVersionId(courseId: string, version: string): string {
  return `${courseId}@${version}`;
}

export const CourseVersion = model('CourseVersion', courseVersionSchema);
