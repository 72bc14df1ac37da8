// /kadry/oczekujacy: wiring for HR's list of people waiting for approval, and approving or turning them down.
import { Router } from 'express';
import { z } from 'zod';
import { setFlash } from '../http/flash.js';
import { noStore } from '../http/cache-control.js';
import { inputOf, objectIdParam, validate } from '../http/validate.js';
import { approvePerson, pendingPeopleOf, rejectPerson, type ApprovalDeps } from './approval.service.js';
import { requireRole } from './require-user.js';

const PATH = '/kadry/oczekujacy';
const RejectBody = z.object({ reason: z.string().trim().max(500).optional().catch(undefined) });

/** HR and admins of an office, for their own office only (the person's office is checked in the service). */
export function approvalRouter(deps: ApprovalDeps): Router {
  const router = Router();
  const hr = requireRole('hr', 'admin');
  const params = validate(objectIdParam(), 'params');
  const approver = (user: Express.User) => ({ id: user.id, fullName: user.fullName, organisationId: user.organisationId });

  router.get(PATH, hr, async (req, res) => {
    noStore(res);
    res.render('auth/pending-people', { title: req.t('joining:pending.title'), people: await pendingPeopleOf(req.user!.organisationId) });
  });
  router.post(`${PATH}/:id/zatwierdz`, hr, params, async (req, res) => {
    const person = await approvePerson(deps, approver(req.user!), inputOf<{ id: string }>(res, 'params').id);
    setFlash(req, 'success', req.t('joining:pending.approved', { name: person.fullName }));
    res.redirect(303, PATH);
  });
  router.post(`${PATH}/:id/odrzuc`, hr, params, validate(RejectBody), async (req, res) => {
    const { reason } = inputOf<z.infer<typeof RejectBody>>(res);
    const person = await rejectPerson(deps, approver(req.user!), inputOf<{ id: string }>(res, 'params').id, reason || undefined);
    setFlash(req, 'success', req.t('joining:pending.rejected', { name: person.fullName }));
    res.redirect(303, PATH);
  });
  return router;
}
