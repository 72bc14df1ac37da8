import { expect } from 'chai';
import request from 'supertest';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom } from '../helpers/factories.js';
import { linkIn, mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const LOCKED_SUBJECT = 'Logowanie do Twojego konta w Akademii JST wstrzymano na 15 minut';
const TOO_MANY = 'Zbyt wiele nieudanych prób logowania.';

/** A fresh agent holding the CSRF token of `path`'s form on `server`. */
async function formAgent(server: TestServer, path: string) {
  const agent = request.agent(server.url);
  const page = await agent.get(path).expect(200);
  return { agent, csrf: csrfTokenFrom(page.text) };
}

describe('auth/account-lockout and the rate limits behind a proxy', () => {
  useTestDatabase(import.meta.url);
  // Behind one TLS proxy, as the README tells an installation to run it.
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: '1' });
  });
  after(async () => server.close());

  async function login(agent: request.Agent, csrf: string, email: string, password: string, forwardedFor: string) {
    return agent.post('/logowanie').set('X-Forwarded-For', forwardedFor).type('form').send({ _csrf: csrf, email, password });
  }

  it('with TRUST_PROXY=1 a client sending its own X-Forwarded-For is still counted at its real address (429)', async () => {
    const { user } = await buildLearner();
    const { agent, csrf } = await formAgent(server, '/haslo/reset');
    // The client makes up an address each time; the proxy appends the one it really came from.
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await agent.post('/haslo/reset').set('X-Forwarded-For', `198.51.100.${attempt}, 203.0.113.7`).type('form').send({ _csrf: csrf, email: user.email }).expect(303);
    }
    const limited = await agent.post('/haslo/reset').set('X-Forwarded-For', '198.51.100.99, 203.0.113.7').type('form').send({ _csrf: csrf, email: user.email });
    expect(limited.status).to.equal(429);
    expect(limited.text).to.contain('Zbyt wiele próśb o wysłanie wiadomości.');
    // The proxy's entry is the one believed: a request the proxy got from elsewhere has its own allowance.
    await agent.post('/haslo/reset').set('X-Forwarded-For', '203.0.113.8').type('form').send({ _csrf: csrf, email: user.email }).expect(303);
  });

  it('pauses password sign-in of an account after 10 wrong passwords from any addresses, mails the owner once, and a reset lifts it', async function () {
    this.timeout(30_000);
    const { user: admin, password } = await buildLearner({ overrides: { roles: ['admin'], fullName: 'Adam Administrator' } });
    const { agent, csrf } = await formAgent(server, '/logowanie');
    // The issue's attack: 25 wrong admin passwords, each from another address (forged or a botnet's).
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 25; attempt += 1) {
      statuses.push((await login(agent, csrf, admin.email, `Zle-haslo-numer-${attempt}`, `198.51.100.${attempt}`)).status);
    }
    expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(401));
    expect(statuses.slice(10)).to.deep.equal(Array(15).fill(429));
    // Then the right password: still paused, with the same answer.
    const right = await login(agent, csrf, admin.email, password, '198.51.100.200');
    expect(right.status).to.equal(429);
    expect(right.text).to.contain(TOO_MANY);

    // One lock-out mail for the lock-out (not one per attempt), queued for the owner, with the way out.
    const locked = (await mailsTo(admin.email)).filter((mail) => mail.subject === LOCKED_SUBJECT);
    expect(locked).to.have.length(1);
    expect(locked[0].status).to.equal('queued');
    expect(locked[0].text).to.contain('Adam Administrator');
    expect(locked[0].text).to.contain(`${server.config.BASE_URL}/haslo/reset`);
    expect(locked[0].text).to.contain('od razu znosi blokadę');

    // A colleague behind the same address is not paused by it.
    const colleague = await buildLearner();
    expect((await login(agent, csrf, colleague.user.email, colleague.password, '198.51.100.25')).status).to.equal(302);

    // A password reset lifts the pause at once.
    const reset = await formAgent(server, '/haslo/reset');
    await reset.agent.post('/haslo/reset').set('X-Forwarded-For', '203.0.113.30').type('form').send({ _csrf: reset.csrf, email: admin.email }).expect(303);
    const resetMail = (await mailsTo(admin.email)).find((mail) => mail.subject === 'Ustawienie nowego hasła w Akademii JST');
    const path = new URL(linkIn(resetMail!)).pathname;
    const form = await formAgent(server, path);
    await form.agent.post(path).type('form').send({ _csrf: form.csrf, password: 'Nowe-haslo-po-blokadzie', passwordConfirm: 'Nowe-haslo-po-blokadzie' }).expect(302);
    const fresh = await formAgent(server, '/logowanie');
    expect((await login(fresh.agent, fresh.csrf, admin.email, 'Nowe-haslo-po-blokadzie', '203.0.113.30')).status).to.equal(302);
  });

  it('pauses an unknown address exactly like a known one (the answer does not tell which exists), and mails nobody', async function () {
    this.timeout(30_000);
    const { agent, csrf } = await formAgent(server, '/logowanie');
    const known = await buildLearner();
    const answers = async (email: string) => {
      const statuses: number[] = [];
      let last = '';
      for (let attempt = 1; attempt <= 11; attempt += 1) {
        const res = await login(agent, csrf, email, `Zle-haslo-${attempt}`, `192.0.2.${attempt}`);
        statuses.push(res.status);
        last = res.text;
      }
      return { statuses, message: /<a href="#email">([^<]+)<\/a>/.exec(last)?.[1] };
    };
    const unknown = await answers('nikogo-tu-nie-ma@example.test');
    const existing = await answers(known.user.email);
    expect(unknown).to.deep.equal(existing);
    expect(unknown.statuses[10]).to.equal(429);
    expect(await mailsTo('nikogo-tu-nie-ma@example.test')).to.have.length(0);
  });
});

describe('two app instances on one database act as one (rate limits, lock-out)', () => {
  useTestDatabase(import.meta.url);
  let first: TestServer;
  let second: TestServer;
  before(async () => {
    // Both on the same database, each with its own platform (counters, mailer), as two processes would be.
    first = await startTestServer({ XAPI_RATE_LIMIT_PER_MINUTE: '3' });
    second = await startTestServer({ XAPI_RATE_LIMIT_PER_MINUTE: '3' });
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  it('the 11th failed login spread over the two instances gets 429', async function () {
    this.timeout(30_000);
    const { user, password } = await buildLearner();
    const forms = [await formAgent(first, '/logowanie'), await formAgent(second, '/logowanie')];
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const { agent, csrf } = forms[attempt % 2];
      await agent
        .post('/logowanie')
        .type('form')
        .send({ _csrf: csrf, email: user.email, password: `Zle-haslo-${attempt}` })
        .expect(401);
    }
    for (const { agent, csrf } of forms) {
      await agent.post('/logowanie').type('form').send({ _csrf: csrf, email: user.email, password }).expect(429);
    }
    expect((await mailsTo(user.email)).filter((mail) => mail.subject === LOCKED_SUBJECT)).to.have.length(1);
  });

  it('the 6th reset request for one address from one client over the two instances gets 429', async () => {
    const { user } = await buildLearner();
    const forms = [await formAgent(first, '/haslo/reset'), await formAgent(second, '/haslo/reset')];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const { agent, csrf } = forms[attempt % 2];
      await agent.post('/haslo/reset').type('form').send({ _csrf: csrf, email: user.email }).expect(303);
    }
    await forms[0].agent.post('/haslo/reset').type('form').send({ _csrf: forms[0].csrf, email: user.email }).expect(429);
    await forms[1].agent.post('/haslo/reset').type('form').send({ _csrf: forms[1].csrf, email: user.email }).expect(429);
  });

  it('the LRS limit (3 a minute here) is one allowance over the two instances', async () => {
    const organisation = await buildOrganisation();
    const client = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'shared' });
    const auth = `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`;
    const get = (server: TestServer) => request(server.url).get('/xapi/statements').set('X-Experience-API-Version', '1.0.3').set('Authorization', auth);
    await get(first).expect(200);
    await get(second).expect(200);
    await get(first).expect(200);
    await get(second).expect(429);
    await get(first).expect(429);
  });
});
