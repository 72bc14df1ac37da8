import { expect } from 'chai';
import request from 'supertest';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'Bardzo-dlugie-haslo-1';
// Made by bcryptjs (the former hashing library) for 'Stare-haslo-z-bcryptjs': existing accounts keep working.
const BCRYPTJS_HASH = '$2a$04$6XB/7HoCsTTVq6VqzCa6nePdXbYN7J38phUPh0sZPj.s.9vrBtJfO';

async function findUser(email: string) {
  return User.findOne({ email }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();
}

describe('auth/registration abuse: names in mails, mail flooding, mass sign-ups, hashing load', () => {
  useTestDatabase(import.meta.url);
  // Behind one proxy (TRUST_PROXY=1), so each test can come from addresses of its own (X-Forwarded-For).
  let server: TestServer;
  let office: OrganisationDoc;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: '1', SIGNUP_RATE_LIMIT_PER_HOUR: '3' });
    office = await buildOrganisation({ name: 'Urząd Gminy Nadużyciowo', joinPolicy: 'domains', emailDomains: ['example.test'] });
  });
  after(async () => server.close());

  async function registrationForm(target = server) {
    const agent = request.agent(target.url);
    const page = await agent.get(`/rejestracja?urzad=${office._id.toHexString()}`).expect(200);
    return { agent, csrf: csrfTokenFrom(page.text) };
  }

  function body(csrf: string, email: string, fullName = 'Łucja Żółtowska'): Record<string, string> {
    return { _csrf: csrf, fullName, email, password: PASSWORD, passwordConfirm: PASSWORD, organisationId: office._id.toHexString(), consent: 'tak' };
  }

  it('still signs in accounts whose password bcryptjs hashed ($2a$)', async () => {
    const { user } = await buildLearner({ overrides: { passwordHash: BCRYPTJS_HASH } });
    await loginAgent(server.url, user.email, 'Stare-haslo-z-bcryptjs');
  });

  it('refuses names with line breaks, invisible characters or links, with a field message in Polish and English, and mails nobody', async () => {
    const { agent, csrf } = await registrationForm();
    const cases: Array<[string, string, string]> = [
      ['Jan\nKowalski', 'nie może zawierać znaków nowej linii', 'cannot contain line breaks'],
      ['Jan\r\n\r\nTwoje konto wygasa, zaloguj się:', 'nie może zawierać znaków nowej linii', 'cannot contain line breaks'],
      ['Jan\u202eikswolaK', 'znaków niewidocznych', 'invisible characters'],
      ['Odbierz nagrodę www.oszust.pl', 'nie może zawierać adresu strony', 'cannot contain a web or e-mail address'],
      ['Jan http://oszust.example/x', 'nie może zawierać adresu strony', 'cannot contain a web or e-mail address'],
      ['Jan Kowalski oszust.pl', 'nie może zawierać adresu strony', 'cannot contain a web or e-mail address'],
      ['Napisz do jan@oszust.pl', 'nie może zawierać adresu strony', 'cannot contain a web or e-mail address'],
    ];
    for (const [index, [fullName, polish, english]] of cases.entries()) {
      const email = `ofiara-${index}@example.test`;
      const res = await agent
        .post('/rejestracja?lang=pl')
        .set('X-Forwarded-For', '203.0.113.10')
        .type('form')
        .send(body(csrf, email, fullName));
      expect(res.status, JSON.stringify(fullName)).to.equal(400);
      expect(res.text).to.contain('<a href="#fullName">');
      expect(res.text).to.contain(polish);
      const en = await agent
        .post('/rejestracja?lang=en')
        .set('X-Forwarded-For', '203.0.113.10')
        .type('form')
        .send(body(csrf, email, fullName));
      expect(en.status).to.equal(400);
      expect(en.text).to.contain(english);
      expect(await findUser(email)).to.equal(null);
      expect(await mailsTo(email)).to.have.length(0);
    }
    // Ordinary names still pass, initials with a space included.
    const ok = await agent
      .post('/rejestracja?lang=pl')
      .set('X-Forwarded-For', '203.0.113.10')
      .type('form')
      .send(body(csrf, 'j.kowalski@example.test', "J. O'Brien-Kowalska"));
    expect(ok.status).to.equal(303);
  });

  it('greets without the name when an older account has a link in its name', async () => {
    const { user } = await buildLearner({ overrides: { fullName: 'Kliknij www.oszust.pl\nPilne' } });
    const agent = request.agent(server.url);
    const page = await agent.get('/haslo/reset').expect(200);
    await agent
      .post('/haslo/reset')
      .set('X-Forwarded-For', '203.0.113.11')
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), email: user.email })
      .expect(303);
    const [mail] = await mailsTo(user.email);
    expect(mail.text).to.match(/^Dzień dobry,\n/);
    expect(mail.text).to.not.contain('oszust');
  });

  it('limits mail to one address from many IPs: the 11th request within the hour gets 429', async () => {
    const { user } = await buildLearner();
    const agent = request.agent(server.url);
    const csrf = csrfTokenFrom((await agent.get('/haslo/reset').expect(200)).text);
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      await agent.post('/haslo/reset').set('X-Forwarded-For', `198.51.100.${attempt}`).type('form').send({ _csrf: csrf, email: user.email }).expect(303);
    }
    const limited = await agent.post('/haslo/reset').set('X-Forwarded-For', '198.51.100.11').type('form').send({ _csrf: csrf, email: user.email });
    expect(limited.status).to.equal(429);
    expect(limited.text).to.contain('Na ten adres e-mail wysłano już zbyt wiele wiadomości.');
    // The registration form shares the allowance: no confirmation or notice goes to that mailbox either.
    const form = await registrationForm();
    await form.agent.post('/rejestracja').set('X-Forwarded-For', '198.51.100.12').type('form').send(body(form.csrf, user.email)).expect(429);
    expect(await mailsTo(user.email)).to.have.length(10);
  });

  it('limits sign-ups per IP whatever the address (SIGNUP_RATE_LIMIT_PER_HOUR, 3 here), not the office next door', async function () {
    this.timeout(30_000);
    const { agent, csrf } = await registrationForm();
    for (let index = 1; index <= 3; index += 1) {
      await agent
        .post('/rejestracja')
        .set('X-Forwarded-For', '203.0.113.20')
        .type('form')
        .send(body(csrf, `masowo-${index}@example.test`))
        .expect(303);
    }
    const limited = await agent.post('/rejestracja').set('X-Forwarded-For', '203.0.113.20').type('form').send(body(csrf, 'masowo-4@example.test'));
    expect(limited.status).to.equal(429);
    expect(limited.text).to.contain('Z tej sieci założono w ostatniej godzinie bardzo wiele kont.');
    expect(await findUser('masowo-4@example.test')).to.equal(null);
    await agent.post('/rejestracja').set('X-Forwarded-For', '203.0.113.21').type('form').send(body(csrf, 'sasiad@example.test')).expect(303);
  });

  it('keeps answering /healthz while 12 sign-ups hash their passwords (cost 12)', async function () {
    this.timeout(60_000);
    const forms = await Promise.all(Array.from({ length: 12 }, () => registrationForm()));
    let finished = 0;
    const signUps = forms.map(async ({ agent, csrf }, index) => {
      const res = await agent
        .post('/rejestracja')
        .set('X-Forwarded-For', `192.0.2.${index + 1}`)
        .type('form')
        .send(body(csrf, `tlum-${index}@example.test`));
      finished += 1;
      return res.status;
    });
    // Once the first sign-up is through, hashing is under way and the rest wait for it. At most two hash at a
    // time, so /healthz is answered before the next pair is done; on the event loop it would wait behind them.
    await Promise.race(signUps);
    const health = await request(server.url).get('/healthz');
    const finishedWhenHealthAnswered = finished;
    expect(health.status).to.equal(200);
    expect(finishedWhenHealthAnswered, '/healthz answered only after other sign-ups').to.be.at.most(2);
    expect(await Promise.all(signUps)).to.deep.equal(Array(12).fill(303));
    expect((await findUser('tlum-11@example.test'))!.passwordHash).to.match(/^\$2b\$12\$/);
  });
});
