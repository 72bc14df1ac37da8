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
import { accessBy } from '../events/platform-events.js';
import { completionMatrix, peopleOfMatrix, type CompletionMatrix } from './completion-matrix.service.js';
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

  // Each page and file of the matrix goes into the access trail with the people it showed, before it is sent.
  const shown = (req: Request, what: 'matrix' | 'matrixExport', matrix: CompletionMatrix) =>
    platform.events.emit('personalData.accessed', accessBy(req.user!, what, peopleOfMatrix(matrix)));

  router.get('/kadry', hr, query, async (req, res) => {
    const data = await matrixFor(req, res, true);
    await shown(req, 'matrix', data);
    res.render('reports/matrix', { title: req.t('reports:matrix.title'), matrix: presentMatrix(data, req.t, req.language) });
  });

  router.get('/kadry/eksport.csv', hr, query, async (req, res) => {
    const data = await matrixFor(req, res, false);
    await shown(req, 'matrixExport', data);
    sendCsv(res, 'ukonczenia-szkolen', matrixCsv(data, req.t), platform.clock.now());
  });

  router.get('/kadry/eksport.xlsx', hr, query, async (req, res) => {
    const data = await matrixFor(req, res, false);
    await shown(req, 'matrixExport', data);
    sendXlsx(res, 'ukonczenia-szkolen', await matrixXlsx(data, req.t), platform.clock.now());
  });

  mountDueLists(router, platform, hr);
  mountCompletionChart(router, platform, hr);

  return router;
}
