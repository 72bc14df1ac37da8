// The one-time notice survives requests that render no page (the browser's icon request, downloads, redirects).
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const NOTICE = 'Wylogowano. Do zobaczenia!';

describe('http/flash', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  it('serves the icon before sessions, and the notice waits for the next page', async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email, password);
    const page = await agent.get('/moje-szkolenia').expect(200);
    expect(page.text).to.contain('<link rel="icon" href="/assets/favicon.svg"');
    await agent.post('/wyloguj').type('form').send({ _csrf: csrfTokenFrom(page.text) }).expect(302);

    const icon = await agent.get('/favicon.ico').expect(200);
    expect(icon.headers['content-type']).to.match(/^image\/svg\+xml/);
    expect(icon.headers['set-cookie']).to.equal(undefined);
    await agent.get('/assets/favicon.svg').expect(200);
    // A redirect renders no page either.
    await agent.get('/moje-szkolenia').expect(302);

    const home = await agent.get('/').expect(200);
    expect(home.text).to.contain(NOTICE);
    // Shown once.
    expect((await agent.get('/').expect(200)).text).to.not.contain(NOTICE);
  });
});
