// /haslo/reset: wiring for the password reset request and the new-password form.
import { Router, type Request, type Response } from 'express';
import { ValidationError } from '../http/errors.js';
import { parseInput } from '../http/validate.js';
import { createMailRateLimit } from './auth-rate-limits.js';
import { formView } from './auth.presenter.js';
import { keepSessionForForm } from './form-session.js';
import { EmailOnlyBody, NewPasswordBody } from './auth.schemas.js';
import { setFlash } from './flash.js';
import { isResetTokenLive, requestPasswordReset, resetPassword } from './password-reset.service.js';
import { mailContextOf, type AccountPagesDeps } from './mail-context.js';

function renderLinkInvalid(req: Request, res: Response): void {
  res.status(400).render('auth/link-invalid', {
    title: req.t('auth:linkInvalid.title'),
    retryHref: '/haslo/reset',
    retryLabel: req.t('auth:linkInvalid.newReset'),
  });
}

/** Reset request (same answer for any address) and the one-time new-password form. */
export function passwordResetRouter(deps: AccountPagesDeps): Router {
  const router = Router();
  const mailRateLimit = createMailRateLimit();

  router.get('/haslo/reset', keepSessionForForm, (req, res) => {
    res.render('auth/reset-request', { title: req.t('auth:resetRequest.title'), ...formView(req.t, {}) });
  });
  router.post('/haslo/reset', mailRateLimit, async (req, res) => {
    try {
      const { email } = parseInput(EmailOnlyBody, req.body);
      await requestPasswordReset(email, mailContextOf(deps, res));
      res.render('auth/check-mailbox', { title: req.t('auth:checkMailbox.title'), email, lead: req.t('auth:resetRequest.sent') });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(400).render('auth/reset-request', {
        title: req.t('auth:resetRequest.title'),
        ...formView(req.t, req.body, { keep: ['email'], fieldErrors: error.fieldErrors }),
      });
    }
  });

  router.get('/haslo/reset/:token', keepSessionForForm, async (req, res) => {
    if (!(await isResetTokenLive(req.params.token))) return renderLinkInvalid(req, res);
    res.render('auth/reset-password', { title: req.t('auth:resetPassword.title'), ...formView(req.t, {}) });
  });
  router.post('/haslo/reset/:token', async (req, res) => {
    let input;
    try {
      input = parseInput(NewPasswordBody, req.body);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(400).render('auth/reset-password', {
        title: req.t('auth:resetPassword.title'),
        ...formView(req.t, req.body, { keep: [], fieldErrors: error.fieldErrors, order: ['password', 'passwordConfirm'] }),
      });
      return;
    }
    const done = await resetPassword(req.params.token, input.password, mailContextOf(deps, res));
    if (!done) return renderLinkInvalid(req, res);
    setFlash(req, 'success', req.t('auth:resetPassword.done'));
    res.redirect('/logowanie');
  });
  return router;
}
