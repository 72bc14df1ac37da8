// /urzad/logowanie/:id/synchronizacja: HR or the office admin looks at what the LDAP sync would change, then applies it.
import { Router, type Request, type Response } from 'express';
import { requireRole } from '../../auth/require-user.js';
import { setFlash } from '../../http/flash.js';
import { inputOf, validate } from '../../http/validate.js';
import { MethodIdParams } from '../sign-in-methods.schemas.js';
import { ldapSyncPath } from '../sign-in-methods.read.js';
import { methodOfOffice } from '../sign-in-methods.service.js';
import { applyLdapSync, planLdapSync, type LdapSyncDeps, type PlannedUpdate } from './ldap-sync.service.js';

/** A planned change in words for the page: one line per field changed. */
function changeLines(req: Request, update: PlannedUpdate): string[] {
  const lines: string[] = [];
  const { changes } = update;
  if (changes.fullName) lines.push(req.t('sso:sync.changeName', { before: changes.fullName.before, after: changes.fullName.after }));
  if (changes.email) lines.push(req.t('sso:sync.changeEmail', { before: changes.email.before, after: changes.email.after }));
  if (changes.department) lines.push(req.t('sso:sync.changeDepartment', { before: changes.department.before ?? '—', after: changes.department.after ?? '—' }));
  if (changes.roles) {
    const names = (roles: string[]) => roles.map((role) => req.t(`people:roles.${role}`)).join(', ');
    lines.push(req.t('sso:sync.changeRoles', { before: names(changes.roles.before), after: names(changes.roles.after) }));
  }
  return lines;
}

/** The dry run and the apply (HR and admins of the method's office; another office's method is not found). */
export function ldapSyncRouter(platform: LdapSyncDeps): Router {
  const router = Router();
  const staff = requireRole('hr', 'admin');
  const params = validate(MethodIdParams, 'params');

  router.get('/urzad/logowanie/:id/synchronizacja', staff, params, async (req: Request, res: Response) => {
    const method = await methodOfOffice(req.user!.organisationId, inputOf<MethodIdParams>(res, 'params').id);
    const outcome = method.kind === 'ldap' ? await planLdapSync(platform, method) : { failure: 'settings' as const, detail: 'not an LDAP method' };
    if ('failure' in outcome) req.log?.warn({ signInMethodId: String(method._id), reason: outcome.failure, detail: outcome.detail }, 'LDAP sync dry run failed');
    const plan = 'plan' in outcome ? outcome.plan : undefined;
    res.render('sso/sync', {
      title: req.t('sso:sync.title', { label: method.label }),
      label: method.label,
      action: ldapSyncPath(method._id),
      isAdmin: req.user!.roles.includes('admin'),
      failure: 'failure' in outcome ? req.t(`sso:sync.failed.${outcome.failure}`) : undefined,
      plan: plan && {
        ...plan,
        update: plan.update.map((update) => ({ ...update, lines: changeLines(req, update) })),
        deactivate: plan.deactivate.map((leaver) => ({ ...leaver, why: req.t(`sso:sync.why.${leaver.why}`) })),
        nothing: !plan.update.length && !plan.deactivate.length,
      },
      lastSyncAt: method.lastSyncAt,
    });
  });

  router.post('/urzad/logowanie/:id/synchronizacja', staff, params, async (req: Request, res: Response) => {
    const method = await methodOfOffice(req.user!.organisationId, inputOf<MethodIdParams>(res, 'params').id);
    const outcome = method.kind === 'ldap' ? await applyLdapSync(platform, method) : { failure: 'settings' as const, detail: 'not an LDAP method' };
    if ('failure' in outcome) {
      req.log?.warn({ signInMethodId: String(method._id), reason: outcome.failure, detail: outcome.detail }, 'LDAP sync failed');
      setFlash(req, 'error', req.t(`sso:sync.failed.${outcome.failure}`));
    } else {
      setFlash(req, 'success', req.t('sso:sync.applied', { deactivated: outcome.plan.deactivate.length, updated: outcome.plan.update.length }));
    }
    res.redirect(303, ldapSyncPath(method._id));
  });
  return router;
}
