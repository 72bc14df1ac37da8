// /rejestracja and /potwierdz-email: wiring for registration and e-mail confirmation.
import { Router, type Request, type Response } from 'express';
import { ValidationError } from '../http/errors.js';
import { parseInput } from '../http/validate.js';
import { listOfficeChoices } from '../organisations/organisation.service.js';
import { formView } from './auth.presenter.js';
import { keepSessionForForm } from './form-session.js';
import { EmailOnlyBody, RegistrationBody } from './auth.schemas.js';
import { confirmEmail, registerLearner, resendConfirmation } from './registration.service.js';
import { createMailRateLimit } from './auth-rate-limits.js';
import { mailContextOf, type AccountPagesDeps } from './mail-context.js';

const REGISTRATION_FIELDS = ['fullName', 'email', 'password', 'passwordConfirm', 'organisationId', 'departmentId', 'consent'];

async function renderRegistration(req: Request, res: Response, fieldErrors?: Record<string, string[]>): Promise<void> {
  const form = formView(req.t, req.body, {
    keep: ['fullName', 'email', 'organisationId', 'departmentId', 'consent'],
    fieldErrors,
    order: REGISTRATION_FIELDS,
  });
  const offices = (await listOfficeChoices()).map((office) => ({
    ...office,
    selected: office.id === form.values.organisationId,
    departments: office.departments.map((d) => ({ ...d, selected: d.id === form.values.departmentId })),
  }));
  res.status(fieldErrors ? 400 : 200).render('auth/register', { title: req.t('auth:register.title'), ...form, offices });
}

function renderResendSent(req: Request, res: Response, email: string): void {
  res.render('auth/check-mailbox', { title: req.t('auth:checkMailbox.title'), email, lead: req.t('auth:resend.sent') });
}

/** Registration, confirmation links, and resending them. */
export function registrationRouter(deps: AccountPagesDeps): Router {
  const router = Router();
  const mailRateLimit = createMailRateLimit();

  router.get('/rejestracja', keepSessionForForm, (req, res) => renderRegistration(req, res));
  router.post('/rejestracja', mailRateLimit, async (req, res) => {
    try {
      const input = parseInput(RegistrationBody, req.body);
      await registerLearner(input, mailContextOf(deps, res));
      res.render('auth/check-mailbox', { title: req.t('auth:checkMailbox.title'), email: input.email, lead: req.t('auth:checkMailbox.lead') });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderRegistration(req, res, error.fieldErrors);
    }
  });

  // Declared before /:token so that "wyslij-ponownie" is never taken for a token.
  router.get('/potwierdz-email/wyslij-ponownie', keepSessionForForm, (req, res) => {
    res.render('auth/resend', { title: req.t('auth:resend.title'), ...formView(req.t, {}) });
  });
  router.post('/potwierdz-email/wyslij-ponownie', mailRateLimit, async (req, res) => {
    try {
      const { email } = parseInput(EmailOnlyBody, req.body);
      await resendConfirmation(email, mailContextOf(deps, res));
      renderResendSent(req, res, email);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(400).render('auth/resend', { title: req.t('auth:resend.title'), ...formView(req.t, req.body, { keep: ['email'], fieldErrors: error.fieldErrors }) });
    }
  });

  router.get('/potwierdz-email/:token', async (req, res) => {
    if (await confirmEmail(req.params.token)) {
      res.render('auth/confirmed', { title: req.t('auth:confirmed.title') });
      return;
    }
    res.status(400).render('auth/link-invalid', {
      title: req.t('auth:linkInvalid.title'),
      retryHref: '/potwierdz-email/wyslij-ponownie',
      retryLabel: req.t('auth:linkInvalid.resendConfirmation'),
    });
  });
  return router;
}
