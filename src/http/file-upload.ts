// One file from a multipart form, parsed into memory: the one way the platform takes an upload.
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';

/** What can be wrong with an upload before its content is looked at. */
export type UploadProblem = 'noFile' | 'tooLarge';

export interface FileUploadOptions {
  /** The form field holding the file. */
  field: string;
  maxBytes: number;
  /** How many plain fields the form has at most (`_csrf` among them). */
  maxFields?: number;
}

/**
 * Parses one uploaded file into memory, size-limited. Every upload error becomes an UploadProblem read by
 * uploadedFile(): multer's own (limits) and the parser's (no boundary, a truncated or malformed body) alike —
 * with memory storage nothing else can fail here, and a broken form is the sender's mistake, never a 500.
 * Forms put `_csrf` before the file, so even a too-large file leaves the token parsed for the CSRF check,
 * which therefore runs after this middleware.
 */
export function singleFileUpload({ field, maxBytes, maxFields = 5 }: FileUploadOptions): RequestHandler {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: maxFields, parts: maxFields + 1, fieldSize: 4096 } }).single(field);
  return (req, res, next) => {
    upload(req, res, (error?: unknown) => {
      if (error) {
        res.locals.uploadProblem = (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE' ? 'tooLarge' : 'noFile') satisfies UploadProblem;
        delete req.file;
      }
      req.body ??= {};
      next();
    });
  };
}

/** The file singleFileUpload() parsed, or why there is none (a missing or empty file is `noFile`). */
export function uploadedFile(req: Request, res: Response): { file: Express.Multer.File; problem?: undefined } | { file?: undefined; problem: UploadProblem } {
  const problem = res.locals.uploadProblem as UploadProblem | undefined;
  if (problem) return { problem };
  if (!req.file || req.file.size === 0) return { problem: 'noFile' };
  return { file: req.file };
}

/** The HTTP status for an upload problem: 413 for a file too large, 400 otherwise. */
export function uploadProblemStatus(problem: string): number {
  return problem === 'tooLarge' ? 413 : 400;
}
