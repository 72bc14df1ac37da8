// Certificate pages: "Moje zaświadczenia" with downloads, and HR's list with revoke and name correction.
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { requireRole, requireUser } from '../auth/require-user.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Platform } from '../platform.js';
import { setFlash } from '../auth/flash.js';
import { fieldErrorsOf, inputOf, validate } from '../http/validate.js';
import { presentOrganisationCertificate, presentOwnCertificates } from './certificate.presenter.js';
import { CertificateIdParams, CorrectNameBody, RevokeBody, ScoreConsentBody } from './certificate.schemas.js';
import {
  certificateCredential,
  certificateForActor,
  certificatePdf,
  certificatesOfLearner,
  certificatesOfOrganisation,
  correctLearnerName,
  revokeCertificate,
  scoreConsentOf,
  setScoreConsent,
} from './certificate.service.js';
import type { CertificateDoc } from './certificate.model.js';
import { envelopeOf } from './open-badge.js';
import { ConflictError } from '../http/errors.js';

function sendPdf(res: Response, file: { code: string; pdf: Buffer }): void {
  res
    .set('Content-Type', 'application/pdf')
    .set('Content-Disposition', `attachment; filename="${file.code}.pdf"`)
    .set('Cache-Control', 'private, no-store')
    .send(file.pdf);
}

async function downloadPdf(req: Request, res: Response): Promise<void> {
  sendPdf(res, await certificatePdf(req.user!, inputOf<CertificateIdParams>(res, 'params').id));
}

/** The certificate an HR form is about (for the page heading), after the policy check. */
function managedCertificate(req: Request, res: Response, action: 'revoke' | 'reissue'): Promise<CertificateDoc> {
  return certificateForActor(req.user!, inputOf<CertificateIdParams>(res, 'params').id, action);
}

function renderRevokeForm(catalogue: CourseCatalogue, req: Request, res: Response, certificate: CertificateDoc, extra: Record<string, unknown> = {}, status = 200): void {
  res.status(status).render('certificates/revoke', {
    title: req.t('certificates:manage.revokeTitle', { code: certificate.code }),
    certificate: presentOrganisationCertificate(certificate, catalogue),
    ...extra,
  });
}

function renderCorrectForm(catalogue: CourseCatalogue, req: Request, res: Response, certificate: CertificateDoc, extra: Record<string, unknown> = {}, status = 200): void {
  res.status(status).render('certificates/correct-name', {
    title: req.t('certificates:manage.correctTitle', { code: certificate.code }),
    certificate: presentOrganisationCertificate(certificate, catalogue),
    values: { fullName: certificate.learnerName },
    ...extra,
  });
}

/**
 * Adds "Moje zaświadczenia" (and, for HR and admins, the organisation's list) to the header of every page.
 * Mounted before the home page router, after i18n and currentUserLocals (labels are translated here).
 */
export function certificateNavLinks(req: Request, res: Response, next: NextFunction): void {
  const user = req.user;
  if (user) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: '/moje-zaswiadczenia', label: req.t('certificates:nav.mine') });
    if (user.roles.includes('hr') || user.roles.includes('admin')) links.push({ href: '/zaswiadczenia', label: req.t('certificates:nav.manage') });
  }
  next();
}

/** The certificate pages of learners and HR. */
export function certificateRouter(platform: Platform): Router {
  const router = Router();
  const params = validate(CertificateIdParams, 'params');
  const hr = requireRole('hr', 'admin');

  router.get('/moje-zaswiadczenia', requireUser, async (req, res) => {
    const { current, history } = presentOwnCertificates(await certificatesOfLearner(req.user!), platform.catalogue);
    const showScore = await scoreConsentOf(req.user!);
    res.render('certificates/mine', { title: req.t('certificates:mine.title'), current, history, hasAny: current.length + history.length > 0, showScore });
  });
  router.post('/moje-zaswiadczenia/wynik', requireUser, validate(ScoreConsentBody), async (req, res) => {
    const showScore = inputOf<ScoreConsentBody>(res).showScore === 'tak';
    await setScoreConsent(req.user!, showScore);
    setFlash(req, 'success', req.t(showScore ? 'certificates:mine.scoreShown' : 'certificates:mine.scoreHidden'));
    res.redirect(303, '/moje-zaswiadczenia');
  });
  router.get('/moje-zaswiadczenia/:id/pdf', requireUser, params, downloadPdf);
  router.get('/moje-zaswiadczenia/:id/odznaka.json', requireUser, params, async (req, res) => {
    const { code, jwt } = await certificateCredential(req.user!, inputOf<CertificateIdParams>(res, 'params').id);
    res
      .set('Content-Disposition', `attachment; filename="${code}.json"`)
      .type('application/json')
      .send(JSON.stringify(envelopeOf(jwt), null, 2));
  });
  router.get('/moje-zaswiadczenia/:id/odznaka.jwt', requireUser, params, async (req, res) => {
    const { code, jwt } = await certificateCredential(req.user!, inputOf<CertificateIdParams>(res, 'params').id);
    res.set('Content-Disposition', `attachment; filename="${code}.jwt"`).type('application/vc+jwt').send(jwt);
  });

  router.get('/zaswiadczenia', hr, async (req, res) => {
    const certificates = (await certificatesOfOrganisation(req.user!)).map((certificate) => presentOrganisationCertificate(certificate, platform.catalogue));
    res.render('certificates/manage', { title: req.t('certificates:manage.title'), certificates });
  });
  router.get('/zaswiadczenia/:id/pdf', hr, params, downloadPdf);

  router.get('/zaswiadczenia/:id/uniewaznij', hr, params, async (req, res) => {
    const certificate = await managedCertificate(req, res, 'revoke');
    if (certificate.state === 'revoked') throw new ConflictError('To zaświadczenie zostało już unieważnione.');
    renderRevokeForm(platform.catalogue, req, res, certificate);
  });
  router.post('/zaswiadczenia/:id/uniewaznij', hr, params, async (req, res) => {
    const certificate = await managedCertificate(req, res, 'revoke');
    const body = RevokeBody.safeParse(req.body);
    if (!body.success) {
      renderRevokeForm(platform.catalogue, req, res, certificate, { errors: fieldErrorsOf(body.error), values: req.body }, 400);
      return;
    }
    await revokeCertificate(platform, { actor: req.user!, certificateId: certificate._id.toHexString(), reason: body.data.reason });
    setFlash(req, 'success', req.t('certificates:manage.revoked', { code: certificate.code }));
    res.redirect(303, '/zaswiadczenia');
  });

  router.get('/zaswiadczenia/:id/popraw-dane', hr, params, async (req, res) => {
    const certificate = await managedCertificate(req, res, 'reissue');
    if (certificate.state !== 'issued') throw new ConflictError('Ponownie wystawić można tylko aktualne zaświadczenie.');
    renderCorrectForm(platform.catalogue, req, res, certificate);
  });
  router.post('/zaswiadczenia/:id/popraw-dane', hr, params, async (req, res) => {
    const certificate = await managedCertificate(req, res, 'reissue');
    const body = CorrectNameBody.safeParse(req.body);
    if (!body.success) {
      renderCorrectForm(platform.catalogue, req, res, certificate, { errors: fieldErrorsOf(body.error), values: req.body }, 400);
      return;
    }
    const reissued = await correctLearnerName(platform, { actor: req.user!, certificateId: certificate._id.toHexString(), fullName: body.data.fullName });
    setFlash(
      req,
      'success',
      reissued.length
        ? req.t('certificates:manage.reissued', { codes: reissued.map((c) => c.code).join(', ') })
        : req.t('certificates:manage.nothingToReissue'),
    );
    res.redirect(303, '/zaswiadczenia');
  });

  return router;
}
