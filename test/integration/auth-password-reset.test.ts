import { expect } from 'chai';
import request from 'supertest';
import { AuthToken } from '../../src/auth/auth-token.model.js';
import { issueToken } from '../../src/auth/auth-token.service.js';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { linkIn, mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const NEW_PASSWORD = 'Nowe-haslo-do-konta-2026';

describe('auth/password-reset.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  async function requestReset(email: string) {
    const agent = request.agent(server.url);
    const form = await agent.get('/haslo/reset').expect(200);
    const res = await agent
      .post('/haslo/reset')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), email })
      .expect(303);
    // Post/redirect/get: the same page after it for any address.
    expect(res.headers.location).to.equal('/sprawdz-poczte?wyslano=haslo');
    return (await agent.get(res.headers.location).expect(200)).text;
  }

  it('answers the same for a known and an unknown address, and mails only the known one', async () => {
    const { user } = await buildLearner();
    const known = await requestReset(user.email);
    const unknown = await requestReset('nie-ma-mnie@example.test');
    const normalise = (html: string, email: string) => html.replace(email, 'ADDRESS').replace(/value="[^"]*"/g, 'value=""');
    expect(normalise(known, user.email)).to.equal(normalise(unknown, 'nie-ma-mnie@example.test'));
    expect(known).to.contain('Jeśli istnieje konto z tym adresem');
    expect(await mailsTo(user.email)).to.have.length(1);
    expect(await mailsTo('nie-ma-mnie@example.test')).to.have.length(0);
  });

  it('sets a new password once with the mailed link, ends other sessions, and the link then stops working', async function () {
    this.timeout(30_000);
    const { user, password } = await buildLearner();
    const elsewhere = await loginAgent(server.url, user.email, password);
    await requestReset(user.email);
    const [mail] = await mailsTo(user.email);
    expect(mail.subject).to.equal('Ustawienie nowego hasła w Akademii JST');
    const path = new URL(linkIn(mail)).pathname;
    expect(path).to.match(/^\/haslo\/reset\/[A-Za-z0-9_-]{43}$/);

    const agent = request.agent(server.url);
    const form = await agent.get(path).expect(200);
    expect(form.text).to.contain('Ustaw nowe hasło');
    const csrf = csrfTokenFrom(form.text);

    const mismatch = await agent.post(path).type('form').send({ _csrf: csrf, password: NEW_PASSWORD, passwordConfirm: 'Cos-zupelnie-innego' }).expect(400);
    expect(mismatch.text).to.contain('<a href="#passwordConfirm">Hasła nie są takie same.</a>');
    expect(mismatch.text).to.not.contain(NEW_PASSWORD);
    const short = await agent.post(path).type('form').send({ _csrf: csrf, password: 'krotkie', passwordConfirm: 'krotkie' }).expect(400);
    expect(short.text).to.contain('Hasło musi mieć co najmniej 12 znaków.');

    const done = await agent.post(path).type('form').send({ _csrf: csrf, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD }).expect(302);
    expect(done.headers.location).to.equal('/logowanie');
    expect((await agent.get('/logowanie').expect(200)).text).to.contain('Hasło zostało zmienione.');

    // The session signed in before the reset is over.
    expect((await elsewhere.get('/').expect(200)).text).to.not.contain('Zażółć Gęślą Jaźń');
    await loginAgent(server.url, user.email, NEW_PASSWORD);
    const old = request.agent(server.url);
    const loginForm = await old.get('/logowanie').expect(200);
    await old
      .post('/logowanie')
      .type('form')
      .send({ _csrf: csrfTokenFrom(loginForm.text), email: user.email, password })
      .expect(401);

    // Single use.
    await request(server.url).get(path).expect(400);
    const fresh = await agent.get('/haslo/reset').expect(200);
    const again = await agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfTokenFrom(fresh.text), password: 'Jeszcze-inne-haslo-1', passwordConfirm: 'Jeszcze-inne-haslo-1' })
      .expect(400);
    expect(again.text).to.contain('Link nie działa');
    const mails = await mailsTo(user.email);
    expect(mails.map((m) => m.subject)).to.include('Hasło w Akademii JST zostało zmienione');
  });

  it('refuses an expired reset link and leaves the password as it was', async () => {
    const { user, password } = await buildLearner();
    const token = await issueToken(user._id, 'reset-password', new Date(Date.now() - 61 * 60 * 1000));
    const page = await request(server.url).get(`/haslo/reset/${token}`).expect(400);
    expect(page.text).to.contain('Link nie działa');
    expect(page.text).to.contain('href="/haslo/reset"');

    const agent = request.agent(server.url);
    const form = await agent.get('/haslo/reset').expect(200);
    await agent
      .post(`/haslo/reset/${token}`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })
      .expect(400);
    const stored = await User.findById(user._id).lean<UserDoc>();
    expect(stored!.passwordHash).to.equal(user.passwordHash);
    await loginAgent(server.url, user.email, password);
  });

  it('does not accept a confirmation token as a reset token, or a malformed one', async () => {
    const { user } = await buildLearner();
    const confirmation = await issueToken(user._id, 'confirm-email');
    await request(server.url).get(`/haslo/reset/${confirmation}`).expect(400);
    expect(await AuthToken.countDocuments({ userId: user._id, purpose: 'confirm-email' })).to.equal(1);
    await request(server.url).get('/haslo/reset/abc').expect(400);
    await request(server.url)
      .get(`/haslo/reset/${'a'.repeat(5000)}`)
      .expect(400);
  });

  it('only the newest reset link works', async () => {
    const { user } = await buildLearner();
    const first = await issueToken(user._id, 'reset-password');
    const second = await issueToken(user._id, 'reset-password');
    await request(server.url).get(`/haslo/reset/${first}`).expect(400);
    await request(server.url).get(`/haslo/reset/${second}`).expect(200);
  });
});
