// Stores and reads the binary files of courses (course-file.model.ts), with a copy on disk under DATA_DIR as a cache.
import { createHash } from 'node:crypto';
import { access, copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDuplicateKeyError } from '../db/database-errors.js';
import { CourseFile, CourseFileChunk, type CourseFileDoc } from './course-file.model.js';

/** 1 MiB: far below the 16 MB document limit, and a 200 MB video is 200 reads by `_id`. */
const CHUNK_BYTES = 1024 * 1024;

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicateKeyError(error)) throw error;
}

/**
 * Stores a file once (the same bytes again are the same file) and returns its SHA-256. Chunks first, the record
 * last: a process that dies in between leaves chunks nobody names, and the next store of the same bytes completes it.
 */
export async function storeCourseFile(bytes: Buffer): Promise<string> {
  const sha256 = sha256Of(bytes);
  if (await CourseFile.exists({ _id: sha256 })) return sha256;
  const chunks = Math.max(1, Math.ceil(bytes.length / CHUNK_BYTES));
  for (let index = 0; index < chunks; index += 1) {
    // One insert per chunk: a batch of 1 MiB chunks could pass the 48 MB message limit.
    await CourseFileChunk.create({ _id: `${sha256}:${index}`, data: bytes.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES) }).catch(ignoreDuplicate);
  }
  await CourseFile.create({ _id: sha256, size: bytes.length, chunks, storedAt: new Date() }).catch(ignoreDuplicate);
  return sha256;
}

/** The bytes of a stored file, or undefined when there is no such file. */
export async function readCourseFile(sha256: string): Promise<Buffer | undefined> {
  const file = await CourseFile.findById(sha256).lean<CourseFileDoc>();
  if (!file) return undefined;
  const parts: Buffer[] = [];
  for (let index = 0; index < file.chunks; index += 1) {
    const chunk = await CourseFileChunk.findById(`${sha256}:${index}`).lean<{ data: { buffer: Buffer } | Buffer }>();
    if (!chunk) throw new Error(`course file ${sha256} is missing chunk ${index}`);
    parts.push(bufferOf(chunk.data));
  }
  const bytes = Buffer.concat(parts);
  if (sha256Of(bytes) !== sha256) throw new Error(`course file ${sha256} does not match its hash`);
  return bytes;
}

/** A lean read gives a BSON Binary, not a Buffer. */
function bufferOf(data: { buffer: Buffer } | Buffer): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer);
}

/**
 * The path of a stored file's copy on disk, DATA_DIR/course-files/<sha256>, made from the database when missing. The
 * bytes never change, so a copy once there is always right; it is written under a temporary name and renamed, so a
 * half-written copy is never used.
 */
export async function cachedCourseFile(dataDir: string, sha256: string): Promise<string> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a course file hash: ${sha256}`);
  const cached = path.join(dataDir, 'course-files', sha256);
  try {
    await access(cached);
    return cached;
  } catch {
    // Not cached yet: read it from the database below.
  }
  const bytes = await readCourseFile(sha256);
  if (!bytes) throw new Error(`course file ${sha256} is not stored`);
  await mkdir(path.dirname(cached), { recursive: true });
  const temporary = `${cached}.${process.pid}.${Date.now()}.part`;
  await writeFile(temporary, bytes);
  await rename(temporary, cached);
  return cached;
}

/** Writes a stored file to `target` (through the cache). */
export async function writeCourseFileTo(dataDir: string, sha256: string, target: string): Promise<void> {
  await copyFile(await cachedCourseFile(dataDir, sha256), target);
}

/** Reads a file of a folder (for storing it). */
export async function readFolderFile(folder: string, relative: string): Promise<Buffer> {
  return readFile(path.join(folder, ...relative.split('/')));
}
