// HR pages under /kadry: the completion matrix and its exports (assigning and reminders: src/assignments).
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { requireRole } from '../auth/require-user.js';
import type { Platform } from '../platform.js';
import { inputOf, validate } from '../http/validate.js';
import { matrixCsv, matrixXlsx } from './matrix-export.js';
import { presentMatrix } from './reports.presenter.js';
import { MatrixQuery } from './reports.schemas.js';
import { completionMatrix } from './completion-matrix.service.js';
import { canManageTraining } from './reports.policy.js';
import { warsawIsoDay } from '../calendar/calendar.js';

/** Adds "Kadry: ukończenia szkoleń" to the header for HR and admins (mounted after i18n, before CSRF). */
export function reportsNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user && canManageTraining(req.user)) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: '/kadry', label: req.t('reports:nav.matrix') });
  }
  next();
}

/** The HR router. */
export function reportsRouter(platform: Platform): Router {
  const router = Router();
  const hr = requireRole('hr', 'admin');
  const query = validate(MatrixQuery, 'query');
  const matrixFor = (req: Request, res: Response) =>
    completionMatrix(platform, { organisationId: req.user!.organisationId, departmentId: inputOf<MatrixQuery>(res, 'query').departmentId });

  router.get('/kadry', hr, query, async (req, res) => {
    const matrix = presentMatrix(await matrixFor(req, res), req.t, req.language);
    res.render('reports/matrix', { title: req.t('reports:matrix.title'), matrix });
  });

  router.get('/kadry/eksport.csv', hr, query, async (req, res) => {
    const csv = matrixCsv(await matrixFor(req, res), req.t);
    res
      .set('Content-Type', 'text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="ukonczenia-szkolen-${warsawIsoDay(new Date())}.csv"`)
      .set('Cache-Control', 'private, no-store')
      .send(csv);
  });

  router.get('/kadry/eksport.xlsx', hr, query, async (req, res) => {
    const xlsx = await matrixXlsx(await matrixFor(req, res), req.t);
    res
      .set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .set('Content-Disposition', `attachment; filename="ukonczenia-szkolen-${warsawIsoDay(new Date())}.xlsx"`)
      .set('Cache-Control', 'private, no-store')
      .send(xlsx);
  });

  return router;
}
