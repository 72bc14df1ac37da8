// HR's lists under /kadry: overdue, due within 14 days, to renew after a change of law (each as a page, CSV and XLSX), and completions over time.
import type { Request, RequestHandler, Response, Router } from 'express';
import { accessBy } from '../events/platform-events.js';
import { warsawIsoDay } from '../calendar/calendar.js';
import type { z } from 'zod';
import { ValidationError } from '../http/errors.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { completionsByMonth, presentCompletionChart } from './completion-chart.js';
import { dueList } from './completion-matrix.service.js';
import { dueListCsv, dueListXlsx } from './matrix-export.js';
import { presentDueList } from './reports.presenter.js';
import { DueListQuery } from './reports.schemas.js';

/**
 * Validates a GET page's query like `validate`, with the fields' own messages as the 400 page's message: a filter
 * has no form to show them beside, and "Popraw zaznaczone pola" would name nothing.
 */
export function validateQuery<S extends z.ZodType>(schema: S): RequestHandler {
  const check = validate(schema, 'query');
  return (req, res, next) => {
    try {
      check(req, res, next);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(error.fieldErrors, [...new Set(Object.values(error.fieldErrors).flat())].join(' '));
    }
  };
}

/** A CSV download named `<name>-<Warsaw day>.csv`, never cached (it holds personal data). */
export function sendCsv(res: Response, name: string, csv: string, now: Date): void {
  res
    .set('Content-Type', 'text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${name}-${warsawIsoDay(now)}.csv"`)
    .set('Cache-Control', 'private, no-store')
    .send(csv);
}

/** An XLSX download named `<name>-<Warsaw day>.xlsx`, never cached. */
export function sendXlsx(res: Response, name: string, xlsx: Buffer, now: Date): void {
  res
    .set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .set('Content-Disposition', `attachment; filename="${name}-${warsawIsoDay(now)}.xlsx"`)
    .set('Cache-Control', 'private, no-store')
    .send(xlsx);
}

/** The lists: path, kind and file name. */
const LISTS = [
  { path: '/kadry/zaleglosci', kind: 'overdue', file: 'po-terminie' },
  { path: '/kadry/terminy', kind: 'soon', file: 'termin-w-ciagu-14-dni' },
  { path: '/kadry/zmiana-prawa', kind: 'law', file: 'do-odnowienia-zmiana-prawa' },
] as const;

/** Mounts the overdue, due-soon and change-of-law lists and their exports on the HR router. */
export function mountDueLists(router: Router, platform: Platform, hr: RequestHandler): void {
  const query = validateQuery(DueListQuery);
  for (const list of LISTS) {
    const listFor = (res: Response, organisationId: string) =>
      dueList(platform, { organisationId, kind: list.kind, departmentId: inputOf<DueListQuery>(res, 'query').departmentId, now: platform.clock.now() });
    // Each list and file goes into the access trail with the people it showed, before it is sent.
    const shownList = async (req: Request, res: Response, what: 'dueList' | 'dueListExport') => {
      const data = await listFor(res, req.user!.organisationId);
      await platform.events.emit(
        'personalData.accessed',
        accessBy(
          req.user!,
          what,
          data.entries.map((entry) => entry.person.id),
        ),
      );
      return data;
    };
    router.get(list.path, hr, query, async (req, res) => {
      const view = presentDueList(await shownList(req, res, 'dueList'), req.t, req.language);
      res.render('reports/due-list', { title: req.t(`reports:lists.${list.kind}.title`), list: { ...view, path: list.path } });
    });
    router.get(`${list.path}.csv`, hr, query, async (req, res) => {
      sendCsv(res, list.file, dueListCsv(await shownList(req, res, 'dueListExport'), req.t), platform.clock.now());
    });
    router.get(`${list.path}.xlsx`, hr, query, async (req, res) => {
      sendXlsx(res, list.file, await dueListXlsx(await shownList(req, res, 'dueListExport'), req.t), platform.clock.now());
    });
  }
}

/** Mounts the chart of completions per month (server-rendered SVG with its table). */
export function mountCompletionChart(router: Router, platform: Platform, hr: RequestHandler): void {
  router.get('/kadry/wykres', hr, async (req, res) => {
    const data = await completionsByMonth(platform, { organisationId: req.user!.organisationId, now: platform.clock.now() });
    res.render('reports/chart', { title: req.t('reports:chart.title'), organisationName: data.organisationName, chart: presentCompletionChart(data, req.language) });
  });
}
