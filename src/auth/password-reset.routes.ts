// /haslo/reset: wiring for the password reset request and the new-password form.
import { Router, type Request, type Response } from 'express';
import { setFlash } from '../http/flash.js';
import { keepSessionForForm } from '../http/form-session.js';
import { defineForm } from '../http/forms.js';
import { createMailRateLimit } from './auth-rate-limits.js';
import { redirectToCheckMailbox } from './check-mailbox.js';
import { EmailOnlyBody, NewPasswordBody } from './auth.schemas.js';
import { isResetTokenLive, requestPasswordReset, resetPassword } from './password-reset.service.js';
import { mailContextOf, type AccountPagesDeps } from './mail-context.js';

function renderLinkInvalid(req: Request, res: Response): void {
  res.status(400).render('auth/link-invalid', {
    title: req.t('auth:linkInvalid.title'),
    retryHref: '/haslo/reset',
    retryLabel: req.t('auth:linkInvalid.newReset'),
  });
}

const resetRequestForm = defineForm({
  schema: EmailOnlyBody,
  keep: ['email'],
  show: (req, res, form) => res.render('auth/reset-request', { title: req.t('auth:resetRequest.title'), ...form }),
});

// Passwords are never shown again: nothing is kept.
const newPasswordForm = defineForm({
  schema: NewPasswordBody,
  order: ['password', 'passwordConfirm'],
  show: (req, res, form) => res.render('auth/reset-password', { title: req.t('auth:resetPassword.title'), ...form }),
});

/** Reset request (same answer for any address) and the one-time new-password form. */
export function passwordResetRouter(deps: AccountPagesDeps): Router {
  const router = Router();
  const mailRateLimit = createMailRateLimit(deps.counters);

  router.get('/haslo/reset', keepSessionForForm, (req, res) => resetRequestForm.show(req, res));
  router.post(
    '/haslo/reset',
    mailRateLimit,
    resetRequestForm.accept,
    async (req: Request, res: Response) => {
      const { email } = resetRequestForm.input(res);
      await requestPasswordReset(email, mailContextOf(deps, res));
      redirectToCheckMailbox(req, res, email, 'haslo');
    },
    resetRequestForm.refuse,
  );

  router.get('/haslo/reset/:token', keepSessionForForm, async (req, res) => {
    if (!(await isResetTokenLive(req.params.token))) return renderLinkInvalid(req, res);
    await newPasswordForm.show(req, res);
  });
  router.post('/haslo/reset/:token', newPasswordForm.accept, async (req: Request<{ token: string }>, res: Response) => {
    const input = newPasswordForm.input(res);
    const done = await resetPassword(req.params.token, input.password, mailContextOf(deps, res), deps.counters);
    if (!done) return renderLinkInvalid(req, res);
    setFlash(req, 'success', req.t('auth:resetPassword.done'));
    res.redirect('/logowanie');
  });
  return router;
}
