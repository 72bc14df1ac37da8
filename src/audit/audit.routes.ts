// The office's audit trail page, /urzad/dziennik: office admins read their own office's entries, newest first.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { requireRole } from '../auth/require-user.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { presentAuditEntry } from './audit.presenter.js';
import { TrailQuery } from './audit.schemas.js';

/** Entries per page. */
const PAGE_SIZE = 50;
const TRAIL_PATH = '/urzad/dziennik';

/** Adds "Dziennik zmian" to the header for office admins (mounted after i18n, before CSRF). */
export function auditNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.roles.includes('admin')) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: TRAIL_PATH, label: req.t('audit:nav.trail') });
  }
  next();
}

/** The audit trail router. */
export function auditRouter(platform: Platform): Router {
  const router = Router();
  // The office's IOD reads it too (art. 39 RODO: monitoring compliance); the page changes nothing.
  router.get(TRAIL_PATH, requireRole('admin', 'iod'), validate(TrailQuery, 'query'), async (req, res) => {
    const page = inputOf<TrailQuery>(res, 'query').strona ?? 1;
    // Always the admin's own office: the page takes no organisation from the request.
    const { entries, hasMore } = await platform.audit.list(req.user!.organisationId, { limit: PAGE_SIZE, skip: (page - 1) * PAGE_SIZE });
    res.render('audit/trail', {
      title: req.t('audit:trail.title'),
      entries: entries.map((entry) => presentAuditEntry(entry, req.t, req.language)),
      page,
      newerUrl: page > 1 ? (page === 2 ? TRAIL_PATH : `${TRAIL_PATH}?strona=${page - 1}`) : undefined,
      olderUrl: hasMore ? `${TRAIL_PATH}?strona=${page + 1}` : undefined,
    });
  });
  return router;
}
