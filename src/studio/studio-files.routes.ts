// The studio's uploads: a draft's media files (upload, list, remove, serve to its authors) and importing a course zip.
// The two multipart posts are mounted before the app-wide CSRF check and run the same check after parsing (app.ts).
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/require-user.js';
import { COURSE_MEDIA_FOLDERS } from '../courses/course-file-check.js';
import { noStore } from '../http/cache-control.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { singleFileUpload, uploadedFile, uploadProblemStatus } from '../http/file-upload.js';
import { setFlash } from '../http/flash.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { importCourseArchive } from './studio-archive.service.js';
import { addDraftMedia, draftMediaFile, draftMediaOf, removeDraftMedia } from './studio-media.service.js';
import { courseHeading, studioUrl, UPLOAD_PROBLEM_MESSAGES } from './studio.presenter.js';
import { StudioCourseParams } from './studio.schemas.js';
import { studioCourseOf } from './studio.service.js';
import { DEFAULT_ARCHIVE_LIMITS } from './course-archive.js';

const author = requireRole('author');
/** The largest upload: a 200 MB video (course-file-check.ts) with room for the form's other fields. */
const MAX_UPLOAD_BYTES = 201 * 1024 * 1024;

const UploadBody = z.object({
  folder: z.enum(COURSE_MEDIA_FOLDERS, { error: 'studio:errors.folder' }),
  altText: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z
      .string()
      .trim()
      .max(300, { error: 'studio:errors.tooLong' })
      .regex(/^[^\r\n]*$/, { error: 'studio:errors.oneLine' })
      .optional(),
  ),
});
const FileQuery = z.object({
  plik: z
    .string()
    .max(300)
    .regex(/^(images|handouts|video)\/[a-z0-9][a-z0-9/_.-]*$/, { error: 'Nie znaleziono pliku.' }),
});
const ServedFileParams = StudioCourseParams.extend({ folder: z.enum(COURSE_MEDIA_FOLDERS), file: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/)).min(1) });

function formErrors(req: Request, fieldErrors: Record<string, string[]>) {
  const errors = Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, req.t(messages[0])]));
  return { errors, errorSummary: Object.entries(errors).map(([field, message]) => ({ field, message })) };
}

async function renderFilesPage(req: Request, res: Response, state: { status?: number; fieldErrors?: Record<string, string[]>; pasted?: string } = {}) {
  const { courseId } = inputOf<StudioCourseParams>(res, 'params');
  const course = await studioCourseOf(req.user!, courseId);
  // What was typed comes back after a refusal (text fields only; the file is never echoed).
  const body = (req.body ?? {}) as Record<string, unknown>;
  const typed = { folder: typeof body.folder === 'string' ? body.folder : undefined, altText: typeof body.altText === 'string' ? body.altText.slice(0, 300) : undefined };
  noStore(res);
  res.status(state.status ?? 200).render('studio/files', {
    title: req.t('studio:files.title'),
    ...courseHeading(course),
    files: draftMediaOf(course.files).map((file) => ({
      ...file,
      href: `${studioUrl(courseId, '/pliki/')}${file.path}`,
      removeHref: `${studioUrl(courseId, '/pliki-usun')}?plik=${encodeURIComponent(file.path)}`,
      sizeLabel: `${Math.max(1, Math.round(file.size / 1024))} kB`,
      folderLabel: req.t(`studio:files.folders.${file.folder}`),
    })),
    folders: COURSE_MEDIA_FOLDERS.map((folder) => ({ value: folder, label: req.t(`studio:files.folders.${folder}`), checked: (typed.folder ?? 'images') === folder })),
    altText: typed.altText ?? '',
    pasted: state.pasted,
    ...formErrors(req, state.fieldErrors ?? {}),
  });
}

function renderImportPage(req: Request, res: Response, state: { status?: number; problems?: { where: string; message: string }[]; fieldErrors?: Record<string, string[]> } = {}) {
  noStore(res);
  res.status(state.status ?? 200).render('studio/import', {
    title: req.t('studio:import.title'),
    problems: state.problems ?? [],
    maxMb: Math.round(DEFAULT_ARCHIVE_LIMITS.maxTotalBytes / 1024 / 1024),
    ...formErrors(req, state.fieldErrors ?? {}),
  });
}

/** The multipart posts (before the app-wide CSRF middleware): author → parse (limited) → the same CSRF check → handler. */
export function studioUploadRouter(platform: Platform, csrfCheck: RequestHandler): Router {
  const router = Router();
  router.post('/studio/import', author, singleFileUpload({ field: 'plik', maxBytes: DEFAULT_ARCHIVE_LIMITS.maxTotalBytes }), csrfCheck, async (req: Request, res: Response) => {
    const { file, problem } = uploadedFile(req, res);
    if (problem) {
      renderImportPage(req, res, { status: uploadProblemStatus(problem), fieldErrors: { plik: [UPLOAD_PROBLEM_MESSAGES[problem]] } });
      return;
    }
    const imported = await importCourseArchive(platform, req.user!, file.buffer);
    if (!imported.ok) {
      renderImportPage(req, res, { status: 400, problems: imported.problems.map((error) => ({ where: `${error.file}:${error.line}`, message: error.message })) });
      return;
    }
    setFlash(req, 'success', req.t(imported.created ? 'studio:import.created' : 'studio:import.updated'));
    res.redirect(303, studioUrl(imported.courseId));
  });

  router.post(
    '/studio/:courseId/pliki',
    author,
    singleFileUpload({ field: 'plik', maxBytes: MAX_UPLOAD_BYTES, maxFields: 10 }),
    csrfCheck,
    validate(StudioCourseParams, 'params'),
    async (req: Request, res: Response) => {
      const { file, problem } = uploadedFile(req, res);
      const body = UploadBody.safeParse(req.body);
      if (problem || !body.success) {
        const fieldErrors: Record<string, string[]> = body.success ? {} : Object.fromEntries(body.error.issues.map((issue) => [String(issue.path[0]), [issue.message]]));
        if (problem) fieldErrors.plik = [UPLOAD_PROBLEM_MESSAGES[problem]];
        await renderFilesPage(req, res, { status: problem ? uploadProblemStatus(problem) : 400, fieldErrors });
        return;
      }
      const { courseId } = inputOf<StudioCourseParams>(res, 'params');
      try {
        const added = await addDraftMedia(req.user!, courseId, { folder: body.data.folder, originalName: file.originalname, bytes: file.buffer, altText: body.data.altText });
        setFlash(req, 'success', req.t('studio:files.added', { markdown: added.markdown }));
        res.redirect(303, studioUrl(courseId, '/pliki'));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        await renderFilesPage(req, res, { status: 400, fieldErrors: error.fieldErrors });
      }
    },
  );
  return router;
}

/** The files pages and the draft's media served to its authors (after the CSRF middleware). */
export function studioFilesRouter(platform: Platform): Router {
  const router = Router();
  router.get('/studio/import', author, (req, res) => renderImportPage(req, res));
  router.get('/studio/:courseId/pliki', author, validate(StudioCourseParams, 'params'), (req, res) => renderFilesPage(req, res));
  router.get('/studio/:courseId/pliki-usun', author, validate(StudioCourseParams, 'params'), validate(FileQuery, 'query'), async (req, res) => {
    const { courseId } = inputOf<StudioCourseParams>(res, 'params');
    const { plik } = inputOf<{ plik: string }>(res, 'query');
    const course = await studioCourseOf(req.user!, courseId);
    if (!draftMediaOf(course.files).some((file) => file.path === plik)) throw new NotFoundError('Nie znaleziono pliku.');
    res.render('studio/confirm-remove', {
      title: req.t('studio:files.removeTitle'),
      question: req.t('studio:files.removeQuestion', { file: plik }),
      action: `${studioUrl(courseId, '/pliki-usun')}?plik=${encodeURIComponent(plik)}`,
      back: studioUrl(courseId, '/pliki'),
    });
  });
  router.post('/studio/:courseId/pliki-usun', author, validate(StudioCourseParams, 'params'), validate(FileQuery, 'query'), async (req, res) => {
    const { courseId } = inputOf<StudioCourseParams>(res, 'params');
    await removeDraftMedia(req.user!, courseId, inputOf<{ plik: string }>(res, 'query').plik);
    setFlash(req, 'success', req.t('studio:files.removed'));
    res.redirect(303, studioUrl(courseId, '/pliki'));
  });
  // A draft's media for its own authors' previews: the checked type, never sniffed, never run (sandbox), downloads for handouts.
  router.get('/studio/:courseId/pliki/:folder/*file', author, async (req, res, next) => {
    const params = ServedFileParams.safeParse(req.params);
    if (!params.success) {
      next(new NotFoundError('Nie znaleziono pliku.'));
      return;
    }
    const { courseId, folder, file } = params.data;
    const served = await draftMediaFile(platform.config.DATA_DIR, req.user!, courseId, `${folder}/${file.join('/')}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
    if (folder === 'handouts') res.attachment(file[file.length - 1]);
    res.setHeader('Content-Type', served.contentType);
    if (served.text !== undefined) {
      res.send(served.text);
      return;
    }
    res.sendFile(served.diskPath!);
  });
  return router;
}
