// HR pages under /kadry: the completion matrix and its exports (assigning and reminders: src/assignments).
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { requireRole } from '../auth/require-user.js';
import type { Platform } from '../platform.js';
import { inputOf } from '../http/validate.js';
import { matrixCsv, matrixXlsx } from './matrix-export.js';
import { mountCompletionChart, mountDueLists, sendCsv, sendXlsx, validateQuery } from './reports-lists.routes.js';
import { presentMatrix } from './reports.presenter.js';
import { MatrixQuery } from './reports.schemas.js';
import { completionMatrix } from './completion-matrix.service.js';
import { canManageTraining } from './reports.policy.js';

/** Adds "Kadry: ukończenia szkoleń" to the header for HR and admins (mounted after i18n, before CSRF). */
export function reportsNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user && canManageTraining(req.user)) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: '/kadry', label: req.t('reports:nav.matrix') });
  }
  next();
}

/** People per matrix page. */
const MATRIX_PAGE_SIZE = 50;

/** The HR router. */
export function reportsRouter(platform: Platform): Router {
  const router = Router();
  const hr = requireRole('hr', 'admin');
  const query = validateQuery(MatrixQuery);
  const matrixFor = (req: Request, res: Response, paged: boolean) =>
    completionMatrix(platform, {
      organisationId: req.user!.organisationId,
      ...inputOf<MatrixQuery>(res, 'query'),
      // The page shows 50 people at a time (2,000 × 10 cells would be one 20,000-cell table); the exports every row.
      ...(paged ? { pageSize: MATRIX_PAGE_SIZE } : { page: undefined }),
      now: platform.clock.now(),
    });

  router.get('/kadry', hr, query, async (req, res) => {
    const matrix = presentMatrix(await matrixFor(req, res, true), req.t, req.language);
    res.render('reports/matrix', { title: req.t('reports:matrix.title'), matrix });
  });

  router.get('/kadry/eksport.csv', hr, query, async (req, res) => {
    sendCsv(res, 'ukonczenia-szkolen', matrixCsv(await matrixFor(req, res, false), req.t), platform.clock.now());
  });

  router.get('/kadry/eksport.xlsx', hr, query, async (req, res) => {
    sendXlsx(res, 'ukonczenia-szkolen', await matrixXlsx(await matrixFor(req, res, false), req.t), platform.clock.now());
  });

  mountDueLists(router, platform, hr);
  mountCompletionChart(router, platform, hr);

  return router;
}
