// The operator's pages /operator/…: associations and offices, creating them, appointing their first administrators.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AuditActor } from '../audit/audit-trail.js';
import type { InvitationDeps } from '../auth/invitation.service.js';
import { requireRole } from '../auth/require-user.js';
import { setFlash } from '../http/flash.js';
import { defineForm } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { OFFICE_TYPES } from './organisation.model.js';
import { appointAdministrator, createAssociation, createOffice, listAssociations, listOrganisations, organisationForOperator } from './operator.service.js';
import { AppointAdministratorBody, NewAssociationBody, NewOfficeBody, OrganisationIdParams } from './organisation.schemas.js';

const PATH = '/operator';

function actorOf(req: Request): AuditActor {
  return { id: req.user!.id, fullName: req.user!.fullName };
}

/** Adds "Operator" to the header for the platform operator. */
export function operatorNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.roles.includes('operator')) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: PATH, label: req.t('organisations:operator.nav') });
  }
  next();
}

const associationForm = defineForm({
  schema: NewAssociationBody,
  keep: ['name', 'emailDomains'],
  order: ['name', 'emailDomains'],
  show: (req, res, form) => res.render('organisations/operator-association-new', { title: req.t('organisations:operator.associationTitle'), ...form }),
});

const officeForm = defineForm({
  schema: NewOfficeBody,
  keep: ['name', 'officeType', 'teryt', 'emailDomains'],
  lists: ['memberOf'],
  order: ['name', 'officeType', 'teryt', 'emailDomains', 'memberOf'],
  anchors: { memberOf: 'memberOf-0' },
  show: async (req, res, form) => {
    const chosen = (form.values.memberOf as string[] | undefined) ?? [];
    res.render('organisations/operator-office-new', {
      title: req.t('organisations:operator.officeTitle'),
      ...form,
      officeTypes: OFFICE_TYPES.map((type) => ({ value: type, labelKey: `organisations:officeTypes.${type}`, selected: form.values.officeType === type })),
      associations: (await listAssociations()).map((association, index) => ({ ...association, index, checked: chosen.includes(association.id) })),
    });
  },
});

const appointForm = defineForm({
  schema: AppointAdministratorBody,
  keep: ['fullName', 'email'],
  order: ['fullName', 'email'],
  show: async (req, res, form) => {
    const organisation = await organisationForOperator(inputOf<OrganisationIdParams>(res, 'params').id);
    res.render('organisations/operator-appoint', {
      title: req.t('organisations:operator.appointTitle', { name: organisation.name }),
      organisation: { id: organisation._id.toHexString(), name: organisation.name },
      ...form,
    });
  },
});

/** The operator's pages (role operator only; an office admin is refused with 403). */
export function operatorRouter(platform: InvitationDeps): Router {
  const router = Router();
  const operator = requireRole('operator');

  router.get(PATH, operator, async (req, res) => {
    const { associations, offices } = await listOrganisations();
    res.render('organisations/operator', {
      title: req.t('organisations:operator.title'),
      associations,
      offices: offices.map((office) => ({ ...office, officeTypeKey: office.officeType ? `organisations:officeTypes.${office.officeType}` : undefined })),
    });
  });

  router.get(`${PATH}/zwiazki/nowy`, operator, (req, res) => associationForm.show(req, res));
  router.post(
    `${PATH}/zwiazki/nowy`,
    operator,
    associationForm.accept,
    async (req: Request, res: Response) => {
      const input = associationForm.input(res);
      const created = await createAssociation(platform, input, actorOf(req));
      setFlash(req, 'success', req.t('organisations:operator.createdAssociation', { name: input.name }));
      res.redirect(303, `${PATH}/organizacje/${created.id}/administrator`);
    },
    associationForm.refuse,
  );

  router.get(`${PATH}/urzedy/nowy`, operator, (req, res) => officeForm.show(req, res));
  router.post(
    `${PATH}/urzedy/nowy`,
    operator,
    officeForm.accept,
    async (req: Request, res: Response) => {
      const input = officeForm.input(res);
      const created = await createOffice(platform, input, actorOf(req));
      setFlash(req, 'success', req.t('organisations:operator.createdOffice', { name: input.name }));
      res.redirect(303, `${PATH}/organizacje/${created.id}/administrator`);
    },
    officeForm.refuse,
  );

  const params = validate(OrganisationIdParams, 'params');
  router.get(`${PATH}/organizacje/:id/administrator`, operator, params, (req, res) => appointForm.show(req, res));
  router.post(
    `${PATH}/organizacje/:id/administrator`,
    operator,
    params,
    appointForm.accept,
    async (req: Request, res: Response) => {
      const { id } = inputOf<OrganisationIdParams>(res, 'params');
      const input = appointForm.input(res);
      await appointAdministrator(platform, id, input, actorOf(req));
      const organisation = await organisationForOperator(id);
      setFlash(req, 'success', req.t('organisations:operator.appointed', { email: input.email, organisation: organisation.name }));
      res.redirect(303, PATH);
    },
    appointForm.refuse,
  );
  return router;
}
