// Certificate pages: "Moje zaświadczenia" with downloads, and HR's list with revoke and name correction.
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { requireRole, requireUser } from '../auth/require-user.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { Platform } from '../platform.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { presentOrganisationCertificate, presentOwnCertificates } from './certificate.presenter.js';
import { CertificateIdParams, CorrectNameBody, RevokeBody, ScoreConsentBody } from './certificate.schemas.js';
import { correctLearnerName, revokeCertificate } from './certificate-admin.service.js';
import {
  certificateCredential,
  certificateForActor,
  certificatePdf,
  certificatesOfLearner,
  certificatesOfOrganisation,
  scoreConsentOf,
  setScoreConsent,
} from './certificate-queries.service.js';
import type { CertificateDoc } from './certificate.model.js';
import { envelopeOf } from './open-badge.js';
import { ConflictError } from '../http/errors.js';
import { accessBy, type PlatformEvents } from '../events/platform-events.js';

function sendPdf(res: Response, file: { code: string; pdf: Buffer }): void {
  res.set('Content-Type', 'application/pdf').set('Content-Disposition', `attachment; filename="${file.code}.pdf"`).set('Cache-Control', 'private, no-store').send(file.pdf);
}

/** The PDF; someone else's (HR, an admin) goes into the access trail before it is sent (one's own is not recorded). */
function downloadPdf(events: PlatformEvents) {
  return async (req: Request, res: Response): Promise<void> => {
    const file = await certificatePdf(req.user!, inputOf<CertificateIdParams>(res, 'params').id);
    await events.emit('personalData.accessed', accessBy(req.user!, 'certificatePdf', [file.holderId]));
    sendPdf(res, file);
  };
}

/** The certificate an HR form is about (for the page heading), after the policy check. */
function managedCertificate(req: Request, res: Response, action: 'revoke' | 'reissue'): Promise<CertificateDoc> {
  return certificateForActor(req.user!, inputOf<CertificateIdParams>(res, 'params').id, action);
}

/** The HR forms about one certificate find it (after the policy check) before the form is shown, and keep it here. */
function certificateOf(res: Response): CertificateDoc {
  return res.locals.certificate as CertificateDoc;
}

/**
 * Loads the certificate for the form's heading (403/404 before any form is shown). The blank form also refuses a
 * certificate in the wrong state (409); a submission leaves that to the service, which checks it again anyway.
 */
function loadManaged(action: 'revoke' | 'reissue', checkState: boolean) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const certificate = await managedCertificate(req, res, action);
    if (!checkState) {
      res.locals.certificate = certificate;
      next();
      return;
    }
    if (action === 'revoke' && certificate.state === 'revoked') throw new ConflictError('To zaświadczenie zostało już unieważnione.');
    if (action === 'reissue' && certificate.state !== 'issued') throw new ConflictError('Ponownie wystawić można tylko aktualne zaświadczenie.');
    res.locals.certificate = certificate;
    next();
  };
}

/** "Moje zaświadczenia" with the score consent form (the page's one form). */
async function renderMine(catalogue: CourseCatalogue, req: Request, res: Response, form: FormView): Promise<void> {
  const { current, history } = presentOwnCertificates(await certificatesOfLearner(req.user!), catalogue);
  const showScore = await scoreConsentOf(req.user!);
  res.render('certificates/mine', { title: req.t('certificates:mine.title'), current, history, hasAny: current.length + history.length > 0, showScore, ...form });
}

/** The certificate pages' forms; their pages name each course in its own language (the catalogue's). */
function certificateFormsOf(catalogue: CourseCatalogue) {
  const revokeForm = defineForm({
    schema: RevokeBody,
    keep: ['reason'],
    show: (req, res, form) => {
      const certificate = certificateOf(res);
      res.render('certificates/revoke', {
        title: req.t('certificates:manage.revokeTitle', { code: certificate.code }),
        certificate: presentOrganisationCertificate(certificate, catalogue),
        ...form,
      });
    },
  });

  const correctNameForm = defineForm({
    schema: CorrectNameBody,
    keep: ['fullName'],
    show: (req, res, form) => {
      const certificate = certificateOf(res);
      res.render('certificates/correct-name', {
        title: req.t('certificates:manage.correctTitle', { code: certificate.code }),
        certificate: presentOrganisationCertificate(certificate, catalogue),
        ...form,
      });
    },
  });

  const scoreConsentForm = defineForm({ schema: ScoreConsentBody, anchors: { showScore: 'show-score' }, show: (req, res, form) => renderMine(catalogue, req, res, form) });
  return { revokeForm, correctNameForm, scoreConsentForm };
}

/**
 * Adds "Moje zaświadczenia" (and, for HR and admins, the organisation's list) to the header of every page.
 * Mounted before the home page router, after i18n and currentUserLocals (labels are translated here).
 */
export function certificateNavLinks(req: Request, res: Response, next: NextFunction): void {
  const user = req.user;
  if (user) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string; personal?: boolean }>;
    links.push({ href: '/moje-zaswiadczenia', label: req.t('certificates:nav.mine'), personal: true });
    if (user.roles.includes('hr') || user.roles.includes('admin')) links.push({ href: '/zaswiadczenia', label: req.t('certificates:nav.manage') });
  }
  next();
}

/** The certificate pages of learners and HR. */
export function certificateRouter(platform: Platform): Router {
  const router = Router();
  const { revokeForm, correctNameForm, scoreConsentForm } = certificateFormsOf(platform.catalogue);
  const params = validate(CertificateIdParams, 'params');
  const hr = requireRole('hr', 'admin');

  router.get('/moje-zaswiadczenia', requireUser, (req, res) => scoreConsentForm.show(req, res));
  router.post(
    '/moje-zaswiadczenia/wynik',
    requireUser,
    scoreConsentForm.accept,
    async (req: Request, res: Response) => {
      const showScore = scoreConsentForm.input(res).showScore === 'tak';
      await setScoreConsent(req.user!, showScore);
      setFlash(req, 'success', req.t(showScore ? 'certificates:mine.scoreShown' : 'certificates:mine.scoreHidden'));
      res.redirect(303, '/moje-zaswiadczenia');
    },
    scoreConsentForm.refuse,
  );
  router.get('/moje-zaswiadczenia/:id/pdf', requireUser, params, downloadPdf(platform.events));
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
  router.get('/zaswiadczenia/:id/pdf', hr, params, downloadPdf(platform.events));

  router.get('/zaswiadczenia/:id/uniewaznij', hr, params, loadManaged('revoke', true), (req, res) => revokeForm.show(req, res));
  router.post(
    '/zaswiadczenia/:id/uniewaznij',
    hr,
    params,
    loadManaged('revoke', false),
    revokeForm.accept,
    async (req: Request, res: Response) => {
      const certificate = certificateOf(res);
      await revokeCertificate(platform, { actor: req.user!, certificateId: certificate._id.toHexString(), reason: revokeForm.input(res).reason });
      setFlash(req, 'success', req.t('certificates:manage.revoked', { code: certificate.code }));
      res.redirect(303, '/zaswiadczenia');
    },
    revokeForm.refuse,
  );

  router.get('/zaswiadczenia/:id/popraw-dane', hr, params, loadManaged('reissue', true), (req, res) => {
    // The form starts from the name on the certificate.
    return correctNameForm.show(req, res, { values: { fullName: certificateOf(res).learnerName } });
  });
  router.post(
    '/zaswiadczenia/:id/popraw-dane',
    hr,
    params,
    loadManaged('reissue', false),
    correctNameForm.accept,
    async (req: Request, res: Response) => {
      const certificate = certificateOf(res);
      const reissued = await correctLearnerName(platform, { actor: req.user!, certificateId: certificate._id.toHexString(), fullName: correctNameForm.input(res).fullName });
      setFlash(
        req,
        'success',
        reissued.length ? req.t('certificates:manage.reissued', { codes: reissued.map((c) => c.code).join(', ') }) : req.t('certificates:manage.nothingToReissue'),
      );
      res.redirect(303, '/zaswiadczenia');
    },
    correctNameForm.refuse,
  );

  return router;
}
