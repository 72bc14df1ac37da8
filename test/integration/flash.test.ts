// The one-time notice survives requests that render no page (the browser's icon request, downloads, redirects).
import { expect } from 'chai';
import MongoStore from 'connect-mongo';
import mongoose from 'mongoose';
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
    await agent
      .post('/wyloguj')
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) })
      .expect(302);

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

  it('stores the notice before the redirect is answered, so a browser following at once finds it', async () => {
    const { user, password } = await buildLearner();
    // fetch resolves as soon as the headers arrive, as a browser follows a redirect: that is the moment to look.
    const cookies = new Map<string, string>();
    const call = async (path: string, form?: Record<string, string>) => {
      const res = await fetch(`${server.url}${path}`, {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      for (const set of res.headers.getSetCookie()) {
        const [pair] = set.split(';');
        cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      return res;
    };
    const login = await (await call('/logowanie')).text();
    const signedIn = await call('/logowanie', { email: user.email, password, _csrf: csrfTokenFrom(login) });
    expect(signedIn.status, await signedIn.text()).to.equal(302);
    const course = await (await call('/szkolenia/rodo-w-urzedzie')).text();
    // A slow session store (a loaded database): each save finishes 300 ms after it was asked for.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kept unbound to be restored below; the stand-in calls it with the store's own `this`
    const save = MongoStore.prototype.set;
    MongoStore.prototype.set = function (this: MongoStore, ...args: Parameters<MongoStore['set']>) {
      setTimeout(() => save.apply(this, args), 300);
    };
    let enrolled: Response;
    try {
      enrolled = await call('/szkolenia/rodo-w-urzedzie/zapis', { _csrf: csrfTokenFrom(course) });
    } finally {
      MongoStore.prototype.set = save;
    }
    expect(enrolled.status).to.equal(303);
    const sessions = await mongoose.connection.db!.collection('sessions').find({}).toArray();
    const notices = sessions.map((doc) => (doc.session as { flash?: { message: string } }).flash?.message).filter(Boolean);
    expect(notices.join(' ')).to.contain('Zapisano');
    await enrolled.body?.cancel();
  });
});
