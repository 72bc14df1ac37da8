// Importing people from CSV or XLSX under /kadry/osoby/import: upload, dry run, import.
import type { Request, Response } from 'express';
import { Router } from 'express';
import { requireRole } from '../auth/require-user.js';
import { singleFileUpload, type UploadProblem } from '../http/file-upload.js';
import { setFlash } from '../http/flash.js';
import { noStore } from '../http/cache-control.js';
import { inputOf, objectId, validate } from '../http/validate.js';
import { z } from 'zod';
import type { Platform } from '../platform.js';
import { IMPORT_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, PeopleFileError, type FileProblem } from './people-file.js';
import { reviewImport, runImport, uploadPeopleFile } from './people-import.service.js';
import { presentImportPlan } from './people.presenter.js';

const ImportParams = z.object({ importId: objectId('Nie znaleziono importu.') });
const UPLOAD_PATH = '/kadry/osoby/import';
const hr = requireRole('hr', 'admin');

/**
 * The file of the upload form, in memory (5 MB at most). Mounted BEFORE the CSRF check, and only for signed-in
 * HR and admins: the CSRF middleware reads the token from req.body, which for a multipart form exists only once
 * multer has parsed it. The check itself then runs as for every form (the route is in the main router, after
 * it); the form puts `_csrf` before the file, so even a too-large file leaves the token parsed.
 */
export function peopleImportUpload(): Router {
  const router = Router();
  router.post(UPLOAD_PATH, hr, singleFileUpload({ field: 'plik', maxBytes: MAX_IMPORT_BYTES }));
  return router;
}

function renderUploadForm(req: Request, res: Response, problem?: FileProblem, params: Record<string, unknown> = {}): void {
  noStore(res);
  const message = problem ? req.t(`people:import.fileProblems.${problem}`, { maxRows: MAX_IMPORT_ROWS, maxMb: MAX_IMPORT_BYTES / 1024 / 1024, ...params }) : undefined;
  res.status(problem ? (problem === 'tooLarge' ? 413 : 400) : 200).render('people/import', {
    title: req.t('people:import.title'),
    errors: message ? { plik: message } : {},
    errorSummary: message ? [{ field: 'plik', message }] : [],
    maxRows: MAX_IMPORT_ROWS,
    maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
    columns: Object.entries(IMPORT_COLUMNS).map(([key, names]) => ({
      label: req.t(`people:import.columns.${key}`),
      headers: names.join(' / '),
      hint: req.t(`people:import.columnHints.${key}`),
    })),
  });
}

/** The import pages (mounted with the other page routers, after the CSRF check). */
export function peopleImportRouter(platform: Platform): Router {
  const router = Router();
  const params = validate(ImportParams, 'params');

  router.get(UPLOAD_PATH, hr, (req, res) => renderUploadForm(req, res));

  router.post(UPLOAD_PATH, hr, async (req, res) => {
    // A broken or too-large upload; a missing or empty file is the service's to name (noFile, empty).
    const problem = res.locals.uploadProblem as UploadProblem | undefined;
    if (problem) {
      renderUploadForm(req, res, problem);
      return;
    }
    try {
      // The browser sends the file name in Latin-1 bytes of UTF-8 text (busboy's default): turned back to UTF-8.
      const fileName = req.file ? Buffer.from(req.file.originalname, 'latin1').toString('utf8') : '';
      const { importId } = await uploadPeopleFile(req.user!, { bytes: req.file?.buffer, fileName });
      res.redirect(303, `${UPLOAD_PATH}/${importId}`);
    } catch (error) {
      if (!(error instanceof PeopleFileError)) throw error;
      renderUploadForm(req, res, error.problem, error.params);
    }
  });

  router.get(`${UPLOAD_PATH}/:importId`, hr, params, async (req, res) => {
    const plan = await reviewImport(req.user!, inputOf<{ importId: string }>(res, 'params').importId);
    noStore(res);
    res.render('people/import-review', { title: req.t('people:import.reviewTitle'), plan: presentImportPlan(plan, req.t, req.language) });
  });

  router.post(`${UPLOAD_PATH}/:importId`, hr, params, async (req, res) => {
    const result = await runImport(platform, req.user!, inputOf<{ importId: string }>(res, 'params').importId);
    if (result.alreadyImported) setFlash(req, 'info', req.t('people:import.alreadyImported'));
    else setFlash(req, 'success', req.t('people:import.done', { ...result }));
    res.redirect(303, '/kadry/osoby');
  });

  return router;
}
