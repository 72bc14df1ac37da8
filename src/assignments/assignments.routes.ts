// HR's assignment pages: the assign form (/kadry/przypisz), the office's assignments and their withdrawal, reminders now.
import type { Request, Response } from 'express';
import { Router } from 'express';
import { requireRole } from '../auth/require-user.js';
import { warsawIsoDay } from '../calendar/calendar.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { departmentsOf, organisationOf } from '../reports/reports.people.js';
import { ASSIGNMENT_KINDS, ASSIGNMENT_TARGETS, DEFAULT_DAYS_TO_COMPLETE } from './assignment.model.js';
import { assignmentChoices, assignmentOfOffice, assignmentsOfOffice, createAssignment, withdrawAssignment } from './assignment.service.js';
import { presentAssignments } from './assignments.presenter.js';
import { AssignBody, AssignmentParams, MAX_DAYS_TO_COMPLETE, MAX_RECURRENCE_MONTHS } from './assignments.schemas.js';
import { sendReminders } from './reminders.service.js';

const LIST = '/kadry/przydzialy';

/** The assignment form, with what was typed and the field errors when it is shown again. */
async function renderAssignForm(platform: Platform, req: Request, res: Response, form: FormView): Promise<void> {
  const choices = await assignmentChoices(platform, req.user!);
  const { values } = form;
  const chosenPeople = new Set([values.userIds ?? []].flat());
  const target = (values.target as string | undefined) ?? (values.departmentId ? 'department' : values.userIds?.length ? 'people' : 'department');
  const kind = (values.kind as string | undefined) ?? 'mandatory';
  res.render('assignments/assign', {
    title: req.t('assignments:assign.title'),
    ...form,
    courses: choices.courses.map((course) => ({ ...course, selected: course.id === values.courseId })),
    targets: ASSIGNMENT_TARGETS.map((id) => ({ id, label: req.t(`assignments:assign.target.${id}`), checked: id === target })),
    kinds: ASSIGNMENT_KINDS.map((id) => ({ id, label: req.t(`assignments:kind.${id}`), hint: req.t(`assignments:assign.kindHint.${id}`), checked: id === kind })),
    departments: choices.departments.map((department) => ({ ...department, selected: department.id === values.departmentId })),
    groups: choices.groups.map((group) => ({
      name: group.departmentName ?? req.t('reports:matrix.noDepartment'),
      people: group.people.map((person) => ({ ...person, checked: chosenPeople.has(person.id) })),
    })),
    minDate: warsawIsoDay(platform.clock.now()),
    defaultDays: DEFAULT_DAYS_TO_COMPLETE,
    maxDays: MAX_DAYS_TO_COMPLETE,
    maxMonths: MAX_RECURRENCE_MONTHS,
  });
}

/** The assignment form, which offers the platform's courses. */
function assignFormOf(platform: Platform) {
  return defineForm({
    schema: AssignBody,
    keep: ['courseId', 'target', 'departmentId', 'kind', 'recurrenceMonths', 'daysToComplete', 'dueDate'],
    lists: ['userIds'],
    order: ['courseId', 'target', 'departmentId', 'userIds', 'kind', 'recurrenceMonths', 'dueDate', 'daysToComplete'],
    // The radio groups and the people list are fieldsets: their summary entries link to the first control.
    anchors: { userIds: 'people', target: 'target-office', kind: 'kind-mandatory' },
    show: (req, res, form) => renderAssignForm(platform, req, res, form),
  });
}

/** The assignments router. */
export function assignmentsRouter(platform: Platform): Router {
  const router = Router();
  const assignForm = assignFormOf(platform);
  const hr = requireRole('hr', 'admin');
  const params = validate(AssignmentParams, 'params');

  router.get('/kadry/przypisz', hr, async (req, res) => {
    await assignForm.show(req, res, { values: { departmentId: req.query.departmentId } });
  });

  router.post(
    '/kadry/przypisz',
    hr,
    assignForm.accept,
    async (req: Request, res: Response) => {
      const result = await createAssignment(platform, { actor: req.user!, body: assignForm.input(res) });
      setFlash(req, 'success', req.t('assignments:assign.done', { count: result.assigned, courseTitle: result.courseTitle, newlyEnrolled: result.newlyEnrolled }));
      res.redirect(303, LIST);
    },
    assignForm.refuse,
  );

  router.get(LIST, hr, async (req, res) => {
    const [assignments, organisation] = await Promise.all([assignmentsOfOffice(req.user!), organisationOf(req.user!.organisationId)]);
    const departments = new Map(departmentsOf(organisation).map((d) => [d.id, d.name]));
    const rows = presentAssignments(assignments, { catalogue: platform.catalogue, departments, t: req.t, language: req.language });
    res.render('assignments/list', { title: req.t('assignments:list.title'), rows });
  });

  router.get(`${LIST}/:assignmentId/wycofaj`, hr, params, async (req, res) => {
    const assignment = await assignmentOfOffice(req.user!, inputOf<AssignmentParams>(res, 'params').assignmentId);
    if (assignment.withdrawnAt) return res.redirect(303, LIST);
    const organisation = await organisationOf(req.user!.organisationId);
    const departments = new Map(departmentsOf(organisation).map((d) => [d.id, d.name]));
    const [row] = presentAssignments([assignment], { catalogue: platform.catalogue, departments, t: req.t, language: req.language });
    res.render('assignments/withdraw', { title: req.t('assignments:withdraw.title'), row });
  });

  router.post(`${LIST}/:assignmentId/wycofaj`, hr, params, async (req, res) => {
    const result = await withdrawAssignment(platform, { actor: req.user!, assignmentId: inputOf<AssignmentParams>(res, 'params').assignmentId });
    setFlash(req, 'success', req.t('assignments:withdraw.done', { courseTitle: result.courseTitle, count: result.changed }));
    res.redirect(303, LIST);
  });

  // The matrix's "send reminders now": the same reminders as the scheduled run (queued, at most one a week per course).
  router.post('/kadry/przypomnienia', hr, async (req, res) => {
    const result = await sendReminders(platform, { organisationId: req.user!.organisationId });
    setFlash(req, result.sent ? 'success' : 'info', req.t('assignments:reminders.done', { count: result.sent, skipped: result.skipped }));
    res.redirect(303, '/kadry');
  });

  return router;
}
