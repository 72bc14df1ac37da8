// The office admin's /urzad/ustawienia: the identity form (multipart, for the herb) and the certificate preview.
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { AuditTrail } from '../audit/audit-trail.js';
import { requireRole } from '../auth/require-user.js';
import { renderPreviewCertificate } from '../certificates/certificate-preview.js';
import { noStore } from '../http/cache-control.js';
import { singleFileUpload, uploadedFile } from '../http/file-upload.js';
import { setFlash } from '../http/flash.js';
import { defineForm } from '../http/forms.js';
import { fieldErrorsOf } from '../http/validate.js';
import { checkEmblem, MAX_EMBLEM_BYTES, type EmblemProblem } from './office-emblem.js';
import { officeSettings, previewTemplate, updateOfficeSettings, type EmblemChange } from './office-settings.service.js';
import { OfficeSettingsBody, type OfficeSettingsInput } from './organisation.schemas.js';

const PATH = '/urzad/ustawienia';
const FIELDS = [
  'officialName',
  'logo',
  'signatoryName',
  'signatoryRole',
  'accentColour',
  'contactEmail',
  'contactPhone',
  'coordinatorName',
  'coordinatorEmail',
  'coordinatorPhone',
];

/** Adds "Ustawienia urzędu" to the header for admins. */
export function officeSettingsNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.roles.includes('admin')) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: PATH, label: req.t('organisations:settings.nav') });
  }
  next();
}

const settingsForm = defineForm({
  schema: OfficeSettingsBody,
  keep: FIELDS.filter((field) => field !== 'logo'),
  order: FIELDS,
  show: async (req, res, form) => {
    const settings = await officeSettings(req.user!.organisationId);
    res.render('organisations/settings', {
      title: req.t('organisations:settings.title'),
      ...form,
      logo: settings.logo,
      isAssociation: settings.kind === 'association',
    });
  },
});

/** The form's input and what to do with the herb, or the form shown again with every field problem (nothing stored). */
async function readSettings(req: Request, res: Response): Promise<{ input: OfficeSettingsInput; emblem: EmblemChange } | undefined> {
  const parsed = OfficeSettingsBody.safeParse(req.body);
  const fieldErrors = parsed.success ? {} : fieldErrorsOf(parsed.error);
  let emblem: EmblemChange = { action: 'keep' };
  // The herb is optional: only a file too large is a problem here; a broken body leaves the fields it could read
  // (the CSRF check before this handler has decided on them).
  const upload = uploadedFile(req, res);
  const problem: EmblemProblem | undefined = upload.problem === 'tooLarge' ? 'logoTooLarge' : undefined;
  if (problem) {
    fieldErrors.logo = [`organisations:errors.${problem}`];
  } else if (upload.file) {
    const checked = checkEmblem(upload.file.buffer);
    if ('problem' in checked) fieldErrors.logo = [`organisations:errors.${checked.problem}`];
    else emblem = { action: 'replace', emblem: checked };
  } else if (parsed.success && parsed.data.removeLogo) {
    emblem = { action: 'remove' };
  }
  if (!parsed.success || fieldErrors.logo) {
    await settingsForm.show(req, res, { status: problem === 'logoTooLarge' ? 413 : 400, values: req.body, fieldErrors });
    return undefined;
  }
  return { input: parsed.data, emblem };
}

/**
 * The two multipart posts, mounted BEFORE the app-wide CSRF check: that check reads the token from a parsed body,
 * and a multipart body is parsed only here. So each post is: signed-in admin → parse (size-limited) → the same
 * CSRF check (`csrfCheck`) → handler. The role comes first so that nobody else makes us parse an upload.
 */
export function officeSettingsUploadRouter(platform: { audit: AuditTrail; config: { BASE_URL: string } }, csrfCheck: RequestHandler): Router {
  const router = Router();
  const admin = requireRole('admin');
  const upload = singleFileUpload({ field: 'logo', maxBytes: MAX_EMBLEM_BYTES, maxFields: 20 });

  router.post(PATH, admin, upload, csrfCheck, async (req: Request, res: Response) => {
    const read = await readSettings(req, res);
    if (!read) return;
    const changed = await updateOfficeSettings(platform, req.user!.organisationId, read.input, read.emblem, { id: req.user!.id, fullName: req.user!.fullName });
    setFlash(req, changed.length ? 'success' : 'info', req.t(changed.length ? 'organisations:settings.saved' : 'organisations:settings.unchanged'));
    res.redirect(303, PATH);
  });

  router.post(`${PATH}/podglad`, admin, upload, csrfCheck, async (req: Request, res: Response) => {
    const read = await readSettings(req, res);
    if (!read) return;
    const template = await previewTemplate(req.user!.organisationId, read.input, read.emblem);
    const pdf = await renderPreviewCertificate(template, platform.config.BASE_URL);
    noStore(res);
    res.type('application/pdf').set('Content-Disposition', 'inline; filename="podglad-zaswiadczenia.pdf"').send(pdf);
  });
  return router;
}

/** The settings page itself (after the CSRF middleware, which gives it its token). */
export function officeSettingsRouter(): Router {
  const router = Router();
  router.get(PATH, requireRole('admin'), async (req, res) => {
    const settings = await officeSettings(req.user!.organisationId);
    await settingsForm.show(req, res, { values: settings.values });
  });
  return router;
}
