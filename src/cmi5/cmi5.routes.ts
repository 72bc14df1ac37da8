// cmi5 routes: the author's import page, the learner's AU list and launch, the one-time fetch URL (before sessions,
// open to the AU's origin), and the package files under their strict path.
import cors from 'cors';
import { Router, type Request, type Response } from 'express';
import { requireRole, requireUser } from '../auth/require-user.js';
import { noStore } from '../http/cache-control.js';
import { requireDatabase } from '../http/database-guard.js';
import { NotFoundError } from '../http/errors.js';
import { singleFileUpload, uploadedFile, uploadProblemStatus } from '../http/file-upload.js';
import { setFlash } from '../http/flash.js';
import { courseOfLearner } from '../learning/catalogue.service.js';
import { findEnrolment } from '../learning/enrolment.service.js';
import { sendToCoursePage } from '../learning/enrolment-gate.js';
import { courseUrl } from '../learning/learning.presenter.js';
import type { Platform } from '../platform.js';
import { packageFileOf, sendPackageFile } from '../scorm/scorm-files.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../studio/course-archive.js';
import { UPLOAD_PROBLEM_MESSAGES } from '../studio/studio.presenter.js';
import type { Cmi5Problem } from './cmi5-course-structure.js';
import { importCmi5Package } from './cmi5-import.service.js';
import { Cmi5Package, type Cmi5PackageDoc } from './cmi5-package.model.js';
import { auListUrl, auStatesOf, fetchAuthToken, launchAu } from './cmi5-runtime.js';
import { Cmi5Session } from './cmi5-session.model.js';
import { auListPage, cmi5ProblemLines } from './cmi5.presenter.js';
import { AuParams, CourseParams, FetchParams, LessonParams, PackageFileParams } from './cmi5.schemas.js';

const author = requireRole('author');
export const CMI5_IMPORT_URL = '/studio/cmi5';

function renderImportPage(req: Request, res: Response, state: { status?: number; problems?: Cmi5Problem[]; fileError?: string } = {}) {
  noStore(res);
  const errors: Record<string, string> = state.fileError ? { plik: String(req.t(state.fileError)) } : {};
  res.status(state.status ?? 200).render('cmi5/import', {
    title: req.t('cmi5:import.title'),
    problems: cmi5ProblemLines(state.problems ?? [], req.t),
    maxMb: Math.round(DEFAULT_ARCHIVE_LIMITS.maxTotalBytes / 1024 / 1024),
    errors,
    errorSummary: Object.entries(errors).map(([field, message]) => ({ field, message })),
  });
}

/** The platform's address as the learner's browser reached it: the AU calls the LRS and the fetch URL there. */
function originOf(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

/**
 * The fetch URL (cmi5 8.2.3), mounted before sessions and CSRF: the AU, possibly on another origin, POSTs to it once
 * (CORS open, no credentials) and gets its auth token; every answer is JSON, errors in the spec's shape.
 */
export function cmi5FetchRouter(platform: Platform): Router {
  const router = Router();
  const policy = cors({ origin: true, methods: ['POST'], maxAge: 600 });
  router.options('/cmi5/fetch/:sessionId/:secret', policy);
  router.post('/cmi5/fetch/:sessionId/:secret', policy, requireDatabase, async (req, res) => {
    noStore(res);
    const params = FetchParams.safeParse(req.params);
    if (!params.success) {
      res.json({ 'error-code': '3', 'error-text': 'Invalid fetch URL' });
      return;
    }
    res.json(await fetchAuthToken(platform, params.data.sessionId, params.data.secret));
  });
  return router;
}

/** The import's post, parsed before the app-wide CSRF middleware and then checked by it (author → multipart → CSRF → import). */
export function cmi5UploadRouter(platform: Platform, csrfCheck: (req: Request, res: Response, next: () => void) => void): Router {
  const router = Router();
  router.post(CMI5_IMPORT_URL, author, singleFileUpload({ field: 'plik', maxBytes: DEFAULT_ARCHIVE_LIMITS.maxTotalBytes }), csrfCheck, async (req: Request, res: Response) => {
    const { file, problem } = uploadedFile(req, res);
    if (problem) {
      renderImportPage(req, res, { status: uploadProblemStatus(problem), fileError: UPLOAD_PROBLEM_MESSAGES[problem] });
      return;
    }
    const imported = await importCmi5Package(platform, req.user!, file.buffer, platform.clock.now());
    if (!imported.ok) {
      renderImportPage(req, res, { status: 400, problems: imported.problems });
      return;
    }
    setFlash(req, 'success', req.t(imported.created ? 'cmi5:import.created' : 'cmi5:import.updated'));
    res.redirect(303, courseUrl(imported.courseId));
  });
  return router;
}

/** The AU list of a cmi5 course for an enrolled learner: each AU's status and its launch button. */
async function showAuList(platform: Platform, req: Request, res: Response) {
  const params = CourseParams.safeParse(req.params);
  if (!params.success) throw new NotFoundError('Nie znaleziono szkolenia.');
  const course = await courseOfLearner(platform, req.user!, params.data.courseId);
  if (!course.cmi5) throw new NotFoundError('Nie znaleziono szkolenia.');
  const enrolment = await findEnrolment(req.user!, course.id);
  if (!enrolment) {
    sendToCoursePage(req, res, course.id);
    return;
  }
  const pkg = await Cmi5Package.findById(course.cmi5.packageId).lean<Cmi5PackageDoc>();
  if (!pkg) throw new NotFoundError('Nie znaleziono szkolenia.');
  const states = await auStatesOf(enrolment, pkg);
  const launched = new Set(await Cmi5Session.distinct('auId', { organisationId: enrolment.organisationId, enrolmentId: enrolment._id }));
  noStore(res);
  res.render('cmi5/aus', { title: `${req.t('cmi5:aus.title')} – ${course.title}`, page: auListPage(course, pkg, states, launched, req.t) });
}

/** Launches the AU (a new session) and sends the learner to it (303): the AU runs in this window and returns by returnURL. */
async function launch(platform: Platform, req: Request, res: Response) {
  const params = AuParams.safeParse(req.params);
  if (!params.success) throw new NotFoundError('Nie znaleziono modułu.');
  const course = await courseOfLearner(platform, req.user!, params.data.courseId);
  if (!course.cmi5) throw new NotFoundError('Nie znaleziono modułu.');
  if (!(await findEnrolment(req.user!, course.id))) {
    sendToCoursePage(req, res, course.id);
    return;
  }
  const launched = await launchAu(platform, { learner: req.user!, course, auId: params.data.auId, origin: originOf(req) });
  noStore(res);
  res.redirect(303, launched.url);
}

/** A lesson of a cmi5 course is one of its AUs: its address leads to the AU list, at that AU. */
function lessonToAuList(platform: Platform, req: Request, res: Response, next: () => void) {
  const params = LessonParams.safeParse(req.params);
  if (!params.success || !platform.catalogue.get(params.data.courseId)?.cmi5) return next();
  res.redirect(303, `${auListUrl(params.data.courseId)}#${params.data.lessonId}`);
}

/** A package file, for a signed-in person the course is open to, only a file the package lists, typed, under the package CSP. */
async function servePackageFile(platform: Platform, req: Request, res: Response) {
  const params = PackageFileParams.safeParse(req.params);
  if (!params.success) throw new NotFoundError('Nie znaleziono pliku.');
  const { packageId, revision, file } = params.data;
  const course = await courseOfLearner(platform, req.user!, packageId);
  if (!course.cmi5) throw new NotFoundError('Nie znaleziono pliku.');
  const pkg = await Cmi5Package.findById(packageId).lean<Cmi5PackageDoc>();
  if (!pkg || pkg.revision !== revision) throw new NotFoundError('Nie znaleziono pliku.');
  const served = await packageFileOf(platform.config.DATA_DIR, pkg, file.join('/'));
  if (!served) throw new NotFoundError('Nie znaleziono pliku.');
  sendPackageFile(res, served, file[file.length - 1]);
}

/** The pages and the package files (after the CSRF middleware; before the learning router). */
export function cmi5Router(platform: Platform): Router {
  const router = Router();
  router.get(CMI5_IMPORT_URL, author, (req, res) => renderImportPage(req, res));
  router.get('/szkolenia/:courseId/moduly', requireUser, (req, res) => showAuList(platform, req, res));
  router.post('/szkolenia/:courseId/moduly/:auId/uruchom', requireUser, (req, res) => launch(platform, req, res));
  router.get('/szkolenia/:courseId/lekcje/:lessonId', requireUser, (req, res, next) => lessonToAuList(platform, req, res, next));
  router.get('/cmi5-pakiety/:packageId/:revision/*file', requireUser, (req, res) => servePackageFile(platform, req, res));
  return router;
}
