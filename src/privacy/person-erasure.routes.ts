// Erasure pages: the person's request (/konto/usuniecie-danych) and the office admin's list and order (/urzad/usuwanie-danych).
import { Router, type Request, type Response } from 'express';
import { requireRole, requireUser } from '../auth/require-user.js';
import { noStore } from '../http/cache-control.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { certificateRetentionYearsOf, setCertificateRetentionYears } from '../organisations/organisation.service.js';
import type { Platform } from '../platform.js';
import { presentErasurePage, presentOwnRequest } from './person-erasure.presenter.js';
import { CertificateRetentionBody, ErasureOrderBody, ErasureParams, ErasureRequestBody } from './person-erasure.schemas.js';
import { erasureRequestOf, erasuresOfOffice, orderErasure, personToErase, requestErasure } from './person-erasure.service.js';

const OWN_PATH = '/konto/usuniecie-danych';
const OFFICE_PATH = '/urzad/usuwanie-danych';
const blank: FormView = { values: {}, errors: {}, errorSummary: [] };

async function renderOwnPage(req: Request, res: Response, form: FormView): Promise<void> {
  const request = await erasureRequestOf(req.user!.id);
  res.render('privacy/erasure-request', { title: req.t('privacy:erasure.own.title'), form, request: request && presentOwnRequest(request, req.language) });
}

async function renderOfficePage(req: Request, res: Response, retentionForm: FormView): Promise<void> {
  const organisationId = req.user!.organisationId;
  const { requests, erasures } = await erasuresOfOffice(organisationId);
  const years = await certificateRetentionYearsOf(organisationId);
  res.render('privacy/erasures', {
    title: req.t('privacy:erasure.office.title'),
    ...presentErasurePage({ requests, erasures }, req.language),
    retentionForm: { ...retentionForm, values: { years: String(years), ...retentionForm.values } },
    errorSummary: retentionForm.errorSummary,
  });
}

async function renderOrderPage(req: Request, res: Response, form: FormView): Promise<void> {
  const { userId } = inputOf<ErasureParams>(res, 'params');
  const person = await personToErase(req.user!, userId);
  const years = await certificateRetentionYearsOf(req.user!.organisationId);
  res.render('privacy/erasure-order', { title: req.t('privacy:erasure.order.title', { name: person.fullName }), person, years, form, errorSummary: form.errorSummary });
}

const requestForm = defineForm({ schema: ErasureRequestBody, keep: ['note'], show: renderOwnPage });
const retentionForm = defineForm({ schema: CertificateRetentionBody, keep: ['years'], show: renderOfficePage });
const orderForm = defineForm({ schema: ErasureOrderBody, keep: ['reason'], order: ['reason', 'confirm'], show: renderOrderPage });

/** The erasure pages; the job that carries orders out is scheduled in startup.ts. */
export function personErasureRouter(platform: Platform): Router {
  const router = Router();
  const admin = requireRole('admin');
  const params = validate(ErasureParams, 'params');

  router.get(OWN_PATH, requireUser, async (req, res) => {
    noStore(res);
    await renderOwnPage(req, res, blank);
  });
  router.post(
    OWN_PATH,
    requireUser,
    requestForm.accept,
    async (req: Request, res: Response) => {
      await requestErasure(platform, req.user!, requestForm.input(res).note || undefined);
      setFlash(req, 'success', req.t('privacy:erasure.own.sent'));
      res.redirect(303, OWN_PATH);
    },
    requestForm.refuse,
  );

  router.get(OFFICE_PATH, admin, async (req, res) => {
    noStore(res);
    await renderOfficePage(req, res, blank);
  });
  router.post(
    `${OFFICE_PATH}/okres`,
    admin,
    retentionForm.accept,
    async (req: Request, res: Response) => {
      const { years } = retentionForm.input(res);
      const before = await certificateRetentionYearsOf(req.user!.organisationId);
      await setCertificateRetentionYears(req.user!.organisationId, years);
      await platform.audit.record({
        organisationId: req.user!.organisationId,
        actor: req.user!,
        action: 'organisation.certificateRetentionChanged',
        subject: { kind: 'organisation', id: req.user!.organisationId },
        details: { before, after: years },
      });
      setFlash(req, 'success', req.t('privacy:erasure.office.periodSaved', { count: years }));
      res.redirect(303, OFFICE_PATH);
    },
    retentionForm.refuse,
  );

  router.get(`${OFFICE_PATH}/:userId`, admin, params, async (req, res) => {
    noStore(res);
    await renderOrderPage(req, res, blank);
  });
  router.post(
    `${OFFICE_PATH}/:userId`,
    admin,
    params,
    orderForm.accept,
    async (req: Request, res: Response) => {
      await orderErasure(platform, req.user!, inputOf<ErasureParams>(res, 'params').userId, orderForm.input(res).reason);
      setFlash(req, 'success', req.t('privacy:erasure.order.ordered'));
      res.redirect(303, OFFICE_PATH);
    },
    orderForm.refuse,
  );
  return router;
}
