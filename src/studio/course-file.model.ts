// Binary course files (images, handouts, video) in the database: content-addressed, in chunks read by `_id` alone.
import { Schema, model } from 'mongoose';

// Not tenant-scoped on purpose: a file is named by its SHA-256, shared by every version (and every office) that
// uses it, and read only by `_id` when a version is laid out on disk. GridFS is not used because its chunk reads
// filter on `files_id`, which FerretDB answers by decoding the whole collection; `<sha256>:<n>` ids stay on the
// one lookup it pushes down, and MongoDB serves them as well.

/** One piece of a file's bytes; `_id` is `<sha256>:<index>`. */
const courseFileChunkSchema = new Schema({ _id: { type: String, required: true }, data: { type: Buffer, required: true } }, { versionKey: false });

/** A stored file; written after all its chunks, so a file whose record exists is whole. */
const courseFileSchema = new Schema(
  {
    /** The SHA-256 of the bytes, hex. */
    _id: { type: String, required: true },
    size: { type: Number, required: true },
    chunks: { type: Number, required: true },
    storedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export interface CourseFileDoc {
  _id: string;
  size: number;
  chunks: number;
  storedAt: Date;
}

export const CourseFileChunk = model('CourseFileChunk', courseFileChunkSchema);
export const CourseFile = model('CourseFile', courseFileSchema);
