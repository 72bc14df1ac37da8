// The operator's pages: creating associations and offices (bad input → field messages), appointing administrators.
import { expect } from 'chai';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { User } from '../../src/auth/user.model.js';
import { Organisation } from '../../src/organisations/organisation.model.js';
import { slugOf } from '../../src/organisations/slug.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;

describe('organisations: the operator', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let operator: Agent;
  let operatorId: string;

  before(async () => {
    server = await startTestServer();
    const platform = await buildOrganisation({ name: 'Operator platformy', slug: 'platforma', kind: 'platform' });
    const person = await buildLearner({ organisation: platform, overrides: { roles: ['operator'], fullName: 'Ewa Operatorska' } });
    operatorId = person.user._id.toHexString();
    operator = await loginAgent(server.url, person.user.email, person.password);
  });
  after(async () => server.close());

  async function post(path: string, body: Record<string, unknown>) {
    const page = await operator.get(path).expect(200);
    return operator
      .post(path)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), ...body });
  }

  it('makes slugs from Polish names', () => {
    expect(slugOf('Urząd Gminy Łącko')).to.equal('urzad-gminy-lacko');
    expect(slugOf('Starostwo Powiatowe w Żaganiu – Ęą!')).to.equal('starostwo-powiatowe-w-zaganiu-ea');
    expect(slugOf('!!!')).to.equal('organizacja');
  });

  it('creates an association, then an office that is its member, with unique slugs and audit entries', async () => {
    const created = await post('/operator/zwiazki/nowy', { name: 'Małopolski Związek Gmin', emailDomains: '' });
    expect(created.status, created.text.slice(0, 500)).to.equal(303);
    const association = await Organisation.findOne({ slug: 'malopolski-zwiazek-gmin' }).lean();
    expect(association?.kind).to.equal('association');
    expect(created.headers.location).to.equal(`/operator/organizacje/${association!._id.toHexString()}/administrator`);

    const office = await post('/operator/urzedy/nowy', {
      name: 'Urząd Gminy Łącko',
      officeType: 'gmina',
      teryt: ' 1210042 ',
      emailDomains: 'Lacko.PL, ug.lacko.pl\n@gmina.lacko.pl lacko.pl',
      memberOf: association!._id.toHexString(),
    });
    expect(office.status, office.text.slice(0, 500)).to.equal(303);
    const stored = await Organisation.findOne({ slug: 'urzad-gminy-lacko' }).lean();
    expect(stored).to.deep.include({ kind: 'office', officeType: 'gmina', teryt: '1210042', joinPolicy: 'invitation' });
    expect(stored?.emailDomains).to.deep.equal(['lacko.pl', 'ug.lacko.pl', 'gmina.lacko.pl']);
    expect(stored?.memberOf?.map(String)).to.deep.equal([association!._id.toHexString()]);
    const audit = await AuditEntry.find({ organisationId: stored!._id }).lean();
    expect(audit.map((entry) => entry.action)).to.deep.equal(['organisation.created']);
    expect(audit[0].actorId.toHexString()).to.equal(operatorId);

    // The same name again gets the next free slug (a different TERYT: another unit).
    await post('/operator/urzedy/nowy', { name: 'Urząd Gminy Łącko', officeType: 'miasto', teryt: '1210043', emailDomains: '' }).then((res) => expect(res.status).to.equal(303));
    expect(await Organisation.exists({ slug: 'urzad-gminy-lacko-2' })).to.not.equal(null);

    const list = await operator.get('/operator').expect(200);
    expect(list.text).to.contain('Urząd Gminy Łącko').and.contain('Małopolski Związek Gmin').and.contain('1210042').and.contain('Gmina');
  });

  it('refuses bad input with field messages and stores nothing', async () => {
    const before = await Organisation.countDocuments({});
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: 'UG Zła', officeType: 'gmina', teryt: '12345', emailDomains: '' }, 'teryt', 'Kod TERYT to dokładnie 7 cyfr'],
      [{ name: 'UG Zła', officeType: 'gmina', teryt: '12a4567', emailDomains: '' }, 'teryt', 'Kod TERYT to dokładnie 7 cyfr'],
      [{ name: 'UG Zła', officeType: 'wioska', teryt: '1234567', emailDomains: '' }, 'officeType', 'Wybierz rodzaj urzędu'],
      [{ name: 'UG Zła', officeType: 'gmina', teryt: '1234567', emailDomains: 'lacko, http://x.pl' }, 'emailDomains', 'Podaj domeny'],
      [{ name: '', officeType: 'gmina', teryt: '1234567', emailDomains: '' }, 'name', 'Podaj nazwę'],
      [{ name: 'UG Zła', officeType: 'gmina', teryt: '1234567', emailDomains: '', memberOf: 'x' }, 'memberOf', 'Wybierz związek'],
      // An office's id is not an association.
      [
        { name: 'UG Zła', officeType: 'gmina', teryt: '1234567', emailDomains: '', memberOf: (await Organisation.findOne({ kind: 'office' }).lean())!._id.toHexString() },
        'memberOf',
        'Wybierz związek',
      ],
      [{ name: 'UG Zła', officeType: 'gmina', teryt: '1210042', emailDomains: '' }, 'teryt', 'już istnieje'],
      [{ name: ['a', 'b'], officeType: { $ne: 1 }, teryt: ['1'], emailDomains: 5 }, 'teryt', 'Kod TERYT'],
    ];
    for (const [body, field, message] of cases) {
      const res = await post('/operator/urzedy/nowy', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.text, JSON.stringify(body)).to.contain(`id="${field}-error"`).and.contain(message);
    }
    const association = await post('/operator/zwiazki/nowy', { name: '  ', emailDomains: 'zly domena' });
    expect(association.status).to.equal(400);
    expect(association.text).to.contain('id="name-error"').and.contain('id="emailDomains-error"');
    expect(await Organisation.countDocuments({})).to.equal(before);
  });

  it('appoints an office administrator (admin + HR, invited by mail) and writes it to the office trail', async () => {
    const office = (await Organisation.findOne({ slug: 'urzad-gminy-lacko' }).lean())!;
    const path = `/operator/organizacje/${office._id.toHexString()}/administrator`;
    const res = await post(path, { fullName: 'Jan Wójcik', email: 'Sekretarz@Lacko.pl' });
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    const admin = await User.findOne({ email: 'sekretarz@lacko.pl' }).setOptions({ acrossOrganisations: true }).lean();
    expect(admin).to.deep.include({ status: 'invited', roles: ['admin', 'hr'] });
    expect(String((admin as { organisationId?: unknown } | null)?.organisationId)).to.equal(office._id.toHexString());
    const mails = await mailsTo('sekretarz@lacko.pl');
    expect(mails).to.have.length(1);
    expect(mails[0].text).to.contain('Urząd Gminy Łącko').and.contain('/zaproszenie/');
    const actions = (await AuditEntry.find({ organisationId: office._id }).lean()).map((entry) => entry.action);
    expect(actions).to.include.members(['organisation.created', 'person.invited', 'administrator.appointed']);

    // The same address again: a field message, no second account or mail.
    const again = await post(path, { fullName: 'Jan Wójcik', email: 'sekretarz@lacko.pl' });
    expect(again.status).to.equal(400);
    expect(again.text).to.contain('id="email-error"').and.contain('ma już konto');
    const bad = await post(path, { fullName: 'www.oszust.pl', email: 'nie-adres' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('id="fullName-error"').and.contain('id="email-error"');
    expect(await mailsTo('sekretarz@lacko.pl')).to.have.length(1);
    // An unknown organisation: 404.
    await operator.get('/operator/organizacje/0123456789abcdef01234567/administrator').expect(404);
  });

  it('is refused (403) to office admins, HR and learners', async () => {
    const office = await buildOrganisation();
    for (const roles of [['admin', 'hr'], ['hr'], ['learner']] as const) {
      const person = await buildLearner({ organisation: office, overrides: { roles: [...roles] } });
      const agent = await loginAgent(server.url, person.user.email, person.password);
      for (const path of ['/operator', '/operator/urzedy/nowy', '/operator/zwiazki/nowy', `/operator/organizacje/${office._id.toHexString()}/administrator`]) {
        await agent.get(path).expect(403);
      }
      const csrf = csrfTokenFrom((await agent.get('/moje-szkolenia').expect(200)).text);
      await agent.post('/operator/urzedy/nowy').type('form').send({ _csrf: csrf, name: 'X', officeType: 'gmina', teryt: '7654321' }).expect(403);
    }
    expect(await Organisation.exists({ teryt: '7654321' })).to.equal(null);
  });
});
