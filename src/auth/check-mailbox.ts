// The "check your mailbox" page every account form that sends a link redirects to (registration, resend, reset).
import { Router, type Request, type Response } from 'express';
import { noStore } from '../http/cache-control.js';
import { carriedSlot } from '../http/flash.js';
import { inputOf, validate } from '../http/validate.js';
import { CheckMailboxQuery, type MailSent } from './auth.schemas.js';

const PATH = '/sprawdz-poczte';

/** What was sent, named in the page's address (so F5 shows the same words): each with the lead that says it. */
const LEADS: Record<MailSent, string> = {
  konto: 'auth:checkMailbox.lead',
  zatwierdzenie: 'auth:checkMailbox.leadPending',
  haslo: 'auth:resetRequest.sent',
  ponownie: 'auth:resend.sent',
};

/** The address typed, for the one page after the form: it stays out of the address bar, the history and the logs. */
const typedAddressSlot = carriedSlot<string>('checkMailboxAddress');

/**
 * Post/redirect/get for a form that sent a link: F5 on the page that follows sends nothing again. The same answer
 * for any address (an unknown one included), so the page tells no one whether an account exists.
 */
export function redirectToCheckMailbox(req: Request, res: Response, email: string, sent: MailSent): void {
  typedAddressSlot.leave(req, email);
  res.redirect(303, `${PATH}?wyslano=${sent}`);
}

/** The page; the address is shown the first time only (a refresh or the back button finds it gone). */
export function checkMailboxRouter(): Router {
  const router = Router();
  router.get(PATH, validate(CheckMailboxQuery, 'query'), (req, res) => {
    noStore(res);
    const { wyslano } = inputOf<CheckMailboxQuery>(res, 'query');
    res.render('auth/check-mailbox', { title: req.t('auth:checkMailbox.title'), email: typedAddressSlot.take(req), lead: req.t(LEADS[wyslano]) });
  });
  return router;
}
