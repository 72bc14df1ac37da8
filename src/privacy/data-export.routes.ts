// /konto/moje-dane: the person asks for their data, sees when it is ready, and downloads it (theirs only, until it expires).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireUser } from '../auth/require-user.js';
import { formatDateTime } from '../calendar/calendar.js';
import { noStore } from '../http/cache-control.js';
import { NotFoundError } from '../http/errors.js';
import { setFlash } from '../http/flash.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { dataExportOf, downloadDataExport, EXPORT_VALID_DAYS, requestDataExport } from './data-export.service.js';

const PATH = '/konto/moje-dane';
const TokenParams = z.object({ token: z.string().regex(/^[0-9a-f]{48}$/, { message: 'Nieprawidłowy adres pliku.' }) });
type TokenParams = z.infer<typeof TokenParams>;

/** The page's view of the person's export: waiting, ready (with its address and expiry), or failed. */
async function exportView(platform: Platform, req: Request) {
  const record = await dataExportOf(req.user!.id);
  if (!record) return undefined;
  const expired = record.expiresAt !== undefined && record.expiresAt <= platform.clock.now();
  return {
    waiting: record.status === 'requested',
    ready: record.status === 'ready' && !expired,
    failed: record.status === 'failed',
    requestedAt: formatDateTime(record.requestedAt, req.language),
    expiresAt: record.expiresAt && formatDateTime(record.expiresAt, req.language),
    downloadUrl: record.status === 'ready' && !expired ? `${PATH}/${record.token}` : undefined,
    sizeKb: record.bytes ? Math.max(1, Math.round(record.bytes / 1024)) : undefined,
  };
}

/** The data export pages. */
export function dataExportRouter(platform: Platform): Router {
  const router = Router();

  router.get(PATH, requireUser, async (req, res) => {
    noStore(res);
    res.render('privacy/my-data', { title: req.t('privacy:export.title'), dataExport: await exportView(platform, req), validDays: EXPORT_VALID_DAYS });
  });

  router.post(PATH, requireUser, async (req, res) => {
    await requestDataExport(platform, req.user!);
    setFlash(req, 'success', req.t('privacy:export.requested'));
    res.redirect(303, PATH);
  });

  router.get(`${PATH}/:token`, requireUser, validate(TokenParams, 'params'), async (req: Request, res: Response) => {
    const file = await downloadDataExport(platform, req.user!, inputOf<TokenParams>(res, 'params').token);
    // Someone else's address (or a guessed one) is simply not there: nothing says an export exists.
    if (!file) throw new NotFoundError();
    if (file === 'gone') {
      noStore(res);
      res.status(410).render('privacy/my-data-expired', { title: req.t('privacy:export.expiredTitle') });
      return;
    }
    res.set('Content-Type', 'application/zip').set('Content-Disposition', 'attachment; filename="akademia-jst-moje-dane.zip"').set('Cache-Control', 'private, no-store').send(file);
  });
  return router;
}
