import { expect } from 'chai';
import request from 'supertest';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('auth/login.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  it('logs a confirmed learner in, shows their name, and logs them out', async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email, password);
    const home = await agent.get('/').expect(200);
    expect(home.text).to.contain('Zażółć Gęślą Jaźń');
    const out = await agent.post('/wyloguj').type('form').send({ _csrf: csrfTokenFrom(home.text) }).expect(302);
    expect(out.headers.location).to.equal('/');
    const after = await agent.get('/').expect(200);
    expect(after.text).to.not.contain('Zażółć Gęślą Jaźń');
    expect(after.text).to.contain('Wylogowano');
  });
});
