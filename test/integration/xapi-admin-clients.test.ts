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

  it('lets an admin create a client (secret shown once, working at the LRS) and delete it', async () => {
    const organisation = await buildOrganisation();
    const { user, password } = await buildLearner({ organisation, overrides: { roles: ['admin'] } });
    const agent = await loginAgent(server.url, user.email, password);
    const page = await agent.get('/admin/lrs-klienci').expect(200);
    expect(page.text).to.contain('Klienci LRS');
    // Reached from the admin's "Zarządzanie" area (the header has one entry for every admin area).
    expect((await agent.get('/zarzadzanie').expect(200)).text).to.contain('href="/admin/lrs-klienci"');
    const created = await agent
      .post('/admin/lrs-klienci')
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), name: 'Moodle gminy', access: 'read' })
      .expect(201);
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
    await agent
      .post(`/admin/lrs-klienci/${client!._id.toHexString()}/usun`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(listed.text) })
      .expect(303);
    await agent.get('/xapi/statements').set('X-Experience-API-Version', '1.0.3').set('Authorization', auth).expect(401);
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
