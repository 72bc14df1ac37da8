// Serves a course version's media (images, handouts, video) at /kursy-media/<courseId>/<version>/<folder>/<file>: only files the loader checked.
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../http/errors.js';
import type { CourseCatalogue } from './course-catalogue.js';
import type { Course } from './course.types.js';
import { COURSE_MEDIA_FOLDERS, isCourseMediaPath } from './course-file-check.js';

const CourseId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);

const VersionedParams = z.object({
  courseId: CourseId,
  // Compared for equality with the course's version; the pattern only keeps junk out of the lookup.
  version: z
    .string()
    .max(100)
    .regex(/^[0-9A-Za-z.+-]+$/),
  folder: z.enum(COURSE_MEDIA_FOLDERS),
  // Express 5 hands the wildcard over as decoded segments: `schematy/schemat.png`, no dot-dot, no hidden file.
  file: z
    .array(z.string())
    .min(1)
    .transform((segments) => segments.join('/'))
    .refine(isCourseMediaPath),
});

const LegacyImageParams = z.object({
  courseId: CourseId,
  // Express 5 hands the wildcard over as decoded segments; none may climb out or be hidden.
  file: z.array(z.string().regex(/^(?!\.)[^/\\\0]+$/)).min(1),
});

/**
 * Headers of every reply under /kursy-media, a 404 included: the browser takes the type we send (checked by
 * course-file-check.ts) and never runs anything it finds in a course file opened on its own.
 */
function mediaHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  next();
}

/** Sends `<folder>/<file>` of `course` if the loader checked it, with its type; handouts as downloads. */
function sendMedia(course: Course, folder: string, file: string, cache: { immutable: boolean }, res: Response, next: NextFunction): void {
  const checked = course.media?.[`${folder}/${file}`];
  if (!checked) {
    next(new NotFoundError());
    return;
  }
  // attachment() names the file (RFC 6266 encoding) and guesses a type from it, which the checked type then replaces.
  if (folder === 'handouts') res.attachment(path.posix.basename(file));
  res.setHeader('Content-Type', checked.contentType);
  // `root` makes send refuse anything outside the folder even if a segment slipped through; send also answers
  // Range requests (206), which a video player relies on to seek.
  const options = cache.immutable ? { maxAge: '365d', immutable: true } : { maxAge: '1h' };
  res.sendFile(file, { root: path.join(course.directory, folder), dotfiles: 'deny', ...options }, (error) => {
    if (!error || res.headersSent) return;
    // The 404 page is HTML, not the file's type, and nothing to save.
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Disposition');
    next(new NotFoundError());
  });
}

/**
 * GET /kursy-media/:courseId/:version/:folder/*file (cached for good: a version's files never change), and the
 * older GET /kursy-media/:courseId/images/*file that pages rendered before versioned URLs still link to. Mounted
 * before sessions: media need no session.
 */
export function courseMediaRouter(catalogue: CourseCatalogue): Router {
  const router = Router();
  router.use('/kursy-media', mediaHeaders);
  router.get('/kursy-media/:courseId/images/*file', (req, res, next) => {
    const params = LegacyImageParams.safeParse(req.params);
    const course = params.success ? catalogue.get(params.data.courseId) : undefined;
    if (!params.success || !course) {
      next(new NotFoundError());
      return;
    }
    sendMedia(course, 'images', params.data.file.join('/'), { immutable: false }, res, next);
  });
  router.get('/kursy-media/:courseId/:version/:folder/*file', (req, res, next) => {
    const params = VersionedParams.safeParse(req.params);
    const course = params.success ? catalogue.version(params.data.courseId, params.data.version) : undefined;
    if (!params.success || !course) {
      next(new NotFoundError());
      return;
    }
    sendMedia(course, params.data.folder, params.data.file, { immutable: true }, res, next);
  });
  return router;
}
