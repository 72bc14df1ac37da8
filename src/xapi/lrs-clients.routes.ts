// Admin page /admin/lrs-klienci: list, create (secret shown once, after the redirect) and delete (confirmed on a page of its own) the organisation's LRS clients.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { requireRole } from '../auth/require-user.js';
import { carriedSlot, setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { presentLrsClient, presentLrsClients } from './lrs-client.presenter.js';
import { CreateLrsClientBody, LrsClientIdParams } from './lrs-client.schemas.js';
import { createLrsClient, deleteLrsClient, listLrsClients, lrsClientOf } from './lrs-client.service.js';
import type { XapiVocabulary } from './xapi-vocabulary.js';

const PATH = '/admin/lrs-klienci';

/** The client just created: left in the session by the POST for the one page that shows its secret. */
interface CreatedClient {
  name: string;
  key: string;
  secret: string;
}

/**
 * The secret travels in the session from the POST to the page its redirect leads to, which takes it out as it shows
 * it: a refresh, the back button or a second tab finds it gone (the page is never cached: a signed-in person's pages are no-store).
 */
const createdClientSlot = carriedSlot<CreatedClient>('lrsClientCreated');

/** The page: the list, and the form for a new client (`created` once, right after one was made). */
async function renderPage(vocabulary: XapiVocabulary, req: Request, res: Response, form: FormView): Promise<void> {
  const clients = presentLrsClients(await listLrsClients(req.user!.organisationId));
  res.render('xapi/clients', {
    title: req.t('xapi:clients.title'),
    clients,
    endpoint: vocabulary.lrsEndpoint,
    ...form,
    created: createdClientSlot.take(req),
  });
}

/** The new-client form of the page, which names this installation's LRS endpoint. */
function newClientFormOf(vocabulary: XapiVocabulary) {
  return defineForm({
    schema: CreateLrsClientBody,
    keep: ['name', 'access'],
    order: ['name', 'access'],
    // The access choice is a fieldset of radios: its summary entry links to the first one.
    anchors: { access: 'access-rw' },
    show: (req, res, form) => renderPage(vocabulary, req, res, form),
  });
}

async function createClient(newClientForm: ReturnType<typeof newClientFormOf>, req: Request, res: Response): Promise<void> {
  const { name, access } = newClientForm.input(res);
  const created = await createLrsClient({ organisationId: req.user!.organisationId, name, canRead: access !== 'write', canWrite: access !== 'read' });
  createdClientSlot.leave(req, { name, key: created.key, secret: created.secret });
  // Post/redirect/get: the list shows the secret once; F5 there reloads the list and creates nothing.
  res.redirect(303, PATH);
}

/** "Usuń" of the list: what deleting means, before anything is deleted. */
async function confirmRemoval(req: Request, res: Response): Promise<void> {
  const client = presentLrsClient(await lrsClientOf(req.user!.organisationId, inputOf<LrsClientIdParams>(res, 'params').id));
  res.render('xapi/client-delete', { title: req.t('xapi:clientDelete.title', { name: client.name }), client, back: PATH });
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
  const newClientForm = newClientFormOf(vocabulary);
  router.get(PATH, admin, (req, res) => newClientForm.show(req, res, { values: { access: 'read-write' } }));
  router.post(PATH, admin, newClientForm.accept, (req: Request, res: Response) => createClient(newClientForm, req, res), newClientForm.refuse);
  router.get(`${PATH}/:id/usun`, admin, validate(LrsClientIdParams, 'params'), confirmRemoval);
  router.post(`${PATH}/:id/usun`, admin, validate(LrsClientIdParams, 'params'), removeClient);
  return router;
}
