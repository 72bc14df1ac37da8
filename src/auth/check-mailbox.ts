// The "check your mailbox" page every account form that sends a link answers with (registration, resend, reset).
import type { Request, Response } from 'express';

/** Renders the page for `email` with the lead that says what was sent (`leadKey`, an auth: key). */
export function renderCheckMailbox(req: Request, res: Response, email: string, leadKey: string): void {
  res.render('auth/check-mailbox', { title: req.t('auth:checkMailbox.title'), email, lead: req.t(leadKey) });
}
