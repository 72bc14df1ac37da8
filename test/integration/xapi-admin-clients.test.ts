import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LrsClient } from '../../src/xapi/lrs-client.model.js';

describe('xapi/lrs-clients.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  it('lets an admin create a client (secret shown once after the redirect, working at the LRS) and delete it after a confirmation', async () => {
    const organisation = await buildOrganisation();
    const { user, password } = await buildLearner({ organisation, overrides: { roles: ['admin'] } });
    const agent = await loginAgent(server.url, user.email, password);
    const page = await agent.get('/admin/lrs-klienci').expect(200);
    expect(page.text).to.contain('Klienci LRS');
    // Reached from the admin's "Zarządzanie" area (the header has one entry for every admin area).
    expect((await agent.get('/zarzadzanie').expect(200)).text).to.contain('href="/admin/lrs-klienci"');
    const posted = await agent
      .post('/admin/lrs-klienci')
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), name: 'Moodle gminy', access: 'read' })
      .expect(303);
    expect(posted.headers.location).to.equal('/admin/lrs-klienci');
    // The secret is nowhere in the POST's answer: only the page it redirects to shows it, once.
    expect(posted.text).to.not.contain('Hasło (sekret)');
    const created = await agent.get('/admin/lrs-klienci').expect(200);
    expect(created.headers['cache-control']).to.equal('no-store');
    const key = /Klucz \(login\)<\/dt><dd><code>([^<]+)</.exec(created.text)?.[1];
    const secret = /Hasło \(sekret\)<\/dt><dd><code>([^<]+)</.exec(created.text)?.[1];
    expect(key).to.be.a('string');
    expect(secret).to.be.a('string');
    const auth = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    await agent.get('/xapi/statements').set('X-Experience-API-Version', '1.0.3').set('Authorization', auth).expect(200);
    await agent.post('/xapi/statements').set('X-Experience-API-Version', '1.0.3').set('Authorization', auth).send({}).expect(403);

    const listed = await agent.get('/admin/lrs-klienci').expect(200);
    expect(listed.text).to.contain('Moodle gminy').and.not.contain(secret!);
    const client = await LrsClient.findOne({ key, organisationId: organisation._id }).lean();
    const deleteUrl = `/admin/lrs-klienci/${client!._id.toHexString()}/usun`;
    // "Usuń" on the list is a link to a page of its own that says what deleting means; nothing is deleted yet.
    expect(listed.text).to.contain(`href="${deleteUrl}"`);
    const confirm = await agent.get(deleteUrl).expect(200);
    expect(confirm.text).to.contain('Usunąć klienta LRS „Moodle gminy”?');
    expect(confirm.text).to.contain('przestaną móc wysyłać');
    expect(confirm.text).to.contain(`<form method="post" action="${deleteUrl}">`);
    expect(confirm.text).to.contain('href="/admin/lrs-klienci">Anuluj</a>');
    expect(await LrsClient.countDocuments({ organisationId: organisation._id })).to.equal(1);
    const removed = await agent
      .post(deleteUrl)
      .type('form')
      .send({ _csrf: csrfTokenFrom(confirm.text) })
      .expect(303);
    expect(removed.headers.location).to.equal('/admin/lrs-klienci');
    expect((await agent.get('/admin/lrs-klienci').expect(200)).text).to.contain('Klient LRS został usunięty');
    await agent.get('/xapi/statements').set('X-Experience-API-Version', '1.0.3').set('Authorization', auth).expect(401);
    // The confirmation of a client deleted (or of another organisation's) is a 404.
    await agent.get(deleteUrl).expect(404);
  });

  it('re-renders the form with a Polish field error and keeps what was typed', async () => {
    const { user, password } = await buildLearner({ overrides: { roles: ['admin'] } });
    const agent = await loginAgent(server.url, user.email, password);
    const page = await agent.get('/admin/lrs-klienci').expect(200);
    const res = await agent
      .post('/admin/lrs-klienci')
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), name: 'X', access: 'write' })
      .expect(400);
    expect(res.text).to.contain('Podaj nazwę');
    expect(res.text).to.contain('aria-describedby="name-hint name-error"');
    expect(res.text).to.match(/id="access-w" name="access" value="write" checked/);
  });

  it('refuses people who are not admins', async () => {
    const { user, password } = await buildLearner({ overrides: { roles: ['hr'] } });
    const agent = await loginAgent(server.url, user.email, password);
    await agent.get('/admin/lrs-klienci').expect(403);
    const home = await agent.get('/').expect(200);
    expect(home.text).not.to.contain('href="/admin/lrs-klienci"');
  });
});
