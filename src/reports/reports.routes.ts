// HR pages under /kadry: the completion matrix, its exports, assigning a course, sending reminders.
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { setFlash } from '../auth/flash.js';
import { requireRole } from '../auth/require-user.js';
import type { Config } from '../config.js';
import { ValidationError } from '../http/errors.js';
import { fieldErrorsOf, inputOf, validate } from '../http/validate.js';
import { matrixCsv, matrixXlsx } from './matrix-export.js';
import { presentMatrix } from './reports.presenter.js';
import { AssignBody, MatrixQuery } from './reports.schemas.js';
import { assignMandatoryCourse, assignmentChoices, completionMatrix, sendReminders } from './reports.service.js';
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

interface AssignFormState {
  values?: Record<string, unknown>;
  errors?: Record<string, string[]>;
}

/** The assignment form, with what was typed and the field errors when it is shown again. */
async function renderAssignForm(req: Request, res: Response, state: AssignFormState = {}, status = 200): Promise<void> {
  const choices = await assignmentChoices(req.user!);
  const values = state.values ?? {};
  const chosenPeople = new Set(([] as unknown[]).concat(values.userIds ?? []).map(String));
  const errors = state.errors ?? {};
  const order = ['courseId', 'departmentId', 'userIds', 'dueDate'];
  res.status(status).render('reports/assign', {
    title: req.t('reports:assign.title'),
    values,
    errors: Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field, messages[0]])),
    // Each summary entry links to its field; the people list is a fieldset, so it links to the first box.
    errorSummary: order.filter((field) => errors[field]).map((field) => ({ field: field === 'userIds' ? 'people' : field, message: errors[field][0] })),
    courses: choices.courses.map((course) => ({ ...course, selected: course.id === values.courseId })),
    departments: choices.departments.map((department) => ({ ...department, selected: department.id === values.departmentId })),
    groups: choices.groups.map((group) => ({
      name: group.departmentName ?? req.t('reports:matrix.noDepartment'),
      people: group.people.map((person) => ({ ...person, checked: chosenPeople.has(person.id) })),
    })),
    minDate: warsawIsoDay(new Date()),
  });
}

/** The HR router; `config.BASE_URL` goes into the links of the e-mails. */
export function reportsRouter(config: Pick<Config, 'BASE_URL'>): Router {
  const router = Router();
  const hr = requireRole('hr', 'admin');
  const query = validate(MatrixQuery, 'query');
  const matrixFor = (req: Request, res: Response) =>
    completionMatrix({ organisationId: req.user!.organisationId, departmentId: inputOf<MatrixQuery>(res, 'query').departmentId });

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

  router.get('/kadry/przypisz', hr, async (req, res) => {
    const departmentId = typeof req.query.departmentId === 'string' ? req.query.departmentId : undefined;
    await renderAssignForm(req, res, { values: { departmentId } });
  });

  router.post('/kadry/przypisz', hr, async (req, res) => {
    const body = AssignBody.safeParse(req.body);
    if (!body.success) {
      await renderAssignForm(req, res, { values: req.body, errors: fieldErrorsOf(body.error) }, 400);
      return;
    }
    try {
      const result = await assignMandatoryCourse({ actor: req.user!, ...body.data, baseUrl: config.BASE_URL });
      setFlash(req, 'success', req.t('reports:assign.done', { count: result.assigned, courseTitle: result.courseTitle, newlyEnrolled: result.newlyEnrolled }));
      res.redirect(303, '/kadry');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderAssignForm(req, res, { values: req.body, errors: error.fieldErrors }, 400);
    }
  });

  router.post('/kadry/przypomnienia', hr, async (req, res) => {
    const result = await sendReminders({ organisationId: req.user!.organisationId, baseUrl: config.BASE_URL });
    setFlash(req, result.sent ? 'success' : 'info', req.t('reports:reminders.done', { count: result.sent, skipped: result.recentlyReminded }));
    res.redirect(303, '/kadry');
  });

  return router;
}
