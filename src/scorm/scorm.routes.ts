// SCORM routes: the author's import page and the runtime's commit (JSON; both parsed before the app-wide CSRF check,
// then checked by it), the player page of a SCO, the package files under their strict path, and scorm-again served from the platform.
import path from 'node:path';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { requireRole, requireUser } from '../auth/require-user.js';
import { noStore } from '../http/cache-control.js';
import { AppError, NotFoundError } from '../http/errors.js';
import { singleFileUpload, uploadedFile, uploadProblemStatus } from '../http/file-upload.js';
import { setFlash } from '../http/flash.js';
import { inputOf, validate } from '../http/validate.js';
import { courseOfLearner } from '../learning/catalogue.service.js';
import { findEnrolment } from '../learning/enrolment.service.js';
import { sendToCoursePage } from '../learning/enrolment-gate.js';
import { courseUrl } from '../learning/learning.presenter.js';
import type { Platform } from '../platform.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../studio/course-archive.js';
import { UPLOAD_PROBLEM_MESSAGES } from '../studio/studio.presenter.js';
import { packageFileOf, sendPackageFile } from './scorm-files.js';
import { importScormPackage } from './scorm-import.service.js';
import type { ScormProblem } from './scorm-manifest.js';
import { ScormPackage, type ScormPackageDoc } from './scorm-package.model.js';
import { playerPage, problemLines } from './scorm.presenter.js';
import { commitCmi, launchSco } from './scorm-runtime.js';
import { CmiBody, CommitParams, PackageFileParams, ScoParams } from './scorm.schemas.js';

const author = requireRole('author');
export const SCORM_IMPORT_URL = '/studio/scorm';
const RUNTIME_FILE = path.resolve('node_modules/scorm-again/dist/scorm-again.min.js');

/**
 * scorm-again, served by the platform itself (no CDN) as a public static asset, like public/: mounted with the
 * assets, before sessions (`app.use('/assets/vendor/scorm-again.js', …)`); only GET and HEAD.
 */
export function scormRuntimeAsset(maxAge: string | number): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/') return next();
    res.type('text/javascript').sendFile(RUNTIME_FILE, { maxAge });
  };
}

function renderImportPage(req: Request, res: Response, state: { status?: number; problems?: ScormProblem[]; fileError?: string } = {}) {
  noStore(res);
  const errors: Record<string, string> = state.fileError ? { plik: String(req.t(state.fileError)) } : {};
  res.status(state.status ?? 200).render('scorm/import', {
    title: req.t('scorm:import.title'),
    problems: problemLines(state.problems ?? [], req.t),
    maxMb: Math.round(DEFAULT_ARCHIVE_LIMITS.maxTotalBytes / 1024 / 1024),
    errors,
    errorSummary: Object.entries(errors).map(([field, message]) => ({ field, message })),
  });
}

/**
 * The posts parsed before the app-wide CSRF middleware, then checked by it: the import (author → multipart, limited →
 * CSRF → import) and the runtime's commit (JSON, whose last one at LMSFinish / Terminate is a beacon: no header can
 * carry the token, so it comes as the body's `_csrf`, readable only once the JSON is parsed).
 */
export function scormUploadRouter(platform: Platform, csrfCheck: RequestHandler): Router {
  const router = Router();
  router.post(
    '/szkolenia/:courseId/scorm/:scoId/cmi',
    requireUser,
    express.json({ limit: '300kb', type: ['application/json', 'text/plain'] }),
    csrfCheck,
    validate(CommitParams, 'params'),
    (req, res) => commit(platform, req, res),
  );
  router.post(SCORM_IMPORT_URL, author, singleFileUpload({ field: 'plik', maxBytes: DEFAULT_ARCHIVE_LIMITS.maxTotalBytes }), csrfCheck, async (req: Request, res: Response) => {
    const { file, problem } = uploadedFile(req, res);
    if (problem) {
      renderImportPage(req, res, { status: uploadProblemStatus(problem), fileError: UPLOAD_PROBLEM_MESSAGES[problem] });
      return;
    }
    const imported = await importScormPackage(platform, req.user!, file.buffer, platform.clock.now());
    if (!imported.ok) {
      renderImportPage(req, res, { status: 400, problems: imported.problems });
      return;
    }
    setFlash(req, 'success', req.t(imported.created ? 'scorm:import.created' : 'scorm:import.updated'));
    res.redirect(303, courseUrl(imported.courseId));
  });
  return router;
}

/** The commit's answer in the shape scorm-again reads (`result`, `errorCode`); a refusal is JSON too, never a page. */
async function commit(platform: Platform, req: Request, res: Response) {
  noStore(res);
  try {
    const { courseId, scoId } = inputOf<CommitParams>(res, 'params');
    // The CSRF token came in the body (a beacon has no headers) and was checked before; it is no CMI element.
    const { _csrf: _token, ...cmi } = (req.body ?? {}) as Record<string, unknown>;
    const body = CmiBody.safeParse(cmi);
    if (!body.success) {
      res.status(400).json({ result: false, errorCode: 101, error: 'invalid_cmi' });
      return;
    }
    const course = await courseOfLearner(platform, req.user!, courseId);
    const outcome = await commitCmi(platform, { learner: req.user!, course, scoId, cmi: body.data });
    res.json({ result: true, errorCode: 0, status: outcome.status, coursePassed: outcome.coursePassed });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    res.status(error.status).json({ result: false, errorCode: 101, error: error.code });
  }
}

/** The SCO's player page, for a lesson of a SCORM course; any other course's lesson goes on to the native player. */
async function showPlayer(platform: Platform, req: Request, res: Response, next: () => void) {
  const params = ScoParams.safeParse(req.params);
  if (!params.success) return next();
  const course = await courseOfLearner(platform, req.user!, params.data.courseId);
  if (!course.scorm) return next();
  if (!(await findEnrolment(req.user!, course.id))) {
    sendToCoursePage(req, res, course.id);
    return;
  }
  const launch = await launchSco(platform, { learner: req.user!, course, scoId: params.data.lessonId });
  noStore(res);
  res.render('scorm/player', { title: `${launch.lesson.title} – ${course.title}`, page: playerPage(course, launch, req.t) });
}

/**
 * A package file, only for a signed-in person the course is open to (or enrolled on), only a file the package lists
 * (scorm-files.ts), with its fixed type, never sniffed, under the package's own CSP: framed by the player only.
 */
async function servePackageFile(platform: Platform, req: Request, res: Response) {
  const params = PackageFileParams.safeParse(req.params);
  if (!params.success) throw new NotFoundError('Nie znaleziono pliku.');
  const { packageId, revision, file } = params.data;
  const course = await courseOfLearner(platform, req.user!, packageId);
  if (!course.scorm) throw new NotFoundError('Nie znaleziono pliku.');
  const pkg = await ScormPackage.findById(packageId).lean<ScormPackageDoc>();
  if (!pkg || pkg.revision !== revision) throw new NotFoundError('Nie znaleziono pliku.');
  const served = await packageFileOf(platform.config.DATA_DIR, pkg, file.join('/'));
  if (!served) throw new NotFoundError('Nie znaleziono pliku.');
  sendPackageFile(res, served, file[file.length - 1]);
}

/** The pages and the package files (after the CSRF middleware). */
export function scormRouter(platform: Platform): Router {
  const router = Router();
  router.get(SCORM_IMPORT_URL, author, (req, res) => renderImportPage(req, res));
  // Before the learning router: a SCORM course's lesson is its SCO's player.
  router.get('/szkolenia/:courseId/lekcje/:lessonId', requireUser, (req, res, next) => showPlayer(platform, req, res, next));
  // A SCORM course has no final test: its address leads back to the course page.
  router.get('/scorm-pakiety/:packageId/:revision/*file', requireUser, (req, res) => servePackageFile(platform, req, res));
  return router;
}
