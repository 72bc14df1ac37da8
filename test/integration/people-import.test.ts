// Issue 11: importing people from CSV or XLSX — dry run first (bad rows by line, nothing written), then the import.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { PeopleImport } from '../../src/people/people-import.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;

/** 200 people of the office's two departments, with three bad rows at lines 11, 51 and 151 (header = line 1). */
function twoHundredRows(separator: ',' | ';'): string {
  const lines = [['imię i nazwisko', 'e-mail', 'dział', 'stanowisko', 'role', 'numer pracownika'].join(separator)];
  for (let i = 1; i <= 200; i += 1) {
    const n = String(i).padStart(3, '0');
    let row = [`Pracownik ${n} Łęcki`, `pracownik${n}@gmina.test`, i % 2 ? 'Referat Organizacyjny' : 'referat finansowy', 'Inspektor', 'kursant', `E${n}`];
    if (i === 10) row = [`Pracownik ${n}`, 'to-nie-jest-adres', 'Referat Organizacyjny', '', '', `E${n}`];
    if (i === 50) row = [`Pracownik ${n}`, `pracownik${n}@gmina.test`, 'Referat Kosmiczny', '', '', `E${n}`];
    if (i === 150) row = [`Pracownik ${n}`, 'pracownik001@gmina.test', 'Referat Organizacyjny', '', '', `E${n}`];
    lines.push(row.join(separator));
  }
  return lines.join('\r\n') + '\r\n';
}

describe('people import (/kadry/osoby/import)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let hr: Agent;

  before(async () => {
    server = await startTestServer();
    office = await buildOrganisation({ name: 'Urząd Gminy Importowo' });
    const h = await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Irena Importująca' } });
    hr = await loginAgent(server.url, h.user.email, h.password);
  });
  after(async () => server.close());

  async function upload(agent: Agent, bytes: Buffer, filename = 'osoby.csv') {
    const token = csrfTokenFrom((await agent.get('/kadry/osoby/import').expect(200)).text);
    return agent.post('/kadry/osoby/import').field('_csrf', token).attach('plik', bytes, { filename });
  }

  async function dryRun(agent: Agent, bytes: Buffer, filename?: string) {
    const res = await upload(agent, bytes, filename);
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    const page = await agent.get(res.headers.location).expect(200);
    return { path: res.headers.location, page: page.text };
  }

  async function runImport(agent: Agent, path: string) {
    const token = csrfTokenFrom((await agent.get(path).expect(200)).text);
    await agent.post(path).type('form').send({ _csrf: token }).expect(303);
  }

  const peopleCount = () => User.countDocuments({ organisationId: office._id });

  it('the page documents the columns (Polish and English headers)', async () => {
    const page = await hr.get('/kadry/osoby/import').expect(200);
    expect(page.text).to.contain('imię i nazwisko / imie i nazwisko').and.contain('numer pracownika').and.contain('employee number').and.contain('UTF-8');
  });

  it('a 200-row CSV with three bad rows: the dry run names them by line and writes nothing; the import creates 197; a re-import duplicates nobody', async () => {
    const before = await peopleCount();
    const { path, page } = await dryRun(hr, Buffer.from(twoHundredRows(',')));
    expect(await peopleCount()).to.equal(before);
    expect(page).to.contain('Wiersze z błędami (zostaną pominięte): 3').and.contain('Nowe osoby (dostaną zaproszenie): 197');
    expect(page).to.match(/wiersz 11<\/th>.*?nieprawidłowy adres e-mail „to-nie-jest-adres”/s);
    expect(page).to.match(/wiersz 51<\/th>.*?nieznany dział „Referat Kosmiczny”/s);
    expect(page).to.match(/wiersz 151<\/th>.*?ten sam e-mail co w wierszu 2/s);

    await runImport(hr, path);
    expect(await peopleCount()).to.equal(before + 197);
    const one = await User.findOne({ organisationId: office._id, email: 'pracownik002@gmina.test' }).lean<UserDoc>();
    expect(one).to.include({ status: 'invited', employeeNumber: 'E002', position: 'Inspektor', fullName: 'Pracownik 002 Łęcki' });
    expect(String(one!.departmentId)).to.equal(office.departments[1]._id.toHexString());
    const run = await AuditEntry.findOne({ organisationId: office._id, action: 'import.run' }).lean();
    expect(run?.details).to.include({ created: 197, updated: 0, rejected: 3 });
    expect(await AuditEntry.countDocuments({ organisationId: office._id, action: 'person.invited' })).to.equal(197);
    // The same dry run cannot be imported twice.
    const token = csrfTokenFrom((await hr.get(path).expect(200)).text);
    await hr.post(path).type('form').send({ _csrf: token }).expect(303);
    expect(await peopleCount()).to.equal(before + 197);

    // Re-importing the same file (a new upload, semicolons with a BOM this time): everyone is recognised.
    const again = await dryRun(hr, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(twoHundredRows(';'))]), 'osoby-średniki.csv');
    expect(again.page).to.contain('Nowe osoby (dostaną zaproszenie): 0').and.contain('Osoby już dodane, bez zmian: 197').and.contain('Wiersze z błędami (zostaną pominięte): 3');
    expect(again.page).to.not.contain('action="' + again.path);
    expect(await peopleCount()).to.equal(before + 197);
  });

  it('an XLSX updates the people it matches (by employee number, then e-mail) and creates the new ones', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Pracownicy');
    sheet.addRow(['Name', 'E-mail', 'Department', 'Position', 'Roles', 'Employee number']);
    sheet.addRow(['Pracownik 003 Łęcki', 'pracownik003@gmina.test', 'Referat Finansowy', 'Kierownik', '', 'E003']);
    sheet.addRow(['Nowa Osoba', { text: 'nowa@gmina.test', hyperlink: 'mailto:nowa@gmina.test' }, 'Referat Organizacyjny', 'Stażystka', 'learner', 9001]);
    sheet.addRow(['Zła Rola', 'zla-rola@gmina.test', '', '', 'dyrektor', '']);
    sheet.addRow(['Jan www.zly.example', 'link@gmina.test', '', '', '', '']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const before = await peopleCount();
    const { path, page } = await dryRun(hr, bytes, 'osoby.xlsx');
    expect(page)
      .to.contain('Osoby do zmiany: 1')
      .and.contain('Nowe osoby (dostaną zaproszenie): 1')
      .and.match(/wiersz 4<\/th>.*?nieznana rola „dyrektor”/s)
      .and.match(/wiersz 5<\/th>.*?wygląda jak adres strony/s);
    await runImport(hr, path);
    expect(await peopleCount()).to.equal(before + 1);
    const moved = (await User.findOne({ organisationId: office._id, employeeNumber: 'E003' }).lean<UserDoc>())!;
    expect(moved.position).to.equal('Kierownik');
    expect(String(moved.departmentId)).to.equal(office.departments[1]._id.toHexString());
    expect(moved.departmentHistory).to.have.length(2);
    expect(await User.findOne({ organisationId: office._id, email: 'nowa@gmina.test' }).lean<UserDoc>()).to.include({ employeeNumber: '9001' });
    expect(await AuditEntry.countDocuments({ organisationId: office._id, action: 'person.imported', 'subject.id': moved._id.toHexString() })).to.equal(1);
  });

  it('names an e-mail used by another office and roles HR may not give', async () => {
    const elsewhere = await buildLearner();
    const csv = `name;email;roles\nObcy Człowiek;${elsewhere.user.email};\nPani Kadrowa;kadrowa@gmina.test;hr\n`;
    const { page } = await dryRun(hr, Buffer.from(csv));
    expect(page).to.match(/wiersz 2<\/th>.*?adres e-mail należy do osoby z innego urzędu/s);
    expect(page).to.match(/wiersz 3<\/th>.*?role inne niż kursant nadaje tylko administrator urzędu/s);
  });

  describe('bad files: a clear message, nothing written', () => {
    const cases: Array<[string, Buffer, string, RegExp, number]> = [
      ['garbage bytes', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10]), 'osoby.csv', /nie jest zapisany w kodowaniu UTF-8|To nie jest plik CSV ani XLSX/, 400],
      ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), 'osoby.pdf', /To nie jest plik CSV ani XLSX/, 400],
      [
        'Windows-1250 text',
        Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3b, 0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xa3, 0xf3, 0x64, 0xbc, 0x3b, 0x61, 0x40, 0x62, 0x2e, 0x70, 0x6c, 0x0a]),
        'osoby.csv',
        /nie jest zapisany w kodowaniu UTF-8/,
        400,
      ],
      ['a broken zip', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]), 'osoby.xlsx', /Nie udało się odczytać pliku/, 400],
      ['no name and e-mail columns', Buffer.from('kolor;smak\nczerwony;słodki\n'), 'osoby.csv', /Brak wymaganych kolumn/, 400],
      ['headers only', Buffer.from('imię i nazwisko;e-mail\n'), 'osoby.csv', /tylko wiersz nagłówków/, 400],
      [
        'too many rows',
        Buffer.from('name,email\n' + Array.from({ length: 5001 }, (_, i) => `Osoba ${i},o${i}@x.test`).join('\n')),
        'osoby.csv',
        /Plik ma 5001 osób; najwięcej 5000/,
        400,
      ],
      ['too large', Buffer.alloc(5 * 1024 * 1024 + 10, 'a'), 'osoby.csv', /Plik jest za duży: najwyżej 5 MB/, 413],
    ];
    for (const [name, bytes, filename, message, status] of cases) {
      it(name, async () => {
        const before = await Promise.all([peopleCount(), PeopleImport.countDocuments({ organisationId: office._id })]);
        const res = await upload(hr, bytes, filename);
        expect(res.status).to.equal(status);
        expect(res.text).to.match(message);
        expect(res.text).to.contain('aria-invalid="true"');
        expect(await Promise.all([peopleCount(), PeopleImport.countDocuments({ organisationId: office._id })])).to.deep.equal(before);
      });
    }

    it('no file at all', async () => {
      const token = csrfTokenFrom((await hr.get('/kadry/osoby/import').expect(200)).text);
      const res = await hr.post('/kadry/osoby/import').field('_csrf', token).expect(400);
      expect(res.text).to.contain('Wybierz plik CSV lub XLSX.');
    });

    it('a multipart upload without the CSRF token is refused', async () => {
      const res = await hr.post('/kadry/osoby/import').attach('plik', Buffer.from('name,email\nA B,ab@x.test\n'), { filename: 'osoby.csv' });
      expect(res.status).to.equal(403);
      expect(await PeopleImport.countDocuments({ organisationId: office._id, fileName: 'osoby.csv', 'rows.email': 'ab@x.test' })).to.equal(0);
    });
  });
});
