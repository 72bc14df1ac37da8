import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { runScheduledLdapSyncs } from '../../src/sso/ldap/ldap-sync.service.js';
import { SignInMethod, type SignInMethodDoc } from '../../src/sso/sign-in-method.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent, type Agent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { GROUPS_BASE, PEOPLE_BASE, SERVICE_DN, SERVICE_PASSWORD, groupLdif, personLdif, startSlapd, type Slapd } from '../helpers/slapd.js';

const CLERK = { uid: 'jkowalska', fullName: 'Joanna Kowalska', mail: 'jkowalska@urzad.local', password: 'Haslo-Katalog-1', department: 'FIN' };
const HR_PERSON = { uid: 'anowak', fullName: 'Anna Nowak', mail: 'anowak@urzad.local', password: 'Haslo-Katalog-2', department: 'ORG' };
const DISABLED = { uid: 'zwylaczony', fullName: 'Zenon Wyłączony', mail: 'zwylaczony@urzad.local', password: 'Haslo-Katalog-3', employeeType: 'disabled' };
const LEAVER = { uid: 'podchodzi', fullName: 'Piotr Odchodzący', mail: 'podchodzi@urzad.local', password: 'Haslo-Katalog-4', department: 'FIN' };

/** The LDAP form as an office admin fills it for OpenLDAP (memberOf overlay, employeeType=disabled). */
function ldapForm(slapd: Slapd, office: OrganisationDoc, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const [organisational, finance] = office.departments.map((d) => String(d._id));
  return {
    label: 'Katalog urzędu',
    enabled: 'tak',
    url: slapd.url,
    bindDn: SERVICE_DN,
    bindPassword: SERVICE_PASSWORD,
    searchBase: PEOPLE_BASE,
    userFilter: '(&(objectClass=inetOrgPerson)(uid={{username}}))',
    loginAttribute: 'uid',
    emailAttribute: 'mail',
    nameAttribute: 'displayName',
    subjectAttribute: 'entryUUID',
    groupMode: 'memberOf',
    groupAttribute: 'memberOf',
    groupFilter: '',
    groupSearchBase: '',
    disabledCheck: 'attribute',
    disabledAttribute: 'employeeType',
    disabledValue: 'disabled',
    departmentAttribute: 'departmentNumber',
    departmentValue: ['FIN', 'ORG', ''],
    departmentId: [finance, organisational, ''],
    groupName: ['Kadry', ''],
    groupRole: ['hr', ''],
    ...overrides,
  };
}

describe('sso (LDAP against a real slapd)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let slapd: Slapd;
  let office: OrganisationDoc;
  let admin: Agent;
  let method: SignInMethodDoc;

  before(async () => {
    slapd = await startSlapd([personLdif(CLERK), personLdif(HR_PERSON), personLdif(DISABLED), personLdif(LEAVER), groupLdif('Kadry', [HR_PERSON.uid])].join('\n'));
    server = await startTestServer();
    office = await buildOrganisation({ emailDomains: ['urzad.local'] });
    const { user, password } = await buildLearner({ organisation: office, overrides: { roles: ['learner', 'admin'], email: 'admin@urzad.local' } });
    admin = await loginAgent(server.url, user.email, password);
    const page = await admin.get('/urzad/logowanie/nowy/ldap').expect(200);
    const res = await admin
      .post('/urzad/logowanie/nowy/ldap')
      .type('form')
      .send({ ...ldapForm(slapd, office), _csrf: csrfTokenFrom(page.text) });
    expect(res.status, res.text.slice(0, 2000)).to.equal(303);
    method = (await SignInMethod.findOne({ organisationId: office._id }).lean<SignInMethodDoc>())!;
  });
  after(async () => {
    await server?.close();
    await slapd?.stop();
  });

  /** Signs in on the LDAP form of the sign-in page; returns the agent and the answer. */
  async function ldapSignIn(username: string, password: string, next?: string) {
    const agent = request.agent(server.url);
    const page = await agent.get('/logowanie?email=kto%40urzad.local').expect(200);
    const res = await agent
      .post(`/logowanie/ldap/${String(method._id)}`)
      .type('form')
      .send({ username, password, _csrf: csrfTokenFrom(page.text), ...(next ? { next } : {}) });
    return { agent, res };
  }

  const userByEmail = (email: string) => User.findOne({ email }).setOptions({ acrossOrganisations: true }).lean<UserDoc>();

  it('stores the service password sealed (never in plaintext) and never shows it again on the form', async () => {
    expect(method.sealedSecret).to.match(/^sb1\./);
    const raw = await mongoose.connection.db!.collection('sign_in_methods').find({}).toArray();
    expect(JSON.stringify(raw)).to.not.contain(SERVICE_PASSWORD);
    const form = await admin.get(`/urzad/logowanie/${String(method._id)}`).expect(200);
    expect(form.text).to.not.contain(SERVICE_PASSWORD);
    expect(form.text).to.contain('Zostaw puste, aby go nie zmieniać');
    expect(form.text).to.match(/<input type="password" id="bindPassword" name="bindPassword"(?![^>]*value=)/);
  });

  it('keeps the stored password when the form is saved with the password left empty', async () => {
    const page = await admin.get(`/urzad/logowanie/${String(method._id)}`).expect(200);
    await admin
      .post(`/urzad/logowanie/${String(method._id)}`)
      .type('form')
      .send({ ...ldapForm(slapd, office, { bindPassword: '' }), _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    const stored = await SignInMethod.findById(method._id).lean<SignInMethodDoc>();
    expect(stored!.sealedSecret).to.equal(method.sealedSecret);
  });

  it('refuses a new method without a service password, and a filter without {{username}}, on the form', async () => {
    const page = await admin.get('/urzad/logowanie/nowy/ldap').expect(200);
    const res = await admin
      .post('/urzad/logowanie/nowy/ldap')
      .type('form')
      .send({ ...ldapForm(slapd, office, { bindPassword: '', userFilter: '(uid=x)' }), _csrf: csrfTokenFrom(page.text) })
      .expect(400);
    expect(res.text).to.contain('Filtr musi zawierać {{username}}');
    expect(await SignInMethod.countDocuments({ organisationId: office._id })).to.equal(1);
  });

  it('"Sprawdź połączenie" binds with the service account and says how many people it found', async () => {
    const page = await admin.get(`/urzad/logowanie/${String(method._id)}`).expect(200);
    await admin
      .post(`/urzad/logowanie/${String(method._id)}/sprawdz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    const after = await admin.get(`/urzad/logowanie/${String(method._id)}`).expect(200);
    expect(after.text).to.contain('Połączenie działa');
    expect(after.text).to.contain('4 os.');
  });

  it('shows the office methods on /logowanie by e-mail domain, and by choosing the office', async () => {
    const byMail = await request(server.url).get('/logowanie?email=ktos%40urzad.local').expect(200);
    expect(byMail.text).to.contain(`action="/logowanie/ldap/${String(method._id)}"`);
    const byOffice = await request(server.url)
      .get(`/logowanie?urzad=${String(office._id)}`)
      .expect(200);
    expect(byOffice.text).to.contain('Zaloguj się: Katalog urzędu');
    const other = await request(server.url).get('/logowanie?email=ktos%40inny.pl').expect(200);
    expect(other.text).to.not.contain('/logowanie/ldap/');
  });

  it('creates a directory-only clerk at first sign-in: in the office, in the mapped department, active and confirmed', async () => {
    const { agent, res } = await ldapSignIn(CLERK.uid, CLERK.password, '/konto');
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    expect(res.headers.location).to.equal('/konto');
    const user = (await userByEmail(CLERK.mail))!;
    expect(String(user.organisationId)).to.equal(String(office._id));
    expect(String(user.departmentId)).to.equal(String(office.departments[1]._id));
    expect(user.status).to.equal('active');
    expect(user.emailConfirmedAt).to.be.instanceOf(Date);
    expect(user.fullName).to.equal(CLERK.fullName);
    expect(user.roles).to.deep.equal(['learner']);
    expect(String(user.directory!.methodId)).to.equal(String(method._id));
    expect(user.passwordHash).to.equal(undefined);
    const home = await agent.get('/konto').expect(200);
    expect(home.text).to.contain(CLERK.fullName);
    expect(await AuditEntry.countDocuments({ organisationId: office._id, action: 'person.provisioned' })).to.equal(1);
  });

  it('gives a new session id at a directory sign-in, and sign-out ends the session', async () => {
    const agent = request.agent(server.url);
    const page = await agent.get('/logowanie?email=kto%40urzad.local').expect(200);
    const cookieOf = (res: request.Response) =>
      ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('ajst.sid='))
        ?.split(';')[0];
    const before = cookieOf(page);
    const res = await agent
      .post(`/logowanie/ldap/${String(method._id)}`)
      .type('form')
      .send({ username: CLERK.uid, password: CLERK.password, _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    expect(cookieOf(res)).to.be.a('string').and.not.equal(before);
    const account = await agent.get('/konto').expect(200);
    await agent
      .post('/wyloguj')
      .type('form')
      .send({ _csrf: csrfTokenFrom(account.text) })
      .expect(302);
    const after = await agent.get('/konto').expect(302);
    expect(after.headers.location).to.match(/^\/logowanie/);
  });

  it('ignores a next that leads to another site', async () => {
    const { res } = await ldapSignIn(CLERK.uid, CLERK.password, '//evil.example/');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/pulpit');
  });

  it('gives the HR role to a member of the "Kadry" group', async () => {
    const { agent, res } = await ldapSignIn(HR_PERSON.uid, HR_PERSON.password);
    expect(res.status).to.equal(303);
    const user = (await userByEmail(HR_PERSON.mail))!;
    expect(user.roles).to.include('hr');
    expect(String(user.departmentId)).to.equal(String(office.departments[0]._id));
    await agent.get('/kadry/osoby').expect(200);
  });

  it('refuses a wrong password and an unknown user with the clear page (401); a blank password gets the form back with its message; nobody is created', async () => {
    for (const [username, password] of [
      [CLERK.uid, 'zle-haslo'],
      ['nieistnieje', 'cokolwiek'],
    ]) {
      const { res } = await ldapSignIn(username, password);
      expect(res.status, username).to.equal(401);
      expect(res.text).to.contain('Nazwa użytkownika lub hasło są nieprawidłowe');
      expect(res.text).to.not.match(/ldap|uid=|dc=/i);
      // The way back keeps the office chosen, so the person only types the password again.
      // (Handlebars writes the `=` of an attribute value as &#x3D;, which the browser reads back as `=`.)
      expect(res.text).to.contain(`href="/logowanie?urzad&#x3D;${String(office._id)}"`);
    }
    // A blank password never reaches the directory: the sign-in page again, the office's form keeping the login typed.
    const empty = await ldapSignIn(CLERK.uid, '');
    expect(empty.res.status).to.equal(400);
    expect(empty.res.text)
      .to.contain('Podaj hasło.')
      .and.contain(`href="#ldap-password-${String(method._id)}"`);
    expect(empty.res.text).to.match(new RegExp(`id="ldap-password-${String(method._id)}"[^>]*aria-invalid="true"`));
    expect(empty.res.text).to.contain(`value="${CLERK.uid}"`);
    expect(await User.countDocuments({ email: 'nieistnieje@urzad.local' }).setOptions({ acrossOrganisations: true })).to.equal(0);
  });

  it('refuses a user disabled in the directory (403), after the password matched', async () => {
    const { res } = await ldapSignIn(DISABLED.uid, DISABLED.password);
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('konto w katalogu urzędu jest wyłączone');
    expect(await userByEmail(DISABLED.mail)).to.equal(null);
    const wrong = await ldapSignIn(DISABLED.uid, 'zle');
    expect(wrong.res.status).to.equal(401);
  });

  it('treats a filter injection as a plain (unknown) username', async () => {
    for (const attempt of ['*', 'jkowalska)(uid=*', '*)(|(uid=*', 'j*', '\\2a']) {
      const { res } = await ldapSignIn(attempt, CLERK.password);
      expect(res.status, attempt).to.equal(401);
    }
  });

  it('updates name, department and mapped roles at a later sign-in, keeping roles the mapping does not name', async () => {
    const clerk = (await userByEmail(CLERK.mail))!;
    await User.updateOne({ _id: clerk._id }, { $set: { roles: ['learner', 'author'] } });
    await slapd.modify(`dn: uid=${CLERK.uid},${PEOPLE_BASE}
changetype: modify
replace: displayName
displayName: Joanna Kowalska-Wiśniewska
-
replace: departmentNumber
departmentNumber: ORG
`);
    await slapd.modify(`dn: cn=Kadry,${GROUPS_BASE}
changetype: modify
add: member
member: uid=${CLERK.uid},${PEOPLE_BASE}
`);
    const { res } = await ldapSignIn(CLERK.uid, CLERK.password);
    expect(res.status).to.equal(303);
    const after = (await userByEmail(CLERK.mail))!;
    expect(String(after._id)).to.equal(String(clerk._id));
    expect(after.fullName).to.equal('Joanna Kowalska-Wiśniewska');
    expect(String(after.departmentId)).to.equal(String(office.departments[0]._id));
    expect(after.roles).to.have.members(['learner', 'hr', 'author']);
    expect(after.departmentHistory.length).to.equal(2);
    // Out of the group again: the directory takes HR away, the office's author role stays.
    await slapd.modify(`dn: cn=Kadry,${GROUPS_BASE}
changetype: modify
delete: member
member: uid=${CLERK.uid},${PEOPLE_BASE}
`);
    await ldapSignIn(CLERK.uid, CLERK.password);
    expect((await userByEmail(CLERK.mail))!.roles).to.have.members(['learner', 'author']);
    expect(await AuditEntry.countDocuments({ organisationId: office._id, action: 'person.directoryUpdated' })).to.be.greaterThan(0);
  });

  it('follows an e-mail change at the directory instead of creating a second account', async () => {
    const before = (await userByEmail(CLERK.mail))!;
    await slapd.modify(`dn: uid=${CLERK.uid},${PEOPLE_BASE}
changetype: modify
replace: mail
mail: joanna.kowalska@urzad.local
`);
    await ldapSignIn(CLERK.uid, CLERK.password);
    const after = (await userByEmail('joanna.kowalska@urzad.local'))!;
    expect(String(after._id)).to.equal(String(before._id));
  });

  it('refuses an address that belongs to another office', async () => {
    const elsewhere = await buildOrganisation();
    await buildLearner({ organisation: elsewhere, overrides: { email: 'zajety@urzad.local' } });
    await slapd.add(personLdif({ uid: 'zajety', fullName: 'Zajęty Adres', mail: 'zajety@urzad.local', password: 'Haslo-Katalog-5' }));
    const { res } = await ldapSignIn('zajety', 'Haslo-Katalog-5');
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('należy do konta w innym urzędzie');
  });

  it('refuses a directory entry without an e-mail address (403), creating nobody', async () => {
    await slapd.add(personLdif({ uid: 'bezmaila', fullName: 'Bez Maila', password: 'Haslo-Katalog-6' }));
    const { res } = await ldapSignIn('bezmaila', 'Haslo-Katalog-6');
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('nie podał Twojego adresu e-mail');
  });

  it('refuses an account the office deactivated', async () => {
    await ldapSignIn(LEAVER.uid, LEAVER.password);
    await User.updateOne({ email: LEAVER.mail }, { $set: { status: 'deactivated' } }).setOptions({ acrossOrganisations: true });
    const { res } = await ldapSignIn(LEAVER.uid, LEAVER.password);
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('zostało wyłączone przez urząd');
    await User.updateOne({ email: LEAVER.mail }, { $set: { status: 'active' } }).setOptions({ acrossOrganisations: true });
  });

  it('sync dry run lists what would change, changes nothing; Zastosuj deactivates, and they cannot sign in', async () => {
    await slapd.remove(`uid=${LEAVER.uid},${PEOPLE_BASE}`);
    await slapd.modify(`dn: uid=${HR_PERSON.uid},${PEOPLE_BASE}
changetype: modify
replace: departmentNumber
departmentNumber: FIN
`);
    const dry = await admin.get(`/urzad/logowanie/${String(method._id)}/synchronizacja`).expect(200);
    expect(dry.text).to.contain(LEAVER.fullName);
    expect(dry.text).to.contain('nie ma już konta w katalogu');
    expect(dry.text).to.match(/Anna Nowak[\s\S]*referat: Referat Organizacyjny → Referat Finansowy/);
    expect((await userByEmail(LEAVER.mail))!.status).to.equal('active');
    await admin
      .post(`/urzad/logowanie/${String(method._id)}/synchronizacja`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(dry.text) })
      .expect(303);
    const leaver = (await userByEmail(LEAVER.mail))!;
    expect(leaver.status).to.equal('deactivated');
    expect(String((await userByEmail(HR_PERSON.mail))!.departmentId)).to.equal(String(office.departments[1]._id));
    expect(await AuditEntry.countDocuments({ organisationId: office._id, action: 'person.deactivated', 'subject.id': String(leaver._id) })).to.equal(1);
    const again = await admin.get(`/urzad/logowanie/${String(method._id)}/synchronizacja`).expect(200);
    expect(again.text).to.contain('Wszystkie konta zgadzają się z katalogiem');
    // Disabled at the directory, then synchronised by the scheduled job: deactivated, and refused at sign-in.
    await slapd.modify(`dn: uid=${HR_PERSON.uid},${PEOPLE_BASE}
changetype: modify
add: employeeType
employeeType: disabled
`);
    expect(await runScheduledLdapSyncs(server.platform)).to.equal(1);
    expect(await runScheduledLdapSyncs(server.platform), 'once a day per method: the claim holds').to.equal(0);
    expect((await userByEmail(HR_PERSON.mail))!.status).to.equal('deactivated');
    const { res } = await ldapSignIn(HR_PERSON.uid, HR_PERSON.password);
    expect(res.status).to.equal(403);
  });

  it('lets HR run the sync, found from their people list, but not open the method settings', async () => {
    const { user, password } = await buildLearner({ organisation: office, overrides: { roles: ['learner', 'hr'], email: 'kadry@urzad.local' } });
    const hr = await loginAgent(server.url, user.email, password);
    const people = await hr.get('/kadry/osoby').expect(200);
    expect(people.text).to.include(`href="/urzad/logowanie/${String(method._id)}/synchronizacja"`);
    await hr.get(`/urzad/logowanie/${String(method._id)}/synchronizacja`).expect(200);
    await hr.get(`/urzad/logowanie/${String(method._id)}`).expect(403);
  });

  it('switching platform passwords off refuses the office staff on the local form, pointing to the directory; the operator keeps theirs', async () => {
    const { user, password } = await buildLearner({ organisation: office, overrides: { email: 'lokalny@urzad.local' } });
    const page = await admin.get('/urzad/logowanie').expect(200);
    await admin
      .post('/urzad/logowanie/hasla')
      .type('form')
      .send({ localPasswords: 'off', _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    const agent = request.agent(server.url);
    const form = await agent.get('/logowanie').expect(200);
    const refused = await agent
      .post('/logowanie')
      .type('form')
      .send({ email: user.email, password, _csrf: csrfTokenFrom(form.text) })
      .expect(403);
    expect(refused.text).to.contain('wyłączył logowanie hasłem platformy');
    expect(refused.text).to.contain(`action="/logowanie/ldap/${String(method._id)}"`);
    const operatorOffice = await buildOrganisation({ kind: 'platform', name: 'Operator' });
    const operator = await buildLearner({ organisation: operatorOffice, overrides: { roles: ['operator'] } });
    await loginAgent(server.url, operator.user.email, operator.password);
    const back = await admin.get('/urzad/logowanie').expect(200);
    await admin
      .post('/urzad/logowanie/hasla')
      .type('form')
      .send({ localPasswords: 'on', _csrf: csrfTokenFrom(back.text) })
      .expect(303);
    await loginAgent(server.url, user.email, password);
  });

  it('asks before removing a method, then removes it; the accounts it created stay', async () => {
    const page = await admin.get('/urzad/logowanie/nowy/ldap').expect(200);
    await admin
      .post('/urzad/logowanie/nowy/ldap')
      .type('form')
      .send({ ...ldapForm(slapd, office, { label: 'Drugi katalog' }), _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    const second = (await SignInMethod.findOne({ organisationId: office._id, label: 'Drugi katalog' }).lean<SignInMethodDoc>())!;
    const accountsBefore = await User.countDocuments({ organisationId: office._id });
    const list = await admin.get('/urzad/logowanie').expect(200);
    expect(list.text).to.include(`href="/urzad/logowanie/${String(second._id)}/usun"`);
    const confirm = await admin.get(`/urzad/logowanie/${String(second._id)}/usun`).expect(200);
    expect(confirm.text).to.contain('Drugi katalog').and.contain('Konta, które powstały');
    expect(await SignInMethod.countDocuments({ _id: second._id })).to.equal(1);
    await admin
      .post(`/urzad/logowanie/${String(second._id)}/usun`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(confirm.text) })
      .expect(303);
    expect(await SignInMethod.countDocuments({ _id: second._id })).to.equal(0);
    expect(await User.countDocuments({ organisationId: office._id })).to.equal(accountsBefore);
  });

  it('says the directory is down (503 page, no hang, no 500) when slapd does not answer', async () => {
    await slapd.stop();
    const started = Date.now();
    const { res } = await ldapSignIn(CLERK.uid, CLERK.password);
    expect(res.status).to.equal(503);
    expect(res.text).to.contain('Katalog urzędu nie odpowiada');
    expect(Date.now() - started).to.be.below(15_000);
    const dry = await admin.get(`/urzad/logowanie/${String(method._id)}/synchronizacja`).expect(200);
    expect(dry.text).to.contain('Katalog urzędu nie odpowiada');
  });
});
