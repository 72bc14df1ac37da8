// Admin page /admin/lrs-klienci: list, create (secret shown once) and delete the organisation's LRS clients.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { requireRole } from '../auth/require-user.js';
import { setFlash } from '../auth/flash.js';
import { fieldErrorsOf, inputOf, validate } from '../http/validate.js';
import { presentLrsClients } from './lrs-client.presenter.js';
import { CreateLrsClientBody, LrsClientIdParams } from './lrs-client.schemas.js';
import { createLrsClient, deleteLrsClient, listLrsClients } from './lrs-client.service.js';
import type { XapiVocabulary } from './xapi-vocabulary.js';

const PATH = '/admin/lrs-klienci';

async function renderPage(vocabulary: XapiVocabulary, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
  const clients = presentLrsClients(await listLrsClients(req.user!.organisationId));
  res.status(status).render('xapi/clients', {
    title: req.t('xapi:clients.title'),
    clients,
    endpoint: vocabulary.lrsEndpoint,
    values: { access: 'read-write' },
    ...extra,
  });
}

async function createClient(vocabulary: XapiVocabulary, req: Request, res: Response): Promise<void> {
  const parsed = CreateLrsClientBody.safeParse(req.body);
  if (!parsed.success) {
    // Field-level messages are locale keys, translated here so the form keeps what was typed.
    const errors = Object.fromEntries(Object.entries(fieldErrorsOf(parsed.error)).map(([field, messages]) => [field, req.t(messages[0])]));
    await renderPage(vocabulary, req, res, { errors, values: req.body as Record<string, unknown> }, 400);
    return;
  }
  const { name, access } = parsed.data;
  const created = await createLrsClient({ organisationId: req.user!.organisationId, name, canRead: access !== 'write', canWrite: access !== 'read' });
  await renderPage(vocabulary, req, res, { created: { name, key: created.key, secret: created.secret } }, 201);
}

async function removeClient(req: Request, res: Response): Promise<void> {
  await deleteLrsClient(req.user!.organisationId, inputOf<LrsClientIdParams>(res, 'params').id);
  setFlash(req, 'success', req.t('xapi:clients.deleted'));
  res.redirect(303, PATH);
}

/** Adds "Klienci LRS" to the header for admins (mounted after i18n and currentUserLocals, like other nav links). */
export function lrsClientsNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.roles.includes('admin')) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: PATH, label: req.t('xapi:clients.nav') });
  }
  next();
}

/** The admin page for LRS clients of the admin's own organisation. */
export function lrsClientsRouter({ vocabulary }: { vocabulary: XapiVocabulary }): Router {
  const router = Router();
  const admin = requireRole('admin');
  router.get(PATH, admin, (req, res) => renderPage(vocabulary, req, res));
  router.post(PATH, admin, (req, res) => createClient(vocabulary, req, res));
  router.post(`${PATH}/:id/usun`, admin, validate(LrsClientIdParams, 'params'), removeClient);
  return router;
}
