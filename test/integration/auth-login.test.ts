import { expect } from 'chai';
import request from 'supertest';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('ajst.sid='))?.split(';')[0];
}

describe('auth/login.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  async function loginForm(query = '') {
    const agent = request.agent(server.url);
    const page = await agent.get(`/logowanie${query}`).expect(200);
    return { agent, page, csrf: csrfTokenFrom(page.text) };
  }

  it('logs a confirmed learner in (any letter case), shows their name, and logs them out', async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email.toUpperCase(), password);
    const home = await agent.get('/').expect(200);
    expect(home.text).to.contain('Zażółć Gęślą Jaźń');
    const out = await agent
      .post('/wyloguj')
      .type('form')
      .send({ _csrf: csrfTokenFrom(home.text) })
      .expect(302);
    expect(out.headers.location).to.equal('/');
    const after = await agent.get('/').expect(200);
    expect(after.text).to.not.contain('Zażółć Gęślą Jaźń');
    expect(after.text).to.contain('Wylogowano');
  });

  it('gives a new session id at login (no session fixation)', async () => {
    const { user, password } = await buildLearner();
    const { agent, page, csrf } = await loginForm();
    const before = sessionCookie(page);
    expect(before, 'the form page starts a session for its CSRF token').to.be.a('string');
    const res = await agent.post('/logowanie').type('form').send({ _csrf: csrf, email: user.email, password }).expect(302);
    const after = sessionCookie(res);
    expect(after).to.be.a('string');
    expect(after).to.not.equal(before);
  });

  it('refuses a wrong password with 401, keeps the e-mail, and never echoes the password', async () => {
    const { user } = await buildLearner();
    const { agent, csrf } = await loginForm();
    const res = await agent.post('/logowanie').type('form').send({ _csrf: csrf, email: user.email, password: 'Zle-haslo-ale-dlugie' }).expect(401);
    expect(res.text).to.contain('Nieprawidłowy adres e-mail lub hasło.');
    expect(res.text).to.contain(`value="${user.email}"`);
    expect(res.text).to.not.contain('Zle-haslo-ale-dlugie');
    expect(res.text).to.match(/id="email"[^>]*aria-describedby="email-error" aria-invalid="true"/s);
  });

  it('answers an unknown address exactly like a wrong password', async () => {
    const { agent, csrf } = await loginForm();
    const res = await agent.post('/logowanie').type('form').send({ _csrf: csrf, email: 'nikt@example.test', password: 'Cokolwiek-dlugiego' }).expect(401);
    expect(res.text).to.contain('Nieprawidłowy adres e-mail lub hasło.');
  });

  it('re-renders empty or garbage fields with 400', async () => {
    const { agent, csrf } = await loginForm();
    const empty = await agent.post('/logowanie').type('form').send({ _csrf: csrf, email: '', password: '' }).expect(400);
    expect(empty.text).to.contain('<a href="#email">Wpisz adres e-mail.</a>');
    expect(empty.text).to.contain('<a href="#password">Wpisz hasło.</a>');
    const arrays = await agent
      .post('/logowanie')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&email=a@b.pl&email=c@d.pl&password=x&password=y`);
    expect(arrays.status).to.equal(400);
  });

  it('returns to a local ?next= page after login, and ignores one pointing elsewhere', async () => {
    const { user, password } = await buildLearner();
    const local = await loginForm('?next=%2Fszkolenia%2Frodo%3Fa%3D1');
    expect(local.page.text).to.contain('name="next" value="/szkolenia/rodo?a&#x3D;1"');
    const toLocal = await local.agent.post('/logowanie').type('form').send({ _csrf: local.csrf, email: user.email, password, next: '/szkolenia/rodo?a=1' }).expect(302);
    expect(toLocal.headers.location).to.equal('/szkolenia/rodo?a=1');

    for (const evil of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const form = await loginForm(`?next=${encodeURIComponent(evil)}`);
      expect(form.page.text).to.not.contain('name="next"');
      // Nor does it say why the login page came up: a foreign `next` is no deep link of ours.
      expect(form.page.text).to.not.contain('login-reason');
      const res = await form.agent.post('/logowanie').type('form').send({ _csrf: form.csrf, email: user.email, password, next: evil }).expect(302);
      expect(res.headers.location, evil).to.equal('/pulpit');
    }
  });

  it('answers 429 with the form and a Polish message after 10 failed logins for one address', async () => {
    const { user, password } = await buildLearner();
    const { agent, csrf } = await loginForm();
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      await agent
        .post('/logowanie')
        .type('form')
        .send({ _csrf: csrf, email: user.email, password: `Zle-haslo-numer-${attempt}` })
        .expect(401);
    }
    const limited = await agent.post('/logowanie').type('form').send({ _csrf: csrf, email: user.email, password }).expect(429);
    expect(limited.text).to.contain('Zbyt wiele nieudanych prób logowania.');
    expect(limited.text).to.contain('action="/logowanie"');
    // Another address from the same computer is not locked out.
    const other = await buildLearner();
    await agent.post('/logowanie').type('form').send({ _csrf: csrf, email: other.user.email, password: other.password }).expect(302);
  });

  it('refuses a login or logout without its CSRF token with 403', async () => {
    const { user, password } = await buildLearner();
    await request(server.url).post('/logowanie').type('form').send({ email: user.email, password }).expect(403);
    const agent = await loginAgent(server.url, user.email, password);
    const res = await agent.post('/wyloguj').type('form').send({}).expect(403);
    expect(res.text).to.contain('Formularz wygasł');
    expect((await agent.get('/').expect(200)).text).to.contain('Zażółć Gęślą Jaźń');
  });

  it('sends a signed-in person on from the login page', async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email, password);
    const res = await agent.get('/logowanie?next=%2Fszkolenia').expect(302);
    expect(res.headers.location).to.equal('/szkolenia');
  });

  it('shows the login page in English with ?lang=en', async () => {
    const res = await request(server.url).get('/logowanie?lang=en').expect(200);
    expect(res.text).to.contain('<html lang="en">');
    expect(res.text).to.contain('Forgot your password?');
  });
});
