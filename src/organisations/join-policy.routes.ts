// /urzad/rejestracja: wiring for the office admin's choice of who may join the office.
import { Router, type Request, type Response } from 'express';
import type { AuditTrail } from '../audit/audit-trail.js';
import { requireRole } from '../auth/require-user.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { JOIN_POLICIES } from './organisation.model.js';
import { JoinPolicyBody } from './join-policy.schemas.js';
import { joinPolicyOf, setJoinPolicy } from './join-policy.service.js';

const PATH = '/urzad/rejestracja';

async function renderPolicy(req: Request, res: Response, form: FormView): Promise<void> {
  const current = await joinPolicyOf(req.user!.organisationId);
  // A blank form shows the stored setting; a refused one what was sent.
  const chosen = (form.values.joinPolicy as string | undefined) ?? current.joinPolicy;
  const domains = (form.values.emailDomains as string | undefined) ?? current.emailDomains.join('\n');
  res.render('organisations/join-policy', {
    title: req.t('joining:policy.title'),
    ...form,
    officeName: current.name,
    domains,
    policies: JOIN_POLICIES.map((policy) => ({ value: policy, checked: policy === chosen, label: req.t(`joining:policy.${policy}`), hint: req.t(`joining:policy.${policy}Hint`) })),
  });
}

const policyForm = defineForm({
  schema: JoinPolicyBody,
  keep: ['joinPolicy', 'emailDomains'],
  order: ['joinPolicy', 'emailDomains'],
  anchors: { joinPolicy: 'joinPolicy-invitation' },
  show: renderPolicy,
});

/** The admin's own office only: the page reads and writes req.user's organisation, never an id from the request. */
export function joinPolicyRouter(deps: { audit: AuditTrail }): Router {
  const router = Router();
  const admin = requireRole('admin');
  router.get(PATH, admin, (req, res) => policyForm.show(req, res));
  router.post(
    PATH,
    admin,
    policyForm.accept,
    async (req: Request, res: Response) => {
      const user = req.user!;
      await setJoinPolicy(deps, user.organisationId, policyForm.input(res), { id: user.id, fullName: user.fullName });
      setFlash(req, 'success', req.t('joining:policy.saved'));
      res.redirect(303, PATH);
    },
    policyForm.refuse,
  );
  return router;
}
