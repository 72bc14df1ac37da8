import { expect } from 'chai';
import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { invitePerson } from '../../src/auth/invitation.service.js';
import { User } from '../../src/auth/user.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { linkIn, mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'Haslo-z-zaproszenia-2026';

// Issue 11: people added by HR, an admin or the operator get a link to choose their password.
describe('auth/invitation (invitePerson, /zaproszenie/:token)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  async function invite(email: string) {
    const office = await buildOrganisation({ name: 'Urząd Gminy Zaproszeń' });
    const { user: hr } = await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa' } });
    const outcome = await invitePerson(
      server.platform,
      { organisationId: office._id.toHexString(), organisationName: office.name, email, fullName: 'Zofia Zaproszona', roles: ['learner'] },
      { id: hr._id.toHexString(), fullName: hr.fullName },
    );
    return { office, hr, outcome };
  }

  it('creates an invited account that cannot sign in, mails a link, and activates it with the chosen password', async () => {
    const { office, hr, outcome } = await invite('zofia@urzad.test');
    expect(outcome.invited).to.equal(true);
    const stored = await User.findOne({ email: 'zofia@urzad.test' }).setOptions({ acrossOrganisations: true }).lean();
    expect(stored?.status).to.equal('invited');
    expect(stored?.passwordHash).to.equal(undefined);
    const [mail] = await mailsTo('zofia@urzad.test');
    expect(mail.text).to.contain('Urząd Gminy Zaproszeń').and.contain(hr.fullName);
    const link = new URL(linkIn(mail));
    expect(link.pathname).to.match(/^\/zaproszenie\//);

    // Before accepting: no password works (the invited account has none).
    const agent = request.agent(server.url);
    const loginForm = await agent.get('/logowanie').expect(200);
    await agent
      .post('/logowanie')
      .type('form')
      .send({ _csrf: csrfTokenFrom(loginForm.text), email: 'zofia@urzad.test', password: PASSWORD })
      .expect(401);

    const form = await agent.get(link.pathname).expect(200);
    expect(form.text).to.contain('Zofia Zaproszona');
    const mismatch = await agent
      .post(link.pathname)
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), password: PASSWORD, passwordConfirm: 'inne-haslo-calkiem' })
      .expect(400);
    expect(mismatch.text).to.contain('Zofia Zaproszona');
    expect((await User.findById(stored!._id).lean())?.status).to.equal('invited');

    await agent
      .post(link.pathname)
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), password: PASSWORD, passwordConfirm: PASSWORD })
      .expect(302)
      .expect('Location', '/logowanie');
    expect((await User.findById(stored!._id).lean())?.status).to.equal('active');
    await loginAgent(server.url, 'zofia@urzad.test', PASSWORD);
    // The link was single use.
    await request(server.url).get(link.pathname).expect(400);

    const trail = await AuditEntry.find({ organisationId: office._id }).lean();
    expect(trail.map((entry) => entry.action)).to.deep.equal(['person.invited']);
    expect(trail[0].actorName).to.equal(hr.fullName);
  });

  it('refuses an address that already has an account, and a made-up link', async () => {
    const { user } = await buildLearner();
    const { outcome } = await invite(user.email);
    expect(outcome).to.deep.equal({ invited: false, reason: 'email-taken' });
    await request(server.url)
      .get(`/zaproszenie/${'a'.repeat(43)}`)
      .expect(400);
    await request(server.url).get('/zaproszenie/nonsense').expect(400);
  });
});
