// HR pages under /kadry: the completion matrix, its exports, assigning a course, sending reminders.
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { requireRole } from '../auth/require-user.js';
import type { Platform } from '../platform.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf } from '../http/validate.js';
import { matrixCsv, matrixXlsx } from './matrix-export.js';
import { mountCompletionChart, mountDueLists, sendCsv, sendXlsx, validateQuery } from './reports-lists.routes.js';
import { presentMatrix } from './reports.presenter.js';
import { AssignBody, MatrixQuery } from './reports.schemas.js';
import { assignMandatoryCourse, assignmentChoices } from './assignment.service.js';
import { completionMatrix } from './completion-matrix.service.js';
import { sendReminders } from './reminders.service.js';
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

/** The assignment form, with what was typed and the field errors when it is shown again. */
async function renderAssignForm(platform: Platform, req: Request, res: Response, form: FormView): Promise<void> {
  const choices = await assignmentChoices(platform, req.user!);
  const { values } = form;
  const chosenPeople = new Set([values.userIds ?? []].flat());
  res.render('reports/assign', {
    title: req.t('reports:assign.title'),
    ...form,
    courses: choices.courses.map((course) => ({ ...course, selected: course.id === values.courseId })),
    departments: choices.departments.map((department) => ({ ...department, selected: department.id === values.departmentId })),
    groups: choices.groups.map((group) => ({
      name: group.departmentName ?? req.t('reports:matrix.noDepartment'),
      people: group.people.map((person) => ({ ...person, checked: chosenPeople.has(person.id) })),
    })),
    minDate: warsawIsoDay(new Date()),
  });
}

/** The assignment form, which offers the platform's courses. */
function assignFormOf(platform: Platform) {
  return defineForm({
    schema: AssignBody,
    keep: ['courseId', 'departmentId', 'dueDate'],
    lists: ['userIds'],
    order: ['courseId', 'departmentId', 'userIds', 'dueDate'],
    // The people list is a fieldset: its summary entry links to the first box.
    anchors: { userIds: 'people' },
    show: (req, res, form) => renderAssignForm(platform, req, res, form),
  });
}

/** People per matrix page. */
const MATRIX_PAGE_SIZE = 50;

/** The HR router. */
export function reportsRouter(platform: Platform): Router {
  const router = Router();
  const assignForm = assignFormOf(platform);
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

  router.get('/kadry/przypisz', hr, async (req, res) => {
    await assignForm.show(req, res, { values: { departmentId: req.query.departmentId } });
  });

  router.post(
    '/kadry/przypisz',
    hr,
    assignForm.accept,
    async (req: Request, res: Response) => {
      const result = await assignMandatoryCourse(platform, { actor: req.user!, ...assignForm.input(res) });
      setFlash(req, 'success', req.t('reports:assign.done', { count: result.assigned, courseTitle: result.courseTitle, newlyEnrolled: result.newlyEnrolled }));
      res.redirect(303, '/kadry');
    },
    assignForm.refuse,
  );

  router.post('/kadry/przypomnienia', hr, async (req, res) => {
    const result = await sendReminders(platform, { organisationId: req.user!.organisationId });
    setFlash(req, result.sent ? 'success' : 'info', req.t('reports:reminders.done', { count: result.sent, skipped: result.recentlyReminded }));
    res.redirect(303, '/kadry');
  });

  return router;
}
