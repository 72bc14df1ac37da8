// HR and office admins' people pages under /kadry/osoby: the list, adding a person, the edit page and its actions.
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { requireRole } from '../auth/require-user.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { directorySyncLinks } from '../sso/sign-in-methods.read.js';
import { accessBy } from '../events/platform-events.js';
import { departmentOptions, presentPeoplePage, presentPersonForEdit } from './people.presenter.js';
import { canChangeRoles, canManagePeople, grantableRoles } from './people.policy.js';
import { AddPersonBody, DeactivateBody, PeopleQuery, PersonDetailsBody, PersonParams, PersonRolesBody, ReactivateBody } from './people.schemas.js';
import {
  addPerson,
  changePersonDetails,
  changePersonRoles,
  deactivatePerson,
  departmentChoices,
  listPeople,
  officeRolesOf,
  personToEdit,
  reactivatePerson,
  resendPersonInvitation,
} from './people.service.js';

/** Adds "Kadry: osoby" to the header for HR and admins (mounted after i18n, before CSRF). */
export function peopleNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user && canManagePeople(req.user)) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: '/kadry/osoby', label: req.t('people:nav.people') });
  }
  next();
}

/** The role checkboxes of a form: the roles the actor may give, ticked as `chosen`. */
function roleChoices(req: Request, chosen: string[], { all }: { all: boolean }) {
  return grantableRoles(all ? { roles: ['admin'] } : req.user!).map((role) => ({ value: role, label: req.t(`people:roles.${role}`), checked: chosen.includes(role) }));
}

const list = (value: string | string[] | undefined) => [value ?? []].flat();

async function renderAddForm(req: Request, res: Response, form: FormView): Promise<void> {
  const { organisationName, departments } = await departmentChoices(req.user!);
  const chosenRoles = list(form.values.roles);
  res.render('people/add', {
    title: req.t('people:add.title'),
    ...form,
    organisationName,
    departments: departmentOptions(departments, form.values.departmentId as string | undefined, req.t),
    roles: roleChoices(req, chosenRoles.length ? chosenRoles : ['learner'], { all: false }),
    mayGiveRoles: canChangeRoles(req.user!),
  });
}

/** Which of the edit page's forms came back with errors (the others show the stored values). */
type EditForm = 'details' | 'roles' | 'status';

async function renderEditPage(req: Request, res: Response, refused?: { which: EditForm; form: FormView }): Promise<void> {
  const { userId } = inputOf<{ userId: string }>(res, 'params');
  const { person, departments, organisationName } = await personToEdit(req.user!, userId);
  const formOf = (which: EditForm) => (refused?.which === which ? refused.form : undefined);
  const details = formOf('details');
  const roles = formOf('roles');
  const departmentId = details ? (details.values.departmentId as string | undefined) : person.departmentId ? String(person.departmentId) : undefined;
  res.render('people/edit', {
    title: req.t('people:edit.title', { name: person.fullName }),
    organisationName,
    person: presentPersonForEdit(person, departments, req.t, req.language),
    errorSummary: refused?.form.errorSummary ?? [],
    details: {
      values: details?.values ?? { position: person.position ?? '', employeeNumber: person.employeeNumber ?? '' },
      errors: details?.errors ?? {},
    },
    departments: departmentOptions(departments, departmentId, req.t),
    mayChangeRoles: canChangeRoles(req.user!),
    roles: { errors: roles?.errors ?? {}, choices: roleChoices(req, roles ? list(roles.values.roles) : officeRolesOf(person.roles), { all: true }) },
    status: { errors: formOf('status')?.errors ?? {} },
    isSelf: person._id.toHexString() === req.user!.id,
  });
}

/** One of the edit page's forms; its reason field's id carries the form's name (three forms share the page). */
function editForm<S extends Parameters<typeof defineForm>[0]['schema']>(which: EditForm, schema: S, keep: string[], lists: string[] = []) {
  const anchors: Record<string, string> = { reason: `${which}-reason`, roles: 'role-learner' };
  return defineForm({ schema, keep, lists, anchors, show: (req, res, form) => renderEditPage(req, res, { which, form }) });
}

/** The people router (HR and office admins). The import has its own: people-import.routes.ts. */
export function peopleRouter(platform: Platform): Router {
  const router = Router();
  const hr = requireRole('hr', 'admin');
  const params = validate(PersonParams, 'params');
  const editPath = (res: Response) => `/kadry/osoby/${inputOf<{ userId: string }>(res, 'params').userId}/edycja`;

  router.get('/kadry/osoby', hr, validate(PeopleQuery, 'query'), async (req, res) => {
    const query = inputOf<PeopleQuery>(res, 'query');
    const page = await listPeople(req.user!, query);
    await platform.events.emit(
      'personalData.accessed',
      accessBy(
        req.user!,
        'peopleList',
        page.people.map((person) => person._id.toHexString()),
      ),
    );
    // An office whose staff come from its LDAP directory: HR runs the sync from here (a dry run first).
    const directorySyncs = await directorySyncLinks(req.user!.organisationId);
    res.render('people/list', { title: req.t('people:list.title'), ...presentPeoplePage(page, query, req.t), directorySyncs });
  });

  const addForm = defineForm({
    schema: AddPersonBody,
    keep: ['fullName', 'email', 'departmentId', 'position', 'employeeNumber'],
    lists: ['roles'],
    order: ['fullName', 'email', 'departmentId', 'position', 'employeeNumber', 'roles'],
    anchors: { roles: 'role-learner' },
    show: renderAddForm,
  });
  router.get('/kadry/osoby/nowa', hr, async (req, res) => addForm.show(req, res));
  router.post(
    '/kadry/osoby/nowa',
    hr,
    addForm.accept,
    async (req: Request, res: Response) => {
      const body = addForm.input(res);
      await addPerson(platform, req.user!, body);
      setFlash(req, 'success', req.t('people:add.done', { name: body.fullName, email: body.email }));
      res.redirect(303, '/kadry/osoby');
    },
    addForm.refuse,
  );

  router.get('/kadry/osoby/:userId/edycja', hr, params, async (req, res) => {
    await renderEditPage(req, res);
    // After the page: only then is it known to be a person of the office (a stranger's id is a 404 and no view).
    await platform.events.emit('personalData.accessed', accessBy(req.user!, 'personEdit', [inputOf<{ userId: string }>(res, 'params').userId]));
  });

  const detailsForm = editForm('details', PersonDetailsBody, ['departmentId', 'position', 'employeeNumber', 'reason']);
  router.post(
    '/kadry/osoby/:userId/dane',
    hr,
    params,
    detailsForm.accept,
    async (req: Request, res: Response) => {
      const { changed } = await changePersonDetails(platform, req.user!, inputOf<{ userId: string }>(res, 'params').userId, detailsForm.input(res));
      setFlash(req, changed ? 'success' : 'info', req.t(changed ? 'people:edit.detailsSaved' : 'people:edit.nothingChanged'));
      res.redirect(303, editPath(res));
    },
    detailsForm.refuse,
  );

  const rolesForm = editForm('roles', PersonRolesBody, ['reason'], ['roles']);
  router.post(
    '/kadry/osoby/:userId/role',
    // Only office admins change roles (people.policy.ts): HR gets 403 here, not a form error.
    requireRole('admin'),
    params,
    rolesForm.accept,
    async (req: Request, res: Response) => {
      const { changed } = await changePersonRoles(platform, req.user!, inputOf<{ userId: string }>(res, 'params').userId, rolesForm.input(res));
      setFlash(req, changed ? 'success' : 'info', req.t(changed ? 'people:edit.rolesSaved' : 'people:edit.nothingChanged'));
      res.redirect(303, editPath(res));
    },
    rolesForm.refuse,
  );

  const deactivateForm = editForm('status', DeactivateBody, ['reason']);
  router.post(
    '/kadry/osoby/:userId/dezaktywuj',
    hr,
    params,
    deactivateForm.accept,
    async (req: Request, res: Response) => {
      await deactivatePerson(platform, req.user!, inputOf<{ userId: string }>(res, 'params').userId, deactivateForm.input(res));
      setFlash(req, 'success', req.t('people:edit.deactivated'));
      res.redirect(303, editPath(res));
    },
    deactivateForm.refuse,
  );

  const reactivateForm = editForm('status', ReactivateBody, ['reason']);
  router.post(
    '/kadry/osoby/:userId/aktywuj',
    hr,
    params,
    reactivateForm.accept,
    async (req: Request, res: Response) => {
      const { status } = await reactivatePerson(platform, req.user!, inputOf<{ userId: string }>(res, 'params').userId, reactivateForm.input(res));
      setFlash(req, 'success', req.t(status === 'invited' ? 'people:edit.reactivatedInvited' : 'people:edit.reactivated'));
      res.redirect(303, editPath(res));
    },
    reactivateForm.refuse,
  );

  router.post('/kadry/osoby/:userId/zaproszenie', hr, params, async (req, res) => {
    const sent = await resendPersonInvitation(platform, req.user!, inputOf<{ userId: string }>(res, 'params').userId);
    setFlash(req, sent ? 'success' : 'info', req.t(sent ? 'people:edit.invitationSent' : 'people:edit.notInvited'));
    res.redirect(303, editPath(res));
  });

  return router;
}
