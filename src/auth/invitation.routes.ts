// /zaproszenie/:token: the invited person chooses a password and the account becomes active.
import { Router, type Request, type Response } from 'express';
import { setFlash } from '../http/flash.js';
import { keepSessionForForm } from '../http/form-session.js';
import { defineForm } from '../http/forms.js';
import { NewPasswordBody } from './auth.schemas.js';
import { acceptInvitation, invitedPersonOf } from './invitation.service.js';

function renderLinkInvalid(req: Request, res: Response): void {
  res.status(400).render('auth/link-invalid', {
    title: req.t('auth:linkInvalid.title'),
    lead: req.t('auth:invitation.newInvitation'),
  });
}

// Passwords are never shown again: nothing is kept. `res.locals.invitee` (set by the routes) greets the person.
const choosePasswordForm = defineForm({
  schema: NewPasswordBody,
  order: ['password', 'passwordConfirm'],
  show: (req, res, form) => res.render('auth/accept-invitation', { title: req.t('auth:invitation.title'), invitee: res.locals.invitee as unknown, ...form }),
});

export function invitationRouter(): Router {
  const router = Router();
  router.get('/zaproszenie/:token', keepSessionForForm, async (req, res) => {
    const invitee = await invitedPersonOf(req.params.token);
    if (!invitee) return renderLinkInvalid(req, res);
    res.locals.invitee = invitee;
    await choosePasswordForm.show(req, res);
  });
  router.post(
    '/zaproszenie/:token',
    async (req: Request<{ token: string }>, res: Response, next) => {
      // The greeting is shown again when the form comes back with errors.
      res.locals.invitee = await invitedPersonOf(req.params.token);
      if (!res.locals.invitee) return renderLinkInvalid(req, res);
      next();
    },
    choosePasswordForm.accept,
    async (req: Request<{ token: string }>, res: Response) => {
      const input = choosePasswordForm.input(res);
      if (!(await acceptInvitation(req.params.token, input.password))) return renderLinkInvalid(req, res);
      setFlash(req, 'success', req.t('auth:invitation.done'));
      res.redirect('/logowanie');
    },
  );
  return router;
}
