// /konto: wiring for one's own account (name, e-mail, password, sessions); post/redirect/get with flash notices.
import { Router, type Request, type Response } from 'express';
import type { AccountPagesDeps } from '../auth/mail-context.js';
import { mailContextOf } from '../auth/mail-context.js';
import { createMailRateLimit } from '../auth/auth-rate-limits.js';
import { requireUser } from '../auth/require-user.js';
import { formatDateTime } from '../calendar/calendar.js';
import { noStore } from '../http/cache-control.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { EmailChangeBody, NameBody, PasswordChangeBody } from './account.schemas.js';
import { accountOf, changePassword, confirmEmailChange, renamePerson, requestEmailChange } from './account.service.js';
import { endOtherSessions, sessionsOf } from './account-sessions.js';

const PATH = '/konto';
type FormName = 'nameForm' | 'emailForm' | 'passwordForm';

/** The account page; `forms` holds the one form shown again with its field messages (the others are blank). */
async function renderAccount(req: Request, res: Response, forms: Partial<Record<FormName, FormView>>): Promise<void> {
  const user = req.user!;
  const account = await accountOf(user.id);
  const blank: FormView = { values: {}, errors: {}, errorSummary: [] };
  const language = res.locals.lang as string;
  const sessions = (await sessionsOf(user.id, req.sessionID)).map((s) => ({
    ...s,
    signedInAt: s.signedInAt && formatDateTime(s.signedInAt, language),
    lastSeenAt: s.lastSeenAt && formatDateTime(s.lastSeenAt, language),
  }));
  const nameForm = forms.nameForm ?? { ...blank, values: { fullName: account.fullName } };
  res.render('account/account', {
    title: req.t('account:title'),
    account,
    sessions,
    otherSessions: sessions.filter((s) => !s.current).length,
    nameForm,
    emailForm: forms.emailForm ?? blank,
    passwordForm: forms.passwordForm ?? blank,
    // The error summary of the form that came back, at the top of the page.
    errorSummary: [...(forms.nameForm?.errorSummary ?? []), ...(forms.emailForm?.errorSummary ?? []), ...(forms.passwordForm?.errorSummary ?? [])],
  });
}

const nameForm = defineForm({ schema: NameBody, keep: ['fullName'], show: (req, res, form) => renderAccount(req, res, { nameForm: form }) });
const emailForm = defineForm({ schema: EmailChangeBody, keep: ['newEmail'], show: (req, res, form) => renderAccount(req, res, { emailForm: form }) });
const passwordForm = defineForm({
  schema: PasswordChangeBody,
  order: ['currentPassword', 'password', 'passwordConfirm'],
  show: (req, res, form) => renderAccount(req, res, { passwordForm: form }),
});

/** The signed-in person's own account pages. */
export function accountRouter(deps: AccountPagesDeps): Router {
  const router = Router();
  const mailRateLimit = createMailRateLimit(deps.counters);

  router.get(PATH, requireUser, async (req, res) => {
    // It carries CSRF tokens and the person's address: never cached.
    noStore(res);
    await renderAccount(req, res, {});
  });

  router.post(
    `${PATH}/imie`,
    requireUser,
    nameForm.accept,
    async (req: Request, res: Response) => {
      await renamePerson(req.user!.id, nameForm.input(res).fullName);
      setFlash(req, 'success', req.t('account:name.saved'));
      res.redirect(303, PATH);
    },
    nameForm.refuse,
  );

  router.post(
    `${PATH}/email`,
    requireUser,
    mailRateLimit,
    emailForm.accept,
    async (req: Request, res: Response) => {
      const { newEmail } = emailForm.input(res);
      await requestEmailChange(req.user!.id, newEmail, mailContextOf(deps, res));
      setFlash(req, 'info', req.t('account:email.sent', { email: newEmail }));
      res.redirect(303, PATH);
    },
    emailForm.refuse,
  );

  // The link from the new mailbox; signing in first (requireUser keeps ?next=) proves it is the same person.
  router.get(`${PATH}/email/:token`, requireUser, async (req, res) => {
    const outcome = await confirmEmailChange(req.user!.id, req.params.token, mailContextOf(deps, res));
    if (outcome === 'invalid') {
      res.status(400).render('auth/link-invalid', {
        title: req.t('auth:linkInvalid.title'),
        lead: req.t('account:email.linkInvalid'),
        retryHref: PATH,
        retryLabel: req.t('account:backToAccount'),
      });
      return;
    }
    setFlash(req, outcome === 'changed' ? 'success' : 'error', req.t(outcome === 'changed' ? 'account:email.changed' : 'account:errors.emailTaken'));
    res.redirect(303, PATH);
  });

  router.post(
    `${PATH}/haslo`,
    requireUser,
    passwordForm.accept,
    async (req: Request, res: Response) => {
      const input = passwordForm.input(res);
      await changePassword(req.user!.id, req.sessionID, input, mailContextOf(deps, res));
      setFlash(req, 'success', req.t('account:password.changed'));
      res.redirect(303, PATH);
    },
    passwordForm.refuse,
  );

  router.post(`${PATH}/sesje/wyloguj-inne`, requireUser, async (req, res) => {
    const ended = await endOtherSessions(req.user!.id, req.sessionID);
    setFlash(req, 'success', req.t('account:sessions.ended', { count: ended }));
    res.redirect(303, PATH);
  });
  return router;
}
