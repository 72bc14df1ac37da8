// Issue 10, finding 11: personal and form pages are never cached, the CSP allows nothing inline or foreign,
// and anonymous visitors of public pages leave no session document behind.
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { SESSION_COLLECTION } from '../../src/auth/session-cleanup.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The whole policy, as a browser receives it: a change here is a decision, not an accident. */
const EXPECTED_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  // Stated although default-src implies it (app.ts says why), after helmet's defaults.
  "media-src 'self'",
].join(';');

async function sessionCount(): Promise<number> {
  return mongoose.connection.db!.collection(SESSION_COLLECTION).countDocuments();
}

describe('http/cache-control, helmet CSP and anonymous sessions (app.ts)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers every page of a signed-in person with Cache-Control: no-store', async () => {
    const { user, password } = await buildLearner({ overrides: { roles: ['learner', 'hr'] } });
    const agent = await loginAgent(server.url, user.email, password);
    for (const page of ['/moje-szkolenia', '/kadry', '/moje-zaswiadczenia', '/szkolenia', '/']) {
      const res = await agent.get(page).expect(200);
      expect(res.headers['cache-control'], page).to.equal('no-store');
    }
    // Error pages of a signed-in person too (they show the header with the person's name).
    const missing = await agent.get('/nie-ma-takiej-strony').expect(404);
    expect(missing.headers['cache-control']).to.equal('no-store');
  });

  it('answers form pages with no-store, shown blank or again with what was typed', async () => {
    const agent = request.agent(server.url);
    const form = await agent.get('/logowanie').expect(200);
    expect(form.headers['cache-control']).to.equal('no-store');
    const refused = await agent
      .post('/logowanie')
      .type('form')
      .send({ email: 'nikt@example.test', password: 'zle-haslo-123', _csrf: csrfTokenFrom(form.text) });
    expect(refused.status).to.equal(401);
    expect(refused.headers['cache-control']).to.equal('no-store');
    for (const page of ['/rejestracja', '/haslo/reset']) {
      expect((await request(server.url).get(page).expect(200)).headers['cache-control'], page).to.equal('no-store');
    }
  });

  it('leaves public pages and static assets cacheable', async () => {
    expect((await request(server.url).get('/').expect(200)).headers['cache-control']).to.equal(undefined);
    const css = await request(server.url).get('/assets/css/app.css').expect(200);
    expect(css.headers['cache-control']).to.match(/^public, max-age=\d+$/);
  });

  it('sends the final Content-Security-Policy: nothing inline, no foreign origin, no web fonts', async () => {
    const res = await request(server.url).get('/').expect(200);
    expect(res.headers['content-security-policy']).to.equal(EXPECTED_CSP);
    // What the policy refuses is not needed: no page of ours has an inline style.
    expect(res.text).not.to.match(/\sstyle=|<style/i);
  });

  it('stores no session for anonymous GETs of public pages; a form page keeps one for its CSRF token', async () => {
    await mongoose.connection.db!.collection(SESSION_COLLECTION).deleteMany({});
    for (const page of ['/', '/szkolenia', '/deklaracja-dostepnosci', '/assets/css/app.css']) {
      const res = await request(server.url).get(page);
      expect(res.status, page).to.be.below(400);
      expect(res.headers['set-cookie'] ?? [], page).not.to.satisfy((cookies: string[]) => cookies.some((c) => c.startsWith('ajst.sid=')));
    }
    expect(await sessionCount()).to.equal(0);
    // Intended (http/form-session.ts): the token of a form is bound to the session, so that one is kept.
    await request(server.url).get('/logowanie').expect(200);
    expect(await sessionCount()).to.equal(1);
  });
});
