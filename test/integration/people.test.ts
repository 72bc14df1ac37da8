// Issue 11: HR and office admins manage the people of their office under /kadry/osoby.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import { Organisation, type OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { mailsTo } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;

/** Collects a download's bytes (supertest's parse hook; the response is a stream at run time). */
function binary(res: request.Response, done: (error: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** A department history as the factories store it. */
function periodIn(departmentId: Types.ObjectId, from: Date): UserDoc['departmentHistory'] {
  return [{ departmentId, from }] as unknown as UserDoc['departmentHistory'];
}

describe('people (/kadry/osoby: list, add, edit, deactivate, move, merge)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let hr: Agent;
  let admin: Agent;
  let hrUser: UserDoc;
  let adminUser: UserDoc;
  let organisational: string;
  let financial: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    office = await buildOrganisation({ name: 'Urząd Gminy Osobowo' });
    [organisational, financial] = office.departments.map((d) => d._id.toHexString());
    const h = await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa' } });
    const a = await buildLearner({ organisation: office, overrides: { roles: ['admin', 'learner'], fullName: 'Adam Administrator' } });
    hrUser = h.user;
    adminUser = a.user;
    hr = await loginAgent(server.url, h.user.email, h.password);
    admin = await loginAgent(server.url, a.user.email, a.password);
  });
  after(async () => server.close());

  async function csrf(agent: Agent, path = '/kadry/osoby'): Promise<string> {
    return csrfTokenFrom((await agent.get(path).expect(200)).text);
  }

  it('HR adds a learner: invited, mailed, audited; the list shows them with their status', async () => {
    const token = await csrf(hr, '/kadry/osoby/nowa');
    const res = await hr
      .post('/kadry/osoby/nowa')
      .type('form')
      .send({
        _csrf: token,
        fullName: 'Łucja Źdźbło',
        email: 'Lucja@Urzad.test',
        departmentId: organisational,
        position: 'Podinspektor',
        employeeNumber: 'P-001',
        roles: 'learner',
      })
      .expect(303);
    expect(res.headers.location).to.equal('/kadry/osoby');
    const stored = await User.findOne({ organisationId: office._id, email: 'lucja@urzad.test' }).lean<UserDoc>();
    expect(stored).to.include({ status: 'invited', fullName: 'Łucja Źdźbło', position: 'Podinspektor', employeeNumber: 'P-001' });
    expect(stored!.departmentHistory).to.have.length(1);
    expect(await mailsTo('lucja@urzad.test')).to.have.length(1);
    expect(await AuditEntry.countDocuments({ organisationId: office._id, action: 'person.invited', 'subject.id': stored!._id.toHexString() })).to.equal(1);
    const list = await hr.get('/kadry/osoby').expect(200);
    expect(list.text).to.contain('Łucja Źdźbło').and.contain('zaproszenie wysłane').and.contain(`href="/kadry/osoby/${stored!._id.toHexString()}"`);
    // Search ignores case and Polish letters; filters narrow the list.
    expect((await hr.get('/kadry/osoby').query({ q: 'LUCJA ZDZ' }).expect(200)).text).to.contain('Łucja Źdźbło');
    expect((await hr.get('/kadry/osoby').query({ q: 'kowalski' }).expect(200)).text).to.not.contain('Łucja Źdźbło');
    expect((await hr.get('/kadry/osoby').query({ q: 'zdzbło' }).expect(200)).text).to.contain('Łucja Źdźbło');
    expect((await hr.get('/kadry/osoby').query({ q: 'P-001' }).expect(200)).text).to.contain('Łucja Źdźbło');
    expect((await hr.get('/kadry/osoby').query({ status: 'active' }).expect(200)).text).to.not.contain('Łucja Źdźbło');
    expect((await hr.get('/kadry/osoby').query({ departmentId: financial }).expect(200)).text).to.not.contain('Łucja Źdźbło');
    expect((await hr.get('/kadry/osoby').query({ role: 'hr' }).expect(200)).text)
      .to.contain('Halina Kadrowa')
      .and.not.contain('Łucja Źdźbło');
  });

  it('refuses, field by field: a taken e-mail, a duplicate employee number, roles HR may not give, an archived department', async () => {
    const token = await csrf(hr, '/kadry/osoby/nowa');
    const post = (body: Record<string, string>) =>
      hr
        .post('/kadry/osoby/nowa')
        .type('form')
        .send({ _csrf: token, fullName: 'Jan Nowy', ...body });
    const taken = await post({ email: 'lucja@urzad.test' }).expect(400);
    expect(taken.text).to.contain('Ten adres ma już konto');
    const number = await post({ email: 'jan@urzad.test', employeeNumber: 'P-001' }).expect(400);
    expect(number.text).to.contain('Ten numer pracownika ma już inna osoba');
    const roles = await post({ email: 'jan@urzad.test', roles: 'admin' }).expect(400);
    expect(roles.text).to.contain('Tylko administrator urzędu nadaje role');
    await Organisation.updateOne({ _id: office._id }, { $push: { departments: { name: 'Referat Zlikwidowany', archivedAt: new Date() } } });
    const archived = (await Organisation.findById(office._id).lean<OrganisationDoc>())!.departments[2]._id.toHexString();
    const closed = await post({ email: 'jan@urzad.test', departmentId: archived }).expect(400);
    expect(closed.text).to.contain('zarchiwizowany');
    const garbage = await post({ email: 'nie-adres' }).expect(400);
    expect(garbage.text).to.contain('nazwa@urzad.gov.pl');
    // The registration rule for names: they go into the invitation mail and onto certificates.
    const link = await post({ email: 'jan@urzad.test', fullName: 'Jan\nhttp://zly.example' }).expect(400);
    expect(link.text).to.contain('fullName-error');
    expect(await User.countDocuments({ organisationId: office._id, email: 'jan@urzad.test' })).to.equal(0);
  });

  it('an admin gives HR; HR cannot change roles (403)', async () => {
    const { user } = await buildLearner({ organisation: office, overrides: { fullName: 'Roman Rola' } });
    const path = `/kadry/osoby/${user._id.toHexString()}`;
    const hrToken = await csrf(hr, `${path}/edycja`);
    await hr
      .post(`${path}/role`)
      .type('form')
      .send({ _csrf: hrToken, roles: ['learner', 'hr'] })
      .expect(403);
    const token = await csrf(admin, `${path}/edycja`);
    await admin
      .post(`${path}/role`)
      .type('form')
      .send({ _csrf: token, roles: ['learner', 'hr'], reason: 'Nowy kadrowy' })
      .expect(303);
    expect((await User.findById(user._id).lean<UserDoc>())!.roles).to.have.members(['learner', 'hr']);
    const entry = await AuditEntry.findOne({ organisationId: office._id, action: 'person.rolesChanged', 'subject.id': user._id.toHexString() }).lean();
    expect(entry).to.include({ actorName: 'Adam Administrator', reason: 'Nowy kadrowy' });
    // An admin cannot take the admin role from themselves.
    const own = await admin
      .post(`/kadry/osoby/${adminUser._id.toHexString()}/role`)
      .type('form')
      .send({ _csrf: token, roles: ['learner'] })
      .expect(400);
    expect(own.text).to.contain('Nie możesz odebrać sobie roli administratora');
  });

  it('moves a person to another department, keeping the history; audited with the reason', async () => {
    const { user } = await buildLearner({
      organisation: office,
      overrides: {
        fullName: 'Michał Mobilny',
        departmentId: new Types.ObjectId(organisational),
        departmentHistory: periodIn(new Types.ObjectId(organisational), new Date('2024-01-01')),
      },
    });
    const path = `/kadry/osoby/${user._id.toHexString()}`;
    const token = await csrf(hr, `${path}/edycja`);
    await hr.post(`${path}/dane`).type('form').send({ _csrf: token, departmentId: financial, position: 'Księgowy', employeeNumber: '', reason: 'Reorganizacja' }).expect(303);
    const moved = (await User.findById(user._id).lean<UserDoc>())!;
    expect(String(moved.departmentId)).to.equal(financial);
    expect(moved.position).to.equal('Księgowy');
    expect(moved.departmentHistory.map((p) => [String(p.departmentId), Boolean(p.to)])).to.deep.equal([
      [organisational, true],
      [financial, false],
    ]);
    const entry = await AuditEntry.findOne({ organisationId: office._id, action: 'person.moved', 'subject.id': user._id.toHexString() }).lean();
    expect(entry).to.include({ reason: 'Reorganizacja', actorName: 'Halina Kadrowa' });
    expect(entry?.details).to.deep.equal({ from: 'Referat Organizacyjny', to: 'Referat Finansowy' });
    const page = await hr.get(`${path}/edycja`).expect(200);
    expect(page.text).to.contain('Historia działów').and.contain('01.01.2024');
  });

  it('deactivates a leaver (reason required): they cannot sign in, their session ends, the matrix and exports show them as left; reactivation restores access', async () => {
    const { user, password } = await buildLearner({ organisation: office, overrides: { fullName: 'Olga Odchodząca' } });
    const olga = await loginAgent(server.url, user.email, password);
    await olga.get('/moje-szkolenia').expect(200);
    const path = `/kadry/osoby/${user._id.toHexString()}`;
    const token = await csrf(hr, `${path}/edycja`);
    const noReason = await hr.post(`${path}/dezaktywuj`).type('form').send({ _csrf: token, reason: '' }).expect(400);
    expect(noReason.text).to.contain('Podaj powód');
    expect((await User.findById(user._id).lean<UserDoc>())!.status).to.equal('active');
    await hr.post(`${path}/dezaktywuj`).type('form').send({ _csrf: token, reason: 'Rozwiązanie umowy' }).expect(303);
    const stored = (await User.findById(user._id).lean<UserDoc>())!;
    expect(stored.status).to.equal('deactivated');
    expect(stored.deactivatedAt).to.be.instanceOf(Date);
    expect((await AuditEntry.findOne({ organisationId: office._id, action: 'person.deactivated', 'subject.id': user._id.toHexString() }).lean())?.reason).to.equal(
      'Rozwiązanie umowy',
    );
    // The open session ends; a new sign-in is refused.
    expect((await olga.get('/moje-szkolenia')).status).to.equal(302);
    const visitor = request.agent(server.url);
    const form = await visitor.get('/logowanie').expect(200);
    const login = await visitor
      .post('/logowanie')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), email: user.email, password });
    expect(login.status).to.not.equal(302);
    // Shown as left in the matrix and in both exports.
    const matrix = await hr.get('/kadry').expect(200);
    expect(matrix.text).to.match(/Olga Odchodząca(<\/a>)? <span class="person-left">\(poza urzędem\)<\/span>/);
    const csv = await hr.get('/kadry/eksport.csv').buffer(true).parse(binary);
    const records = parse<Record<string, string>>(csv.body as Buffer, { bom: true, delimiter: ';', columns: true });
    expect(records.find((r) => r['Imię i nazwisko'] === 'Olga Odchodząca')?.['Stan konta']).to.equal('poza urzędem');
    expect(records.find((r) => r['Imię i nazwisko'] === 'Roman Rola')?.['Stan konta']).to.equal('');
    const xlsx = await hr.get('/kadry/eksport.xlsx').buffer(true).parse(binary);
    const workbook = new ExcelJS.Workbook();
    const bytes = xlsx.body as Buffer;
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const rows: string[][] = [];
    workbook.getWorksheet('Ukończenia')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map(String)));
    // Columns found by their headers: the export gains columns (certificate number…) without breaking this.
    const account = rows[0].indexOf('Stan konta');
    const fullName = rows[0].indexOf('Imię i nazwisko');
    expect(account).to.be.greaterThan(-1);
    expect(rows.find((row) => row[fullName] === 'Olga Odchodząca')?.[account]).to.equal('poza urzędem');
    // Leavers are not offered for assignments.
    expect((await hr.get('/kadry/przypisz').expect(200)).text).to.not.contain('Olga Odchodząca');

    const again = await csrf(hr, `${path}/edycja`);
    await hr.post(`${path}/aktywuj`).type('form').send({ _csrf: again }).expect(303);
    expect((await User.findById(user._id).lean<UserDoc>())!)
      .to.include({ status: 'active' })
      .and.not.have.property('deactivatedAt');
    await loginAgent(server.url, user.email, password);
  });

  it('HR cannot deactivate an office admin nor themselves', async () => {
    const token = await csrf(hr, '/kadry/osoby');
    await hr.post(`/kadry/osoby/${adminUser._id.toHexString()}/dezaktywuj`).type('form').send({ _csrf: token, reason: 'Próba przejęcia' }).expect(403);
    await hr.post(`/kadry/osoby/${hrUser._id.toHexString()}/dezaktywuj`).type('form').send({ _csrf: token, reason: 'Pomyłka' }).expect(400);
    expect((await User.findById(adminUser._id).lean<UserDoc>())!.status).to.equal('active');
    expect((await User.findById(hrUser._id).lean<UserDoc>())!.status).to.equal('active');
  });

  it('resends an invitation to an invited person only', async () => {
    const person = await User.findOne({ organisationId: office._id, email: 'lucja@urzad.test' }).lean<UserDoc>();
    const path = `/kadry/osoby/${person!._id.toHexString()}`;
    const token = await csrf(hr, `${path}/edycja`);
    await hr.post(`${path}/zaproszenie`).type('form').send({ _csrf: token }).expect(303);
    expect(await mailsTo('lucja@urzad.test')).to.have.length(2);
  });

  it('pages through 2,000 people, 50 a page, sorted by name', async () => {
    const big = await buildOrganisation({ name: 'Urząd Miasta Duże' });
    const docs = Array.from({ length: 2000 }, (_, i) => ({
      organisationId: big._id,
      email: `osoba${String(i).padStart(4, '0')}@duze.test`,
      fullName: `Osoba ${String(i).padStart(4, '0')}`,
      roles: ['learner'],
      status: 'active',
      learnerId: new Types.ObjectId().toHexString(),
    }));
    await User.insertMany(docs);
    const h = await buildLearner({ organisation: big, overrides: { roles: ['hr'], fullName: 'Żaneta Kadrowa' } });
    const agent = await loginAgent(server.url, h.user.email, h.password);
    const first = await agent.get('/kadry/osoby').expect(200);
    expect(first.text).to.contain('Strona 1 z 41').and.contain('Osoba 0000').and.contain('Osoba 0049').and.not.contain('Osoba 0050');
    const third = await agent.get('/kadry/osoby').query({ page: 3 }).expect(200);
    expect(third.text).to.contain('Osoba 0100').and.not.contain('Osoba 0099').and.contain('href="/kadry/osoby?page=2"');
    const found = await agent.get('/kadry/osoby').query({ q: 'osoba1234' }).expect(200);
    expect(found.text).to.contain('Osoba 1234').and.contain('Znaleziono: 1');
    // A page beyond the end shows the last one; a garbage page number the first.
    expect((await agent.get('/kadry/osoby').query({ page: 999 }).expect(200)).text).to.contain('Strona 41 z 41');
    expect((await agent.get('/kadry/osoby').query({ page: 'x', status: 'nonsense' }).expect(200)).text).to.contain('Strona 1 z 41');
  });

  it('department.merged moves everyone of the merged department into the target, with history and audit', async () => {
    const merged = await buildOrganisation({ name: 'Urząd Łączony' });
    const [from, into] = merged.departments.map((d) => d._id);
    const people = await Promise.all(
      ['Ewa Pierwsza', 'Piotr Drugi'].map(
        async (fullName) =>
          (await buildLearner({ organisation: merged, overrides: { fullName, departmentId: from, departmentHistory: periodIn(from, new Date('2025-01-01')) } })).user,
      ),
    );
    const stays = (await buildLearner({ organisation: merged, overrides: { fullName: 'Zenon Zostaje', departmentId: into } })).user;
    const at = new Date();
    const event = {
      organisationId: merged._id.toHexString(),
      fromDepartmentId: from.toHexString(),
      intoDepartmentId: into.toHexString(),
      actor: { id: adminUser._id.toHexString(), fullName: 'Adam Administrator' },
      at,
    };
    await server.platform.events.emit('department.merged', event);
    for (const person of people) {
      const stored = (await User.findById(person._id).lean<UserDoc>())!;
      expect(String(stored.departmentId)).to.equal(into.toHexString());
      expect(stored.departmentHistory.map((p) => [String(p.departmentId), p.to?.getTime()])).to.deep.equal([
        [from.toHexString(), at.getTime()],
        [into.toHexString(), undefined],
      ]);
    }
    expect((await User.findById(stays._id).lean<UserDoc>())!.departmentHistory).to.have.length(0);
    expect(await AuditEntry.countDocuments({ organisationId: merged._id, action: 'person.moved' })).to.equal(2);
    // Running it again changes nothing (listeners must be safe to repeat).
    await server.platform.events.emit('department.merged', event);
    expect(await AuditEntry.countDocuments({ organisationId: merged._id, action: 'person.moved' })).to.equal(2);
  });
});
