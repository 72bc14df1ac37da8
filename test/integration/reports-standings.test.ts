// HR's training standings read model and the pages on it: matrix filters/search/sort/paging, lists, chart, history.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Types } from 'mongoose';
import type request from 'supertest';
import { toSessionUser } from '../../src/auth/session-user.js';
import type { UserDoc } from '../../src/auth/user.model.js';
import { addDays, endOfWarsawDay, warsawIsoDay } from '../../src/calendar/calendar.js';
import { revokeCertificate } from '../../src/certificates/certificate-admin.service.js';
import { issueCertificate } from '../../src/certificates/certificate-issue.service.js';
import { assignCourse, enrolLearner } from '../../src/learning/enrolment.service.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import type { Platform } from '../../src/platform.js';
import { completionMatrix, dueList } from '../../src/reports/completion-matrix.service.js';
import { standingId, TrainingStanding } from '../../src/reports/training-standing.model.js';
import { backfillStandings, rebuildOfficeStandings, standingsOf } from '../../src/reports/training-standings.js';
import { courseCompleted, quizScored } from '../../src/xapi/learning-statements.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const RODO = 'rodo-w-urzedzie';
const PZP = 'zamowienia-publiczne-w-jst';
const DIALOG = 'dialog-techniczny';

function learnerOf(user: UserDoc) {
  return { id: user._id.toHexString(), organisationId: user.organisationId.toHexString(), learnerId: user.learnerId, fullName: user.fullName };
}

/** A pass the way the platform records one: statements (projected into progress) and the certificate; no shortcut. */
async function pass(platform: Platform, user: UserDoc, courseId: string, at = new Date()) {
  const course = platform.catalogue.require(courseId);
  const learner = learnerOf(user);
  const { enrolment } = await enrolLearner(platform, { learner, course });
  const score = { scaled: 1, raw: 10, min: 0, max: 10 };
  await platform.recorder.record({ learner, course, registration: enrolment.registration }, (ctx) => [
    { ...quizScored(ctx, { ...score, passed: true, attemptId: 'attempt-1' }), timestamp: at.toISOString() },
    { ...courseCompleted(ctx, score), timestamp: at.toISOString() },
  ]);
  return issueCertificate(platform, {
    userId: learner.id,
    organisationId: learner.organisationId,
    courseId,
    enrolmentId: enrolment._id.toHexString(),
    registration: enrolment.registration,
    scorePercent: 100,
    completedAt: at,
  });
}

function binary(res: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

async function sheetRows(body: Buffer, name: string): Promise<Array<Record<string, unknown>>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.getWorksheet(name)!.eachRow((row) => rows.push(row.values as unknown[]));
  const [header, ...rest] = rows;
  // By header, not by position: columns may be added.
  const titles = Array.from(header, (title) => String(title));
  return rest.map((row) => Object.fromEntries(titles.map((title, index) => [title, row[index]])));
}

describe('reports/training-standings (read model) and the HR pages on it', function () {
  this.timeout(90_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let organisational: string;
  let finance: string;
  let anna: UserDoc;
  let bartek: UserDoc;
  let celina: UserDoc;
  let hr: UserDoc;
  let hrAgent: Awaited<ReturnType<typeof loginAgent>>;
  let revokedCode: string;
  let validCode: string;

  before(async () => {
    server = await startTestServer({ BASE_URL: 'https://akademia.test' });
    office = await buildOrganisation({ name: 'Urząd Gminy Stanowo' });
    [organisational, finance] = office.departments.map((d) => String(d._id));
    const inOffice = (fullName: string, departmentId: string) =>
      buildLearner({ organisation: office, overrides: { fullName, departmentId: departmentId as unknown as Types.ObjectId } }).then((b) => b.user);
    anna = await inOffice('Anna Łęcka', organisational);
    bartek = await inOffice('Bartosz Żmuda', organisational);
    celina = await inOffice('Celina Ślusarczyk', finance);
    const hrPerson = await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa' } });
    hr = hrPerson.user;
    hrAgent = await loginAgent(server.url, hr.email, hrPerson.password);
    const { platform } = server;

    // Anna passes RODO and PZP; HR revokes the RODO certificate. Everything reaches the standings through events.
    await pass(platform, anna, RODO);
    validCode = (await pass(platform, anna, PZP)).code;
    const revoked = (await pass(platform, celina, RODO)).id;
    await revokeCertificate(platform, { actor: toSessionUser(hr), certificateId: revoked, reason: 'Duplikat' });
    revokedCode = (await standingsOf(office._id, [RODO])).get(RODO)![celina._id.toHexString()].certificateCode!;
    // Bartek: RODO overdue (due three days ago), PZP due in five days, the dialogue course due in 40 days.
    const assign = (user: UserDoc, courseId: string, days: number) =>
      assignCourse(platform, {
        learner: learnerOf(user),
        course: platform.catalogue.require(courseId),
        dueDate: endOfWarsawDay(warsawIsoDay(addDays(new Date(), days))),
        assignedBy: hr._id.toHexString(),
      });
    await assign(bartek, RODO, -3);
    await assign(bartek, PZP, 5);
    await assign(bartek, DIALOG, 40);
  });
  after(async () => server.close());

  it('keeps one document per office and course with facts by person; a rebuild from the sources gives the same cells', async () => {
    expect(await TrainingStanding.exists({ _id: standingId(office._id, RODO) })).to.not.equal(null);
    const rodo = (await standingsOf(office._id, [RODO])).get(RODO)!;
    expect(Object.keys(rodo).sort()).to.deep.equal([anna, bartek, celina].map((u) => u._id.toHexString()).sort());
    const celinaCell = rodo[celina._id.toHexString()];
    expect(celinaCell).to.include({ revoked: true });
    expect(celinaCell.revokedAt).to.be.instanceOf(Date);
    expect(rodo[bartek._id.toHexString()].assignedBy).to.equal(hr._id.toHexString());
    const before = (await TrainingStanding.find({ organisationId: office._id }).lean()).map((d) => [d._id, d.cells]);
    await rebuildOfficeStandings(server.platform, office._id);
    // A rebuild may write an empty document for a catalogue course nobody in the office is enrolled in: no cells either way.
    const after = (await TrainingStanding.find({ organisationId: office._id, courseId: { $ne: '*' } }).lean())
      .map((d) => [d._id, d.cells])
      .filter(([, cells]) => Object.keys(cells ?? {}).length > 0);
    expect(after.sort()).to.deep.equal(before.filter(([id]) => !String(id).endsWith(':*')).sort());
  });

  it('start-up builds the standings of an office that has none (once: its marker says so)', async () => {
    const cells = (await TrainingStanding.findById(standingId(office._id, RODO)).lean())!.cells;
    await TrainingStanding.deleteMany({ organisationId: office._id });
    expect((await completionMatrix(server.platform, { organisationId: office._id.toHexString() })).totals.enrolled).to.equal(0);
    await backfillStandings(server.platform);
    expect((await TrainingStanding.findById(standingId(office._id, RODO)).lean())!.cells).to.deep.equal(cells);
    expect((await completionMatrix(server.platform, { organisationId: office._id.toHexString() })).totals.enrolled).to.equal(6);
  });

  it('a revoked certificate turns the cell to "unieważniono" in the matrix, the CSV and the XLSX (with its number)', async () => {
    const matrix = await completionMatrix(server.platform, { organisationId: office._id.toHexString() });
    const column = matrix.courses.findIndex((c) => c.id === RODO);
    const celinaRow = matrix.groups.flatMap((g) => g.people).find((p) => p.fullName === 'Celina Ślusarczyk')!;
    expect(celinaRow.cells[column]).to.include({ status: 'revoked', valid: false, certificateCode: revokedCode });
    // A revoked completion does not count: RODO is 1 valid (Anna) of 3 enrolled.
    expect(matrix.courses[column]).to.include({ enrolled: 3, completed: 1 });

    const page = await hrAgent.get('/kadry').expect(200);
    expect(page.text).to.match(/matrix-cell--revoked"><span class="matrix-status">unieważniono<\/span>/);
    expect(page.text).to.contain(revokedCode);
    // The renamed consultations course keeps its id, so Bartek's assignment still shows, under the new title.
    expect(page.text).to.contain(server.platform.catalogue.require(DIALOG).title);

    const csv = await hrAgent.get('/kadry/eksport.csv').buffer(true).parse(binary).expect(200);
    const records = parse<Record<string, string>>(csv.body as Buffer, { bom: true, delimiter: ';', columns: true });
    const celinaRodo = records.find((r) => r['Imię i nazwisko'] === 'Celina Ślusarczyk' && r.Szkolenie === 'RODO w urzędzie');
    expect(celinaRodo).to.include({ Status: 'unieważniono', 'Numer zaświadczenia': revokedCode, 'Stan zaświadczenia': 'unieważniono' });
    const annaPzp = records.find((r) => r['Imię i nazwisko'] === 'Anna Łęcka' && r.Szkolenie === 'Zamówienia publiczne w JST');
    expect(annaPzp).to.include({ Status: 'ukończono', 'Numer zaświadczenia': validCode, 'Stan zaświadczenia': 'ważne' });

    const xlsx = await hrAgent.get('/kadry/eksport.xlsx').buffer(true).parse(binary).expect(200);
    const rows = await sheetRows(xlsx.body as Buffer, 'Ukończenia');
    const row = rows.find((r) => r['Imię i nazwisko'] === 'Celina Ślusarczyk' && r.Szkolenie === 'RODO w urzędzie');
    expect(row).to.include({ Status: 'unieważniono', 'Numer zaświadczenia': revokedCode, 'Stan zaświadczenia': 'unieważniono' });
  });

  it('filters by department, course and status, searches by name, sorts and pages', async () => {
    const organisationId = office._id.toHexString();
    const names = (m: Awaited<ReturnType<typeof completionMatrix>>) => m.groups.flatMap((g) => g.people.map((p) => p.fullName));
    expect(names(await completionMatrix(server.platform, { organisationId, departmentId: finance }))).to.deep.equal(['Celina Ślusarczyk']);
    expect(names(await completionMatrix(server.platform, { organisationId, status: 'overdue' }))).to.deep.equal(['Bartosz Żmuda']);
    const byCourse = await completionMatrix(server.platform, { organisationId, courseId: PZP, status: 'completed' });
    expect(byCourse.courses.map((c) => c.id)).to.deep.equal([PZP]);
    expect(names(byCourse)).to.deep.equal(['Anna Łęcka']);
    expect(names(await completionMatrix(server.platform, { organisationId, q: 'żMUD' }))).to.deep.equal(['Bartosz Żmuda']);
    expect(names(await completionMatrix(server.platform, { organisationId, sort: 'name', order: 'desc' }))).to.deep.equal(['Celina Ślusarczyk', 'Bartosz Żmuda', 'Anna Łęcka']);
    // By RODO's status, most urgent first: overdue, revoked, then completed.
    expect(names(await completionMatrix(server.platform, { organisationId, sort: 'status', sortCourse: RODO }))).to.deep.equal([
      'Bartosz Żmuda',
      'Celina Ślusarczyk',
      'Anna Łęcka',
    ]);
    const page2 = await completionMatrix(server.platform, { organisationId, sort: 'name', page: 2, pageSize: 2 });
    expect(names(page2)).to.deep.equal(['Celina Ślusarczyk']);
    expect(page2).to.include({ page: 2, pageCount: 2, rowCount: 3 });
    // Percentages cover every filtered row, not only the page.
    expect(page2.totals.enrolled).to.equal(6);

    const filtered = await hrAgent.get(`/kadry?q=Anna&status=completed&courseId=${PZP}&sort=name`).expect(200);
    expect(filtered.text).to.contain('Anna Łęcka').and.not.contain('Bartosz Żmuda');
    expect(filtered.text).to.match(/<option value="completed" selected>/);
    // The exports keep the filter (Handlebars writes "=" as &#x3D;, which the browser reads as "=").
    expect(filtered.text).to.match(/href="\/kadry\/eksport\.csv\?courseId(=|&#x3D;)zamowienia-publiczne-w-jst/);
    const paged = await hrAgent.get('/kadry?page=7').expect(200);
    expect(paged.text).to.contain('strona 1 z 1');
  });

  it('bad filter values are a 400 naming the problem, never a 500', async () => {
    for (const [query, message] of [
      ['status=zly', 'Wybierz status z listy.'],
      ['page=abc', 'Numer strony to liczba od 1.'],
      ['page=0', 'Numer strony to liczba od 1.'],
      ['sort=wiek', 'Wybierz sortowanie z listy.'],
      ['courseId=nie-ma-takiego', 'Wybierz szkolenie z listy.'],
      ['courseId=%3Cscript%3E', 'Wybierz szkolenie z listy.'],
      [`q=${'x'.repeat(101)}`, 'Wpisz najwyżej 100 znaków.'],
      ['departmentId=nie-referat', 'Wybierz referat z listy.'],
    ] as const) {
      const res = await hrAgent.get(`/kadry?${query}`);
      expect(res.status, query).to.equal(400);
      expect(res.text, query).to.contain(message);
    }
    await hrAgent.get('/kadry/eksport.csv?status=zly').expect(400);
    await hrAgent.get('/kadry/zaleglosci?departmentId=zly').expect(400);
  });

  it('lists the overdue and those due within 14 days, each as a page, CSV and XLSX', async () => {
    const overdue = await dueList(server.platform, { organisationId: office._id.toHexString(), kind: 'overdue' });
    expect(overdue.entries.map((e) => [e.person.fullName, e.course.id])).to.deep.equal([['Bartosz Żmuda', RODO]]);
    const soon = await dueList(server.platform, { organisationId: office._id.toHexString(), kind: 'soon' });
    // The dialogue course is due in 40 days: not on the list.
    expect(soon.entries.map((e) => [e.person.fullName, e.course.id])).to.deep.equal([['Bartosz Żmuda', PZP]]);

    const page = await hrAgent.get('/kadry/zaleglosci').expect(200);
    expect(page.text).to.contain('Bartosz Żmuda').and.contain('po terminie').and.contain('RODO w urzędzie');
    expect((await hrAgent.get(`/kadry/zaleglosci?departmentId=${finance}`).expect(200)).text).to.contain('Nikt nie ma szkolenia po terminie.');
    const soonPage = await hrAgent.get('/kadry/terminy').expect(200);
    // The dialogue course (renamed "Wstępne konsultacje rynkowe (dawniej: dialog techniczny)", same id) is not due yet.
    const dialogTitle = server.platform.catalogue.require(DIALOG).title;
    expect(dialogTitle).to.equal('Wstępne konsultacje rynkowe (dawniej: dialog techniczny)');
    expect(soonPage.text).to.contain('Zamówienia publiczne w JST').and.not.contain(dialogTitle);

    const csv = await hrAgent.get('/kadry/zaleglosci.csv').buffer(true).parse(binary).expect(200);
    expect(csv.headers['content-disposition']).to.match(/po-terminie-\d{4}-\d{2}-\d{2}\.csv/);
    const records = parse<Record<string, string>>(csv.body as Buffer, { bom: true, delimiter: ';', columns: true });
    expect(records.map((r) => [r['Imię i nazwisko'], r.Status])).to.deep.equal([['Bartosz Żmuda', 'po terminie']]);
    const xlsx = await hrAgent.get('/kadry/terminy.xlsx').buffer(true).parse(binary).expect(200);
    const rows = await sheetRows(xlsx.body as Buffer, 'Termin w ciągu 14 dni');
    expect(rows.map((r) => [r['Imię i nazwisko'], r.Szkolenie])).to.deep.equal([['Bartosz Żmuda', 'Zamówienia publiczne w JST']]);
    expect(rows[0].Termin).to.be.instanceOf(Date);
  });

  it('charts completions per month as an accessible SVG with a table; revoked ones are not counted', async () => {
    const res = await hrAgent.get('/kadry/wykres').expect(200);
    expect(res.text).to.match(/<svg role="img" aria-labelledby="chart-title chart-desc"/);
    expect(res.text).to.match(/<title id="chart-title">Ukończenia w czasie<\/title>/);
    expect(res.text).to.contain('<desc id="chart-desc">');
    expect(res.text).not.to.contain('<script');
    const body = res.text.slice(res.text.indexOf('<tbody>'), res.text.indexOf('</tbody>'));
    const months = [...body.matchAll(/<tr><th scope="row">([^<]+)<\/th><td>(\d+)<\/td><\/tr>/g)].map((m) => [m[1], Number(m[2])]);
    expect(months).to.have.length(12);
    // This month: Anna's RODO and PZP; Celina's revoked RODO does not count.
    expect(months.at(-1)![1]).to.equal(2);
    expect(months.slice(0, -1).every(([, count]) => count === 0)).to.equal(true);
  });

  it("shows a person's history: each completion with its certificate number, validity and revocation", async () => {
    const res = await hrAgent.get(`/kadry/osoby/${celina._id.toHexString()}`).expect(200);
    expect(res.text).to.contain('Historia ukończeń');
    const history = res.text.slice(res.text.indexOf('id="history"'));
    expect(history).to.contain(revokedCode);
    expect(history).to.match(/unieważniono \d{2}\.\d{2}\.\d{4}/);
    const annaPage = await hrAgent.get(`/kadry/osoby/${anna._id.toHexString()}`).expect(200);
    expect(annaPage.text.slice(annaPage.text.indexOf('id="history"')))
      .to.contain(validCode)
      .and.contain('ważne');
  });
});
