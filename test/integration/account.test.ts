import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { browserLabel } from '../../src/account/account-sessions.js';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import { verifyPassword } from '../../src/auth/password.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { linkIn, mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;
const NEW_PASSWORD = 'Nowe-bardzo-dlugie-haslo-7';

async function csrfOf(agent: Agent): Promise<string> {
  return csrfTokenFrom((await agent.get('/konto').expect(200)).text);
}

async function reload(user: UserDoc): Promise<UserDoc> {
  return (await User.findById(user._id).lean<UserDoc>())!;
}

describe('account/account.routes (/konto)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  it('shows the name, the address, the sessions and says that existing certificates are corrected by HR', async () => {
    const { user, password } = await buildLearner({ overrides: { fullName: 'Anna Kontowa' } });
    const agent = request.agent(server.url);
    const form = await agent.get('/logowanie').expect(200);
    await agent
      .post('/logowanie')
      .set('User-Agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0')
      .type('form')
      .send({ email: user.email, password, _csrf: csrfTokenFrom(form.text) })
      .expect(302);
    const page = await agent.get('/konto').expect(200);
    expect(page.text).to.contain('value="Anna Kontowa"');
    expect(page.text).to.contain(user.email);
    expect(page.text).to.contain('sprostowanie zleć kadrom');
    expect(page.text).to.contain('Firefox, Windows');
    expect(page.text).to.contain('ta sesja');
    // The header names the person and links to the account.
    expect(page.text).to.match(/<a href="\/konto" class="nav-person"[^>]*>.*Anna Kontowa<\/a>/s);
  });

  it('changes the name by the registration rule (a link-like name is refused with a field message)', async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email, password);
    const csrf = await csrfOf(agent);
    const refused = await agent.post('/konto/imie').type('form').send({ _csrf: csrf, fullName: 'Kliknij www.oszust.pl' }).expect(400);
    expect(refused.text).to.contain('id="fullName-error"');
    expect((await reload(user)).fullName).to.equal(user.fullName);
    const csrfAgain = await csrfOf(agent);
    const saved = await agent.post('/konto/imie').type('form').send({ _csrf: csrfAgain, fullName: 'Łucja Nowa-Żółtowska' }).expect(303);
    expect(saved.headers.location).to.equal('/konto');
    expect((await reload(user)).fullName).to.equal('Łucja Nowa-Żółtowska');
    expect((await agent.get('/konto').expect(200)).text).to.contain('Zapisano imię i nazwisko.');
  });

  it('changes the address only when the link sent to the new address is opened, and tells the old one', async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email, password);
    const newEmail = `nowy-${user._id.toHexString()}@example.test`;
    const csrf = await csrfOf(agent);
    await agent
      .post('/konto/email')
      .type('form')
      .send({ _csrf: csrf, newEmail: ` ${newEmail.toUpperCase()} ` })
      .expect(303);
    expect((await reload(user)).email, 'unchanged before the link').to.equal(user.email);
    const [mail] = await mailsTo(newEmail);
    expect(mail.subject).to.equal('Potwierdź nowy adres e-mail w Akademii JST');
    const link = new URL(linkIn(mail)).pathname;

    // Opened in someone else's session: nothing happens and the link still works for its owner.
    const stranger = await buildLearner();
    const strangerAgent = await loginAgent(server.url, stranger.user.email, stranger.password);
    await strangerAgent.get(link).expect(400);
    expect((await reload(stranger.user)).email).to.equal(stranger.user.email);

    const confirmed = await agent.get(link).expect(303);
    expect(confirmed.headers.location).to.equal('/konto');
    const after = await reload(user);
    expect(after.email).to.equal(newEmail);
    expect(after.pendingEmail).to.equal(undefined);
    const notice = (await mailsTo(user.email)).find((m) => m.subject === 'Adres e-mail konta w Akademii JST został zmieniony');
    expect(notice?.text).to.contain(newEmail);
    // Used once; the old address no longer signs in, the new one does.
    await agent.get(link).expect(400);
    await loginAgent(server.url, newEmail, password);
  });

  it('refuses an address another account uses, with a field message, and mails nobody', async () => {
    const { user, password } = await buildLearner();
    const other = await buildLearner({ organisation: await buildOrganisation() });
    const agent = await loginAgent(server.url, user.email, password);
    const csrf = await csrfOf(agent);
    const res = await agent.post('/konto/email').type('form').send({ _csrf: csrf, newEmail: other.user.email }).expect(400);
    expect(res.text).to.contain('id="newEmail-error"');
    expect(res.text).to.contain('jest już używany');
    expect((await reload(user)).pendingEmail).to.equal(undefined);
    expect((await mailsTo(other.user.email)).length).to.equal(0);
  });

  it('a wrong current password changes nothing and says so next to the field', async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email, password);
    const csrf = await csrfOf(agent);
    const res = await agent
      .post('/konto/haslo')
      .type('form')
      .send({ _csrf: csrf, currentPassword: 'Zle-haslo-zupelnie', password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })
      .expect(400);
    expect(res.text).to.contain('id="currentPassword-error"');
    expect(res.text).to.contain('Obecne hasło jest nieprawidłowe');
    expect((await reload(user)).passwordHash).to.equal(user.passwordHash);
    expect(await mailsTo(user.email)).to.have.length(0);
  });

  it('a new password ends the other sessions, keeps this one, and mails the owner', async () => {
    const { user, password } = await buildLearner();
    const here = await loginAgent(server.url, user.email, password);
    const elsewhere = await loginAgent(server.url, user.email, password);
    const csrf = await csrfOf(here);
    const tooShort = await here.post('/konto/haslo').type('form').send({ _csrf: csrf, currentPassword: password, password: 'krotkie', passwordConfirm: 'krotkie' }).expect(400);
    expect(tooShort.text).to.contain('id="password-error"');
    const csrfAgain = await csrfOf(here);
    await here.post('/konto/haslo').type('form').send({ _csrf: csrfAgain, currentPassword: password, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD }).expect(303);
    expect(await verifyPassword(NEW_PASSWORD, (await reload(user)).passwordHash!)).to.equal(true);
    await here.get('/konto').expect(200);
    expect((await elsewhere.get('/konto').expect(302)).headers.location).to.match(/^\/logowanie/);
    expect((await mailsTo(user.email)).map((m) => m.subject)).to.include('Hasło w Akademii JST zostało zmienione');
  });

  it('"sign out the others" ends every other session of the person only', async () => {
    const { user, password } = await buildLearner();
    const colleague = await buildLearner();
    const here = await loginAgent(server.url, user.email, password);
    const phone = await loginAgent(server.url, user.email, password);
    const laptop = await loginAgent(server.url, user.email, password);
    const colleagueAgent = await loginAgent(server.url, colleague.user.email, colleague.password);
    const before = await here.get('/konto').expect(200);
    expect(before.text).to.contain('Wyloguj pozostałe sesje');
    await here
      .post('/konto/sesje/wyloguj-inne')
      .type('form')
      .send({ _csrf: csrfTokenFrom(before.text) })
      .expect(303);
    expect((await here.get('/konto').expect(200)).text).to.contain('Zakończono 2 inne sesje.');
    await phone.get('/konto').expect(302);
    await laptop.get('/konto').expect(302);
    await colleagueAgent.get('/konto').expect(200);
    const left = await mongoose.connection.db!.collection('sessions').countDocuments({ 'session.passport.user': user._id.toHexString() });
    expect(left).to.equal(1);
  });

  it('names browsers from their User-Agent', () => {
    expect(browserLabel('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0')).to.equal('Edge, Windows');
    expect(browserLabel('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1')).to.equal('Safari, iOS');
    expect(browserLabel('curl/8.0')).to.equal(undefined);
  });
});
