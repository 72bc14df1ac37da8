// The office admin's /urzad/dzialy pages: the list with the add form, and one department's rename, merge and archive.
import { Router, type Request, type Response } from 'express';
import type { AuditActor } from '../audit/audit-trail.js';
import { requireRole } from '../auth/require-user.js';
import { setFlash } from '../http/flash.js';
import { defineForm, formView, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import {
  addDepartment,
  archiveDepartment,
  departmentById,
  listDepartments,
  mergeDepartment,
  renameDepartment,
  restoreDepartment,
  type DepartmentDeps,
} from './departments.service.js';
import { DepartmentIdParams, DepartmentNameBody, MergeDepartmentBody } from './organisation.schemas.js';

const PATH = '/urzad/dzialy';

function actorOf(req: Request): AuditActor {
  return { id: req.user!.id, fullName: req.user!.fullName };
}

const addForm = defineForm({
  schema: DepartmentNameBody,
  keep: ['name'],
  show: async (req, res, form) => {
    const departments = await listDepartments(req.user!.organisationId);
    res.render('organisations/departments', { title: req.t('organisations:departments.title'), ...departments, ...form });
  },
});

/** One department's page; `forms` carries whichever of its two forms came back with errors. */
async function showDepartment(req: Request, res: Response, forms: { rename?: FormView; merge?: FormView }): Promise<void> {
  const organisationId = req.user!.organisationId;
  const department = await departmentById(organisationId, inputOf<DepartmentIdParams>(res, 'params').id);
  const { active } = await listDepartments(organisationId);
  const blank = formView(req.t, {});
  const merge = forms.merge ?? blank;
  res.render('organisations/department', {
    title: req.t('organisations:departments.editTitle', { name: department.name }),
    department,
    rename: forms.rename ?? { ...blank, values: { name: department.name } },
    merge,
    targets: active.filter((d) => d.id !== department.id).map((d) => ({ ...d, selected: merge.values.intoId === d.id })),
    errorSummary: [...(forms.rename?.errorSummary ?? []), ...(forms.merge?.errorSummary ?? [])],
  });
}

const renameForm = defineForm({ schema: DepartmentNameBody, keep: ['name'], show: (req, res, form) => showDepartment(req, res, { rename: form }) });
const mergeForm = defineForm({ schema: MergeDepartmentBody, keep: ['intoId'], show: (req, res, form) => showDepartment(req, res, { merge: form }) });

/** Departments of the admin's own organisation: ids of another office's departments are simply not found (404). */
export function departmentsRouter(platform: DepartmentDeps): Router {
  const router = Router();
  const admin = requireRole('admin');
  const params = validate(DepartmentIdParams, 'params');

  router.get(PATH, admin, (req, res) => addForm.show(req, res));
  router.post(
    PATH,
    admin,
    addForm.accept,
    async (req: Request, res: Response) => {
      const { name } = addForm.input(res);
      await addDepartment(platform, req.user!.organisationId, name, actorOf(req));
      setFlash(req, 'success', req.t('organisations:departments.added', { name }));
      res.redirect(303, PATH);
    },
    addForm.refuse,
  );

  router.get(`${PATH}/:id`, admin, params, (req, res) => showDepartment(req, res, {}));
  router.post(
    `${PATH}/:id/nazwa`,
    admin,
    params,
    renameForm.accept,
    async (req: Request, res: Response) => {
      const { name } = renameForm.input(res);
      await renameDepartment(platform, req.user!.organisationId, inputOf<DepartmentIdParams>(res, 'params').id, name, actorOf(req));
      setFlash(req, 'success', req.t('organisations:departments.renamed', { name }));
      res.redirect(303, PATH);
    },
    renameForm.refuse,
  );
  router.post(
    `${PATH}/:id/scal`,
    admin,
    params,
    mergeForm.accept,
    async (req: Request, res: Response) => {
      const merged = await mergeDepartment(platform, req.user!.organisationId, inputOf<DepartmentIdParams>(res, 'params').id, mergeForm.input(res).intoId, actorOf(req));
      setFlash(req, 'success', req.t('organisations:departments.merged', merged));
      res.redirect(303, PATH);
    },
    mergeForm.refuse,
  );
  router.post(`${PATH}/:id/archiwizuj`, admin, params, async (req: Request, res: Response) => {
    const name = await archiveDepartment(platform, req.user!.organisationId, inputOf<DepartmentIdParams>(res, 'params').id, actorOf(req));
    setFlash(req, 'success', req.t('organisations:departments.archivedDone', { name }));
    res.redirect(303, PATH);
  });
  router.post(`${PATH}/:id/przywroc`, admin, params, async (req: Request, res: Response) => {
    const name = await restoreDepartment(platform, req.user!.organisationId, inputOf<DepartmentIdParams>(res, 'params').id, actorOf(req));
    setFlash(req, 'success', req.t('organisations:departments.restored', { name }));
    res.redirect(303, PATH);
  });
  return router;
}
