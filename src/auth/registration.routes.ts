// /rejestracja and /potwierdz-email: wiring for registration and e-mail confirmation.
import { Router, type Request, type Response } from 'express';
import { keepSessionForForm } from '../http/form-session.js';
import { defineForm, type FormView } from '../http/forms.js';
import { RegistrationQuery } from '../organisations/join-policy.schemas.js';
import { joinableOfficeById, searchOffices } from '../organisations/join-policy.service.js';
import { EmailOnlyBody, RegistrationBody } from './auth.schemas.js';
import { confirmEmail, registerLearner, resendConfirmation } from './registration.service.js';
import { createMailRateLimit, createSignUpRateLimit } from './auth-rate-limits.js';
import { mailContextOf, type AccountPagesDeps } from './mail-context.js';
import { redirectToCheckMailbox } from './check-mailbox.js';

const REGISTRATION_FIELDS = ['fullName', 'email', 'password', 'passwordConfirm', 'organisationId', 'departmentId', 'consent'];

/**
 * Two steps without JavaScript: find the office (?szukaj=, a short list of links), then the form for the chosen
 * office (?urzad=<id>, or the office the refused form was sent for) with that office's departments only.
 * An invitation-only office gets a notice instead of the form.
 */
async function renderRegistration(req: Request, res: Response, form: FormView): Promise<void> {
  const query = RegistrationQuery.parse(req.query);
  const office = await joinableOfficeById(form.values.organisationId ?? query.urzad);
  const search = office ? undefined : (query.szukaj ?? '').trim();
  const found = search ? await searchOffices(search) : undefined;
  res.render('auth/register', {
    title: req.t('auth:register.title'),
    ...form,
    search,
    found: found && { ...found, none: found.offices.length === 0 },
    office: office && {
      ...office,
      invitationOnly: office.joinPolicy === 'invitation',
      byDomains: office.joinPolicy === 'domains',
      byApproval: office.joinPolicy === 'approval',
      domainList: office.emailDomains.map((d) => `@${d}`).join(', '),
      departments: office.departments.map((d) => ({ ...d, selected: d.id === form.values.departmentId })),
    },
  });
}

// Passwords are never shown again.
const registrationForm = defineForm({
  schema: RegistrationBody,
  keep: ['fullName', 'email', 'organisationId', 'departmentId', 'consent'],
  order: REGISTRATION_FIELDS,
  // The office is chosen in the first step: its message is shown next to the search or the chosen office's name.
  anchors: { organisationId: 'organisationId-error' },
  show: renderRegistration,
});

const resendForm = defineForm({
  schema: EmailOnlyBody,
  keep: ['email'],
  show: (req, res, form) => res.render('auth/resend', { title: req.t('auth:resend.title'), ...form }),
});

/** Registration, confirmation links, and resending them. */
export function registrationRouter(deps: AccountPagesDeps): Router {
  const router = Router();
  const mailRateLimit = createMailRateLimit(deps.counters);
  const signUpRateLimit = createSignUpRateLimit(deps.counters, deps.config.SIGNUP_RATE_LIMIT_PER_HOUR);

  router.get('/rejestracja', keepSessionForForm, (req, res) => registrationForm.show(req, res));
  router.post(
    '/rejestracja',
    signUpRateLimit,
    mailRateLimit,
    registrationForm.accept,
    async (req: Request, res: Response) => {
      const input = registrationForm.input(res);
      const status = await registerLearner(input, mailContextOf(deps, res));
      redirectToCheckMailbox(req, res, input.email, status === 'pending' ? 'zatwierdzenie' : 'konto');
    },
    registrationForm.refuse,
  );

  // Declared before /:token so that "wyslij-ponownie" is never taken for a token.
  router.get('/potwierdz-email/wyslij-ponownie', keepSessionForForm, (req, res) => resendForm.show(req, res));
  router.post(
    '/potwierdz-email/wyslij-ponownie',
    mailRateLimit,
    resendForm.accept,
    async (req: Request, res: Response) => {
      const { email } = resendForm.input(res);
      await resendConfirmation(email, mailContextOf(deps, res));
      redirectToCheckMailbox(req, res, email, 'ponownie');
    },
    resendForm.refuse,
  );

  router.get('/potwierdz-email/:token', async (req, res) => {
    const confirmed = await confirmEmail(req.params.token);
    if (confirmed) {
      res.render('auth/confirmed', { title: req.t('auth:confirmed.title'), pending: confirmed === 'pending' });
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
