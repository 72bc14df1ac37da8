import { expect } from 'chai';
import request from 'supertest';
import { AuthToken } from '../../src/auth/auth-token.model.js';
import { issueToken, removeExpiredTokens } from '../../src/auth/auth-token.service.js';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { linkIn, mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'Bardzo-dlugie-haslo-1';

function pathOf(link: string): string {
  return new URL(link).pathname;
}

async function findUser(email: string) {
  return User.findOne({ email }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();
}

describe('auth/registration.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let otherOffice: OrganisationDoc;
  before(async () => {
    server = await startTestServer();
    // Offices close self-registration by default (invitation): these tests register by the office's domain.
    office = await buildOrganisation({ name: 'Urząd Gminy Rejestrowo', joinPolicy: 'domains', emailDomains: ['example.test'] });
    otherOffice = await buildOrganisation({ name: 'Urząd Miasta Inne', joinPolicy: 'domains', emailDomains: ['example.test'] });
  });
  after(async () => server.close());

  /** A fresh agent holding the registration form's CSRF token. */
  async function registrationForm() {
    const agent = request.agent(server.url);
    const page = await agent.get(`/rejestracja?urzad=${office._id.toHexString()}`).expect(200);
    return { agent, page, csrf: csrfTokenFrom(page.text) };
  }

  function validBody(email: string, csrf: string): Record<string, string> {
    return {
      _csrf: csrf,
      fullName: 'Łucja Żółtowska',
      email,
      password: PASSWORD,
      passwordConfirm: PASSWORD,
      organisationId: office._id.toHexString(),
      departmentId: office.departments[1]._id.toHexString(),
      consent: 'tak',
    };
  }

  it("finds the office by name (no diacritics needed), then offers only that office's departments", async () => {
    const start = await request(server.url).get('/rejestracja').expect(200);
    expect(start.text).to.contain('id="szukaj"');
    expect(start.text, 'no list of every office').to.not.contain('Urząd Miasta Inne');
    const found = await request(server.url).get('/rejestracja?szukaj=rejestrowo').expect(200);
    expect(found.text).to.contain(`href="/rejestracja?urzad=${office._id.toHexString()}"`);
    expect(found.text).to.not.contain('Urząd Miasta Inne');
    const { page } = await registrationForm();
    expect(page.text).to.contain(`name="organisationId" value="${office._id.toHexString()}"`);
    expect(page.text).to.contain('>Referat Finansowy</option>');
    expect(page.text, "another office's departments").to.not.contain(otherOffice.departments[0]._id.toHexString());
    expect(page.text).to.contain('<label class="choice" for="consent">');
  });

  it('registers, mails a confirmation link, refuses login until confirmed, confirms once, then logs in and out', async function () {
    this.timeout(30_000);
    const email = 'lucja.zoltowska@example.test';
    const { agent, csrf } = await registrationForm();
    const res = await agent.post('/rejestracja').type('form').send(validBody('  Lucja.Zoltowska@Example.TEST ', csrf)).expect(303);
    expect(res.headers.location).to.equal('/sprawdz-poczte?wyslano=konto');
    const sent = await agent.get(res.headers.location).expect(200);
    expect(sent.text).to.contain('Sprawdź skrzynkę');
    expect(sent.text).to.contain('<strong>lucja.zoltowska@example.test</strong>');

    const user = await findUser(email);
    expect(user, 'user stored with a lower-cased address').to.not.equal(null);
    expect(user!.emailConfirmedAt).to.equal(undefined);
    expect(user!.privacyNoticeAcceptedAt).to.be.instanceOf(Date);
    expect(user!.passwordHash).to.match(/^\$2[aby]\$12\$/);
    expect(user!.organisationId.toHexString()).to.equal(office._id.toHexString());
    expect(user!.departmentId!.toHexString()).to.equal(office.departments[1]._id.toHexString());

    const mails = await mailsTo(email);
    expect(mails).to.have.length(1);
    expect(mails[0].subject).to.equal('Potwierdź adres e-mail w Akademii JST');
    expect(mails[0].text).to.contain('Dzień dobry Łucja Żółtowska');
    const link = linkIn(mails[0]);
    expect(link).to.match(/\/potwierdz-email\/[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored.
    const token = link.split('/').pop()!;
    expect(await AuthToken.countDocuments({ _id: token })).to.equal(0);
    expect(await AuthToken.countDocuments({ userId: user!._id, purpose: 'confirm-email' })).to.equal(1);

    const login = request.agent(server.url);
    const form = await login.get('/logowanie').expect(200);
    const refused = await login
      .post('/logowanie')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), email, password: PASSWORD })
      .expect(403);
    expect(refused.text).to.contain('Najpierw potwierdź adres e-mail');
    expect(refused.text).to.contain('action="/potwierdz-email/wyslij-ponownie"');

    const confirmed = await request(server.url).get(pathOf(link)).expect(200);
    expect(confirmed.text).to.contain('Adres e-mail potwierdzony');
    expect((await findUser(email))!.emailConfirmedAt).to.be.instanceOf(Date);
    const reused = await request(server.url).get(pathOf(link)).expect(400);
    expect(reused.text).to.contain('Link nie działa');

    const signedIn = await loginAgent(server.url, email, PASSWORD);
    const home = await signedIn.get('/').expect(200);
    expect(home.text).to.contain('Łucja Żółtowska');
    await signedIn
      .post('/wyloguj')
      .type('form')
      .send({ _csrf: csrfTokenFrom(home.text) })
      .expect(302);
    expect((await signedIn.get('/').expect(200)).text).to.not.contain('Łucja Żółtowska');
  });

  it('re-renders bad input with Polish field errors, a linked summary, and what was typed (never the password)', async () => {
    const { agent, csrf } = await registrationForm();
    const res = await agent
      .post('/rejestracja')
      .type('form')
      .send({
        _csrf: csrf,
        fullName: 'Jan <b>Kowalski</b>',
        email: 'nie-adres',
        password: 'krotkie',
        passwordConfirm: 'inne',
        organisationId: office._id.toHexString(),
        departmentId: '',
      })
      .expect(400);
    expect(res.text).to.contain('class="error-summary"');
    expect(res.text).to.contain('<a href="#email">Wpisz adres e-mail w poprawnym formacie');
    expect(res.text).to.contain('<a href="#password">Hasło musi mieć co najmniej 12 znaków.</a>');
    expect(res.text).to.contain('<a href="#consent">');
    expect(res.text).to.match(/id="email"[^>]*aria-describedby="email-hint email-error"[^>]*aria-invalid="true"/s);
    expect(res.text).to.contain('id="email-error"');
    expect(res.text).to.contain('value="Jan &lt;b&gt;Kowalski&lt;/b&gt;"');
    expect(res.text).to.contain('value="nie-adres"');
    expect(res.text).to.not.contain('krotkie');
    // The summary lists fields in page order.
    expect(res.text.indexOf('href="#email"')).to.be.lessThan(res.text.indexOf('href="#password"'));
    expect(await mailsTo('nie-adres')).to.have.length(0);
  });

  it('says when the passwords differ and keeps the chosen office and department', async () => {
    const { agent, csrf } = await registrationForm();
    const body = { ...validBody('rozne@example.test', csrf), passwordConfirm: 'Inne-bardzo-dlugie-haslo' };
    const res = await agent.post('/rejestracja').type('form').send(body).expect(400);
    expect(res.text).to.contain('Hasła nie są takie same.');
    expect(res.text).to.contain(`name="organisationId" value="${office._id.toHexString()}"`);
    expect(res.text).to.contain(`<option value="${office.departments[1]._id.toHexString()}" selected>`);
    expect(res.text).to.contain('value="tak" checked');
    expect(await findUser('rozne@example.test')).to.equal(null);
  });

  it('refuses a department of another office', async () => {
    const { agent, csrf } = await registrationForm();
    const body = { ...validBody('inny-referat@example.test', csrf), departmentId: otherOffice.departments[0]._id.toHexString() };
    const res = await agent.post('/rejestracja').type('form').send(body).expect(400);
    expect(res.text).to.contain('<a href="#departmentId">Ta komórka nie należy do wybranego urzędu.');
    expect(await findUser('inny-referat@example.test')).to.equal(null);
  });

  it('answers garbage (repeated fields, unknown ids, huge values) with 400, never a 500', async () => {
    const usersBefore = await User.countDocuments({}).setOptions({ acrossOrganisations: true });
    const { agent, csrf } = await registrationForm();
    const garbage = [
      `_csrf=${encodeURIComponent(csrf)}&fullName=a&fullName=b&email=x@example.test&email=y@example.test&password=a&password=b&consent=tak&consent=tak`,
      `_csrf=${encodeURIComponent(csrf)}&fullName=${'x'.repeat(5000)}&email=${'a'.repeat(300)}@example.test&organisationId=ffffffffffffffffffffffff&consent=yes`,
      `_csrf=${encodeURIComponent(csrf)}&__proto__=1&constructor=2&organisationId[$ne]=1&departmentId=abc`,
    ];
    for (const body of garbage) {
      const res = await agent.post('/rejestracja').type('form').send(body);
      expect(res.status, body.slice(0, 80)).to.equal(400);
      expect(res.text).to.contain('class="error-summary"');
    }
    expect(await User.countDocuments({}).setOptions({ acrossOrganisations: true })).to.equal(usersBefore);
  });

  it('does not reveal an existing address: same answer, no second account, a notice to the owner', async function () {
    this.timeout(20_000);
    const { user } = await buildLearner({ organisation: office });
    const before = await User.countDocuments({ email: user.email }).setOptions({ acrossOrganisations: true });
    const { agent, csrf } = await registrationForm();
    const res = await agent.post('/rejestracja').type('form').send(validBody(user.email, csrf)).expect(303);
    expect(res.headers.location).to.equal('/sprawdz-poczte?wyslano=konto');
    expect((await agent.get(res.headers.location).expect(200)).text).to.contain('Sprawdź skrzynkę');
    expect(await User.countDocuments({ email: user.email }).setOptions({ acrossOrganisations: true })).to.equal(before);
    const mails = await mailsTo(user.email);
    expect(mails.map((m) => m.subject)).to.deep.equal(['Próba założenia konta w Akademii JST']);
  });

  it('refuses an expired confirmation link, and the scheduled clean-up deletes it', async () => {
    const { user } = await buildLearner({ organisation: office, overrides: { emailConfirmedAt: undefined } });
    const token = await issueToken(user._id, 'confirm-email', new Date(Date.now() - 25 * 60 * 60 * 1000));
    expect(await removeExpiredTokens(new Date(Date.now() - 60_000 - 60 * 60 * 1000))).to.equal(0);
    const res = await request(server.url).get(`/potwierdz-email/${token}`).expect(400);
    expect(res.text).to.contain('Link nie działa');
    expect((await findUser(user.email))!.emailConfirmedAt).to.equal(undefined);

    const another = await issueToken(user._id, 'confirm-email', new Date(Date.now() - 25 * 60 * 60 * 1000));
    expect(await removeExpiredTokens()).to.equal(1);
    expect(await AuthToken.countDocuments({ userId: user._id })).to.equal(0);
    await request(server.url).get(`/potwierdz-email/${another}`).expect(400);
  });

  it('resends a confirmation link to an unconfirmed account (the old link stops working), silently for others', async function () {
    this.timeout(20_000);
    const { user } = await buildLearner({ organisation: office, overrides: { emailConfirmedAt: undefined } });
    const oldToken = await issueToken(user._id, 'confirm-email');
    const agent = request.agent(server.url);
    const form = await agent.get('/potwierdz-email/wyslij-ponownie').expect(200);
    const res = await agent
      .post('/potwierdz-email/wyslij-ponownie')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), email: user.email })
      .expect(303)
      .then(async (sent) => agent.get(sent.headers.location).expect(200));
    const unknown = await agent
      .post('/potwierdz-email/wyslij-ponownie')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), email: 'nikt@example.test' })
      .expect(303)
      .then(async (sent) => agent.get(sent.headers.location).expect(200));
    expect(res.text.replace(user.email, 'X').replace(/value="[^"]*"/g, '')).to.equal(unknown.text.replace('nikt@example.test', 'X').replace(/value="[^"]*"/g, ''));

    const mails = await mailsTo(user.email);
    expect(mails).to.have.length(1);
    await request(server.url).get(`/potwierdz-email/${oldToken}`).expect(400);
    await request(server.url)
      .get(pathOf(linkIn(mails[0])))
      .expect(200);
    expect(await mailsTo('nikt@example.test')).to.have.length(0);
  });

  it('rejects a form without its CSRF token with 403', async () => {
    const res = await request(server.url).post('/rejestracja').type('form').send({ fullName: 'Bez Tokenu' }).expect(403);
    expect(res.text).to.contain('Formularz wygasł');
  });
});
