// The office admin's /urzad/logowanie pages: the office's sign-in methods (add, change, switch off, remove, check) and the password switch.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/require-user.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type Form, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { SIGN_IN_KIND_ENTRIES, signInKindEntry, type SignInKindEntry } from './sign-in-kinds.js';
import { KindParams, LocalPasswordsBody, MAPPABLE_ROLES, MethodCommonForm, MethodIdParams } from './sign-in-methods.schemas.js';
import {
  checkMethodConnection,
  kindChoices,
  mappingDepartments,
  methodToEdit,
  methodOfOffice,
  removeMethod,
  saveMethod,
  setLocalPasswords,
  setMethodEnabled,
  signInMethodsPage,
  type MethodsActor,
  type SignInMethodsDeps,
} from './sign-in-methods.service.js';
import type { SignInKind } from './sign-in-method.model.js';

export const METHODS_PATH = '/urzad/logowanie';
/** Blank rows under the mapping tables' filled ones: room to add without JavaScript. */
const BLANK_ROWS = 3;
const COMMON_FIELDS = ['label', 'enabled', 'departmentAttribute'];
const ROW_FIELDS = ['departmentValue', 'departmentId', 'groupName', 'groupRole'];

function actorOf(req: Request): MethodsActor {
  return { id: req.user!.id, fullName: req.user!.fullName, organisationId: req.user!.organisationId };
}

/** The header link for office admins. */
export function signInMethodsNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.roles.includes('admin')) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: METHODS_PATH, label: req.t('sso:admin.nav') });
  }
  next();
}

/** The mapping tables' rows: the values typed (or stored), then blank ones. */
function tableRows<T extends Record<string, string>>(filled: T[], blank: T): Array<T & { index: number; first: boolean }> {
  return [...filled, ...Array.from({ length: BLANK_ROWS }, () => ({ ...blank }))].map((row, index) => ({ ...row, index: index + 1, first: index === 0 }));
}

function listOf(values: FormView['values'], field: string): string[] {
  const value = values[field];
  return Array.isArray(value) ? value : value ? [value] : [];
}

/** Renders the method form (add or edit) for `entry`, with the view model of the form pipeline. */
async function renderMethodForm(req: Request, res: Response, entry: SignInKindEntry, form: FormView, stored?: Awaited<ReturnType<typeof methodToEdit>>): Promise<void> {
  const departments = await mappingDepartments(req.user!.organisationId);
  // After a post the form comes back as typed; a GET starts from the stored method or the kind's defaults.
  const fromForm = req.method === 'POST';
  const values: Record<string, string | string[]> = fromForm ? form.values : { ...(stored?.values ?? { ...entry.defaults, enabled: 'tak' }) };
  const deptRows = fromForm
    ? listOf(form.values, 'departmentValue').map((value, i) => ({ value, departmentId: listOf(form.values, 'departmentId')[i] ?? '' }))
    : (stored?.departments ?? []);
  const groupRows = fromForm ? listOf(form.values, 'groupName').map((group, i) => ({ group, role: listOf(form.values, 'groupRole')[i] ?? '' })) : (stored?.groupRoles ?? []);
  const filledDepartments = deptRows.filter((row) => row.value || row.departmentId);
  const filledGroups = groupRows.filter((row) => row.group || row.role);
  res.render('sso/method-form', {
    title: req.t(stored ? 'sso:admin.editTitle' : 'sso:admin.addTitle', { kind: req.t(entry.nameKey) }),
    kind: entry.kind,
    kindName: req.t(entry.nameKey),
    kindPartial: entry.partial,
    action: stored ? `${METHODS_PATH}/${stored.id}` : `${METHODS_PATH}/nowy/${entry.kind}`,
    methodId: stored?.id,
    hasSecret: Boolean(stored?.hasSecret),
    secretField: entry.secretField,
    canCheck: Boolean(stored && entry.checkConnection !== undefined),
    values,
    errors: form.errors,
    errorSummary: form.errorSummary,
    departmentRows: tableRows(filledDepartments, { value: '', departmentId: '' }).map((row) => ({
      ...row,
      options: departments.map((d) => ({ ...d, selected: d.id === row.departmentId })),
    })),
    groupRows: tableRows(filledGroups, { group: '', role: '' }).map((row) => ({
      ...row,
      options: MAPPABLE_ROLES.map((role) => ({ role, label: req.t(`people:roles.${role}`), selected: role === row.role })),
    })),
  });
}

/** One form per kind: the common part and the kind's own, in one schema. */
const methodForms = new Map<SignInKind, Form<z.ZodType>>(
  SIGN_IN_KIND_ENTRIES.map((entry) => [
    entry.kind,
    defineForm({
      schema: z.intersection(MethodCommonForm, entry.formSchema),
      keep: [...COMMON_FIELDS, ...entry.fields.filter((field) => field !== entry.secretField)],
      lists: ROW_FIELDS,
      order: [...COMMON_FIELDS, ...entry.fields, entry.secretField, 'departmentValue', 'groupName'],
      anchors: { departmentValue: 'departmentValue-1', groupName: 'groupName-1' },
      show: async (req, res, form) => {
        const methodId = (req.params as { id?: string }).id;
        const stored = methodId ? await methodToEdit(req.user!.organisationId, methodId) : undefined;
        await renderMethodForm(req, res, entry, form, stored);
      },
    }),
  ]),
);

const passwordsForm = defineForm({
  schema: LocalPasswordsBody,
  show: async (req, res, form) => {
    const page = await signInMethodsPage(req.user!.organisationId);
    res.render('sso/methods', { title: req.t('sso:admin.title'), ...page, ...form, kinds: kindChoices(SIGN_IN_KIND_ENTRIES) });
  },
});

/** The admin pages of the office's sign-in methods (office admins only; another office's method ids are not found). */
export function signInMethodsRouter(platform: SignInMethodsDeps): Router {
  const router = Router();
  const admin = requireRole('admin');
  const params = validate(MethodIdParams, 'params');
  const kindParams = validate(KindParams, 'params');
  const methodId = (res: Response) => inputOf<MethodIdParams>(res, 'params').id;

  router.get(METHODS_PATH, admin, (req, res) => passwordsForm.show(req, res));
  router.post(
    `${METHODS_PATH}/hasla`,
    admin,
    passwordsForm.accept,
    async (req: Request, res: Response) => {
      const off = passwordsForm.input(res).localPasswords === 'off';
      await setLocalPasswords(platform, actorOf(req), off);
      setFlash(req, 'success', req.t(off ? 'sso:admin.passwordsOffDone' : 'sso:admin.passwordsOnDone'));
      res.redirect(303, METHODS_PATH);
    },
    passwordsForm.refuse,
  );

  router.get(`${METHODS_PATH}/nowy`, admin, (req, res) => {
    res.render('sso/choose-kind', { title: req.t('sso:admin.chooseTitle'), kinds: kindChoices(SIGN_IN_KIND_ENTRIES) });
  });

  // Each kind's add and edit routes share one handler: the form of the kind named in the path or stored.
  const saveHandler = (kindOf: (req: Request, res: Response) => Promise<SignInKind>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const kind = await kindOf(req, res);
      const form = methodForms.get(kind);
      if (!form) return next();
      const save = async () => {
        try {
          const body = form.input(res) as Record<string, unknown> & z.infer<typeof MethodCommonForm>;
          const id = (req.params as { id?: string }).id;
          const saved = await saveMethod(platform, actorOf(req), kind, id, { common: { label: body.label, enabled: body.enabled, mapping: body.mapping }, kindForm: body });
          setFlash(req, 'success', req.t(id ? 'sso:admin.saved' : 'sso:admin.added', { label: body.label }));
          res.redirect(303, `${METHODS_PATH}/${saved.id}`);
        } catch (error) {
          await form.refuse(error, req, res, next);
        }
      };
      await form.accept(req, res, () => void save());
    } catch (error) {
      next(error);
    }
  };

  router.get(`${METHODS_PATH}/nowy/:kind`, admin, kindParams, async (req, res, next) => {
    const entry = signInKindEntry(inputOf<KindParams>(res, 'params').kind);
    if (!entry) return next();
    await methodForms.get(entry.kind)!.show(req, res);
  });
  router.post(
    `${METHODS_PATH}/nowy/:kind`,
    admin,
    kindParams,
    saveHandler((_req, res) => Promise.resolve(inputOf<KindParams>(res, 'params').kind)),
  );

  router.get(`${METHODS_PATH}/:id`, admin, params, async (req, res) => {
    const stored = await methodToEdit(req.user!.organisationId, methodId(res));
    await methodForms.get(stored.kind)!.show(req, res);
  });
  router.post(
    `${METHODS_PATH}/:id`,
    admin,
    params,
    saveHandler(async (req, res) => (await methodToEdit(req.user!.organisationId, methodId(res))).kind),
  );

  router.post(`${METHODS_PATH}/:id/sprawdz`, admin, params, async (req: Request, res: Response) => {
    const result = await checkMethodConnection(platform, req.user!.organisationId, methodId(res));
    setFlash(req, result.ok ? 'success' : 'error', req.t(result.messageKey, { label: result.label, ...result.values }));
    res.redirect(303, `${METHODS_PATH}/${methodId(res)}`);
  });
  router.post(`${METHODS_PATH}/:id/wlacz`, admin, params, async (req: Request, res: Response) => {
    const method = await setMethodEnabled(platform, actorOf(req), methodId(res), true);
    setFlash(req, 'success', req.t('sso:admin.enabledDone', { label: method.label }));
    res.redirect(303, METHODS_PATH);
  });
  router.post(`${METHODS_PATH}/:id/wylacz`, admin, params, async (req: Request, res: Response) => {
    const method = await setMethodEnabled(platform, actorOf(req), methodId(res), false);
    setFlash(req, 'success', req.t('sso:admin.disabledDone', { label: method.label }));
    res.redirect(303, METHODS_PATH);
  });
  // Removing asks first (what happens to the accounts it created), as the LRS clients' removal does.
  router.get(`${METHODS_PATH}/:id/usun`, admin, params, async (req: Request, res: Response) => {
    const method = await methodOfOffice(req.user!.organisationId, methodId(res));
    res.render('sso/method-remove', {
      title: req.t('sso:remove.title', { label: method.label }),
      label: method.label,
      kindNameKey: `sso:kinds.${method.kind}.name`,
      action: `${METHODS_PATH}/${String(method._id)}/usun`,
      back: METHODS_PATH,
    });
  });
  router.post(`${METHODS_PATH}/:id/usun`, admin, params, async (req: Request, res: Response) => {
    const method = await removeMethod(platform, actorOf(req), methodId(res));
    setFlash(req, 'success', req.t('sso:admin.removedDone', { label: method.label }));
    res.redirect(303, METHODS_PATH);
  });
  return router;
}
