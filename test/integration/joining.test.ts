import { expect } from 'chai';
import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import { Organisation, type OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { completionMatrix } from '../../src/reports/completion-matrix.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { linkIn, mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'Bardzo-dlugie-haslo-1';

async function findUser(email: string) {
  return User.findOne({ email }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();
}

describe('who may join an office (join policy, registration, approvals)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  /** Registers `email` into `office` through the form; returns the response. */
  async function register(office: OrganisationDoc, email: string, expected: number) {
    const agent = request.agent(server.url);
    // The login form's token: an invitation-only office's page has no form to take one from.
    const page = await agent.get('/logowanie').expect(200);
    return agent
      .post('/rejestracja')
      .type('form')
      .send({
        _csrf: csrfTokenFrom(page.text),
        fullName: 'Piotr Przybysz',
        email,
        password: PASSWORD,
        passwordConfirm: PASSWORD,
        organisationId: office._id.toHexString(),
        consent: 'tak',
      })
      .expect(expected);
  }

  it('a new office is invitation-only, and so is an office stored before join policies existed', async () => {
    const office = await buildOrganisation();
    expect(office.joinPolicy).to.equal('invitation');
    await Organisation.collection.updateOne({ _id: office._id }, { $unset: { joinPolicy: '' } });
    const page = await request(server.url).get(`/rejestracja?urzad=${office._id.toHexString()}`).expect(200);
    expect(page.text).to.contain('tylko na zaproszenie');
    expect(page.text).to.not.contain('action="/rejestracja"');
  });

  it('a stranger cannot self-register into an invitation-only office (even posting the form directly)', async () => {
    const office = await buildOrganisation({ joinPolicy: 'invitation', emailDomains: ['example.test'] });
    const res = await register(office, 'obcy@example.test', 400);
    expect(res.text).to.contain('Poproś kadry lub administratora urzędu o zaproszenie');
    expect(await findUser('obcy@example.test')).to.equal(null);
    expect(await mailsTo('obcy@example.test')).to.have.length(0);
  });

  it('the domains policy refuses another domain (and a look-alike one) and lets the office domain in', async () => {
    const office = await buildOrganisation({ joinPolicy: 'domains', emailDomains: ['ug.domenowo.pl'] });
    for (const email of ['ktos@gmail.com', 'ktos@evil-ug.domenowo.pl', 'ktos@ug.domenowo.pl.evil.com']) {
      const res = await register(office, email, 400);
      expect(res.text, email).to.contain('id="email-error"');
      expect(await findUser(email), email).to.equal(null);
    }
    await register(office, 'urzednik@ug.domenowo.pl', 303);
    expect((await findUser('urzednik@ug.domenowo.pl'))?.status).to.equal('active');
  });

  it('approval: pending, cannot sign in, not in the HR matrix; approved by HR → mailed, can sign in, in the matrix', async () => {
    const office = await buildOrganisation({ joinPolicy: 'approval' });
    const hr = await buildLearner({ organisation: office, overrides: { roles: ['hr', 'learner'] } });
    const registered = await register(office, 'czeka@example.test', 303);
    expect(registered.headers.location).to.equal('/sprawdz-poczte?wyslano=zatwierdzenie');
    expect((await request(server.url).get(registered.headers.location).expect(200)).text).to.contain('kadry urzędu zatwierdzą konto');
    const pending = (await findUser('czeka@example.test'))!;
    expect(pending.status).to.equal('pending');
    // Confirming the address is not enough.
    const confirmed = await request(server.url)
      .get(new URL(linkIn((await mailsTo('czeka@example.test'))[0])).pathname)
      .expect(200);
    expect(confirmed.text).to.contain('czeka jeszcze na zatwierdzenie');
    const login = request.agent(server.url);
    const form = await login.get('/logowanie').expect(200);
    await login
      .post('/logowanie')
      .type('form')
      .send({ email: 'czeka@example.test', password: PASSWORD, _csrf: csrfTokenFrom(form.text) })
      .expect(403);
    const names = async () => (await completionMatrix(server.platform, { organisationId: office._id.toHexString() })).groups.flatMap((g) => g.people.map((p) => p.fullName));
    expect(await names()).to.not.include('Piotr Przybysz');

    const hrAgent = await loginAgent(server.url, hr.user.email, hr.password);
    const list = await hrAgent.get('/kadry/oczekujacy').expect(200);
    expect(list.text).to.contain('Piotr Przybysz');
    expect((await hrAgent.get('/kadry').expect(200)).text).to.not.contain('Piotr Przybysz');
    await hrAgent
      .post(`/kadry/oczekujacy/${pending._id.toHexString()}/zatwierdz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(list.text) })
      .expect(303);
    // A second click finds nobody waiting.
    await hrAgent
      .post(`/kadry/oczekujacy/${pending._id.toHexString()}/zatwierdz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(list.text) })
      .expect(404);
    expect((await findUser('czeka@example.test'))!.status).to.equal('active');
    expect((await mailsTo('czeka@example.test')).map((m) => m.subject)).to.include('Twoje konto w Akademii JST zostało zatwierdzone');
    await loginAgent(server.url, 'czeka@example.test', PASSWORD);
    expect(await names()).to.include('Piotr Przybysz');
    const trail = await AuditEntry.find({ organisationId: office._id, action: 'person.approved' }).lean();
    expect(trail).to.have.length(1);
    expect(trail[0].actorName).to.equal(hr.user.fullName);
  });

  it('rejecting deletes the pending account and records the reason', async () => {
    const office = await buildOrganisation({ joinPolicy: 'approval' });
    const hr = await buildLearner({ organisation: office, overrides: { roles: ['hr', 'learner'] } });
    await register(office, 'odrzucony@example.test', 303);
    const pending = (await findUser('odrzucony@example.test'))!;
    const hrAgent = await loginAgent(server.url, hr.user.email, hr.password);
    const list = await hrAgent.get('/kadry/oczekujacy').expect(200);
    await hrAgent
      .post(`/kadry/oczekujacy/${pending._id.toHexString()}/odrzuc`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(list.text), reason: 'Nie pracuje w urzędzie' })
      .expect(303);
    expect(await findUser('odrzucony@example.test')).to.equal(null);
    const [entry] = await AuditEntry.find({ organisationId: office._id, action: 'person.rejected' }).lean();
    expect(entry.reason).to.equal('Nie pracuje w urzędzie');
  });

  it('the office admin sets the policy and domains (audited, nobody deleted); bad domains get a field message', async () => {
    const office = await buildOrganisation();
    const admin = await buildLearner({ organisation: office, overrides: { roles: ['admin', 'learner'] } });
    const member = await buildLearner({ organisation: office });
    const agent = await loginAgent(server.url, admin.user.email, admin.password);
    const page = await agent.get('/urzad/rejestracja').expect(200);
    expect(page.text).to.match(/value="invitation" checked/);
    const csrf = csrfTokenFrom(page.text);
    const missing = await agent.post('/urzad/rejestracja').type('form').send({ _csrf: csrf, joinPolicy: 'domains', emailDomains: '' }).expect(400);
    expect(missing.text).to.contain('id="emailDomains-error"');
    const bad = await agent.post('/urzad/rejestracja').type('form').send({ _csrf: csrf, joinPolicy: 'domains', emailDomains: 'http://zla/domena' }).expect(400);
    expect(bad.text).to.contain('id="emailDomains-error"');
    const garbage = await agent.post('/urzad/rejestracja').type('form').send({ _csrf: csrf, joinPolicy: 'wszyscy' }).expect(400);
    expect(garbage.text).to.contain('Wybierz jedną z opcji.');
    await agent.post('/urzad/rejestracja').type('form').send({ _csrf: csrf, joinPolicy: 'domains', emailDomains: '@UG.Testowo.pl\nug-testowo.gov.pl' }).expect(303);
    const stored = (await Organisation.findById(office._id).lean())!;
    expect(stored.joinPolicy).to.equal('domains');
    expect(stored.emailDomains).to.deep.equal(['ug.testowo.pl', 'ug-testowo.gov.pl']);
    expect(await User.exists({ _id: member.user._id })).to.not.equal(null);
    const [entry] = await AuditEntry.find({ organisationId: office._id, action: 'organisation.joinPolicyChanged' }).lean();
    expect(entry.details).to.deep.include({ to: { joinPolicy: 'domains', emailDomains: ['ug.testowo.pl', 'ug-testowo.gov.pl'] } });
  });

  it('finds offices by name without Polish letters and by TERYT, at most 10 at a time', async () => {
    const lodz = await buildOrganisation({ name: 'Urząd Miasta Łódź Szukajowo', teryt: '1061011' });
    for (let i = 0; i < 11; i += 1) await buildOrganisation({ name: `Urząd Gminy Mnogowo ${String(i).padStart(2, '0')}` });
    const byName = await request(server.url).get('/rejestracja?szukaj=lodz%20szukajowo').expect(200);
    expect(byName.text).to.contain(`/rejestracja?urzad=${lodz._id.toHexString()}`);
    const byTeryt = await request(server.url).get('/rejestracja?szukaj=10610').expect(200);
    expect(byTeryt.text).to.contain(`/rejestracja?urzad=${lodz._id.toHexString()}`);
    const many = await request(server.url).get('/rejestracja?szukaj=mnogowo').expect(200);
    expect(many.text.match(/href="\/rejestracja\?urzad=/g)).to.have.length(10);
    expect(many.text).to.contain('Pokazano pierwsze 10 urzędów');
    const none = await request(server.url).get('/rejestracja?szukaj=%3Cscript%3E').expect(200);
    expect(none.text).to.contain('Nie znaleziono urzędu dla „&lt;script&gt;”');
    // Odd queries are ignored, never a 500.
    await request(server.url).get('/rejestracja?szukaj[a]=1&urzad[b]=2').expect(200);
    await request(server.url).get('/rejestracja?urzad=zzzzzzzzzzzzzzzzzzzzzzzz').expect(200);
  });
});
