// Serves a course's images at /kursy-media/<courseId>/images/<file>, only from inside that course's images folder.
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../http/errors.js';
import type { CourseCatalogue } from './course-catalogue.js';

const MediaParams = z.object({
  courseId: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  // Express 5 hands the wildcard over as decoded segments; none may climb out or be hidden.
  file: z.array(z.string().regex(/^(?!\.)[^/\\\0]+$/)).min(1),
});

function sendCourseImage(catalogue: CourseCatalogue, req: Request, res: Response, next: NextFunction): void {
  const params = MediaParams.safeParse(req.params);
  const course = params.success ? catalogue.get(params.data.courseId) : undefined;
  if (!params.success || !course) {
    next(new NotFoundError());
    return;
  }
  // `root` makes send refuse anything outside the images folder even if a segment slipped through.
  res.sendFile(params.data.file.join('/'), { root: path.join(course.directory, 'images'), dotfiles: 'deny', maxAge: '1h' }, (error) => {
    if (error && !res.headersSent) next(new NotFoundError());
  });
}

/** GET /kursy-media/:courseId/images/*file (mounted before sessions: images need no session). */
export function courseMediaRouter(catalogue: CourseCatalogue): Router {
  const router = Router();
  router.get('/kursy-media/:courseId/images/*file', (req, res, next) => sendCourseImage(catalogue, req, res, next));
  return router;
}
