import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Types } from 'mongoose';
import request from 'supertest';
import type { UserDoc } from '../../src/auth/user.model.js';
import type { Platform } from '../../src/platform.js';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { enrolLearner } from '../../src/learning/enrolment.service.js';
import { LearningProgress, type ProgressStatus } from '../../src/learning/learning-progress.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { endOfWarsawDay, formatDate, warsawIsoDay } from '../../src/calendar/calendar.js';
import { completionMatrix } from '../../src/reports/completion-matrix.service.js';
import { refreshStanding } from '../../src/reports/training-standings.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const DAY = 24 * 60 * 60 * 1000;
const RODO = 'rodo-w-urzedzie'; // validityMonths: 12
const PZP = 'zamowienia-publiczne-w-jst';
const DIALOG = 'dialog-techniczny';

function isoDayIn(days: number): string {
  return warsawIsoDay(new Date(Date.now() + days * DAY));
}

/** Enrols the person (a real enrolment with its `registered` statement) and sets the derived progress. */
async function seedEnrolment(
  platform: Platform,
  user: UserDoc,
  courseId: string,
  options: { status?: ProgressStatus; completedAt?: Date; dueDate?: Date } = {},
): Promise<EnrolmentDoc> {
  const course = platform.catalogue.require(courseId);
  const learner = { id: user._id.toHexString(), organisationId: user.organisationId.toHexString(), learnerId: user.learnerId, fullName: user.fullName };
  const { enrolment } = await enrolLearner(platform, { learner, course, dueDate: options.dueDate });
  if (options.status) {
    await LearningProgress.updateOne(
      { _id: enrolment._id, organisationId: user.organisationId },
      {
        $set: {
          userId: user._id,
          courseId,
          registration: enrolment.registration,
          status: options.status,
          statusRank: ['enrolled', 'in_progress', 'failed', 'passed', 'completed'].indexOf(options.status),
          completedAt: options.completedAt,
          passedAt: options.completedAt,
          lastActivityAt: new Date(),
        },
      },
      { upsert: true },
    );
    // The progress was written directly, not projected from statements: the standings are told, as the listener would be.
    await refreshStanding(platform, { organisationId: user.organisationId.toHexString(), userId: user._id.toHexString(), courseId });
  }
  return enrolment;
}

describe('reports/reports.routes (HR: matrix and exports; assignments and reminders: assignments.test.ts)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let organisational: string;
  let finance: string;
  let anna: UserDoc;
  let bartek: UserDoc;
  let celina: UserDoc;
  let hrAgent: Awaited<ReturnType<typeof loginAgent>>;
  const recentCompletion = new Date(Date.now() - 30 * DAY);

  before(async () => {
    server = await startTestServer({ BASE_URL: 'https://akademia.test' });
    office = await buildOrganisation({ name: 'Urząd Gminy Kadrowo' });
    [organisational, finance] = office.departments.map((d) => String(d._id));
    const inOffice = (fullName: string, departmentId: string) =>
      buildLearner({ organisation: office, overrides: { fullName, departmentId: departmentId as unknown as Types.ObjectId } }).then((b) => b.user);
    anna = await inOffice('Anna Łęcka', organisational);
    bartek = await inOffice('Bartosz Żmuda', organisational);
    celina = await inOffice('Celina Ślusarczyk', finance);
    const hr = await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa' } });
    hrAgent = await loginAgent(server.url, hr.user.email, hr.password);

    // Anna: RODO completed a month ago; PZP unfinished and past its due date.
    await seedEnrolment(server.platform, anna, RODO, { status: 'completed', completedAt: recentCompletion });
    await seedEnrolment(server.platform, anna, PZP, { status: 'in_progress', dueDate: endOfWarsawDay(isoDayIn(-3)) });
    // Bartek: RODO in progress, due in 3 days.
    await seedEnrolment(server.platform, bartek, RODO, { status: 'in_progress', dueDate: endOfWarsawDay(isoDayIn(3)) });
    // Celina: RODO completed two years ago (12-month refresher due); the dialogue course not started.
    await seedEnrolment(server.platform, celina, RODO, { status: 'completed', completedAt: new Date(Date.now() - 730 * DAY) });
    await seedEnrolment(server.platform, celina, DIALOG, { dueDate: endOfWarsawDay(isoDayIn(30)) });
  });
  after(async () => server.close());

  it('completionMatrix: statuses per cell, percentages per department and per course', async () => {
    const matrix = await completionMatrix(server.platform, { organisationId: office._id.toHexString() });
    expect(matrix.groups.map((g) => [g.departmentName, g.people.map((p) => p.fullName)])).to.deep.equal([
      ['Referat Organizacyjny', ['Anna Łęcka', 'Bartosz Żmuda']],
      ['Referat Finansowy', ['Celina Ślusarczyk']],
    ]);
    // HR without the learner role and without enrolments is not a row.
    const column = (id: string) => matrix.courses.findIndex((c) => c.id === id);
    const cell = (person: number, group: number, courseId: string) => matrix.groups[group].people[person].cells[column(courseId)];
    expect(cell(0, 0, RODO)).to.include({ status: 'completed' });
    expect(cell(0, 0, RODO).completedAt?.getTime()).to.equal(recentCompletion.getTime());
    expect(cell(0, 0, PZP).status).to.equal('overdue');
    expect(cell(0, 0, DIALOG).status).to.equal(undefined);
    expect(cell(1, 0, RODO).status).to.equal('in_progress');
    // Completed two years ago, 12-month validity, no new due date: "wygasło".
    expect(cell(0, 1, RODO).status).to.equal('expired');
    expect(cell(0, 1, DIALOG).status).to.equal('not_started');

    expect(matrix.groups.map((g) => [g.enrolled, g.completed, g.percent])).to.deep.equal([
      [3, 1, 33],
      [2, 0, 0],
    ]);
    expect(matrix.courses[column(RODO)]).to.include({ enrolled: 3, completed: 1, percent: 33 });
    expect(matrix.courses[column(PZP)]).to.include({ enrolled: 1, completed: 0, percent: 0 });
    expect(matrix.totals).to.deep.equal({ enrolled: 5, completed: 1, percent: 20 });

    const onlyFinance = await completionMatrix(server.platform, { organisationId: office._id.toHexString(), departmentId: finance });
    expect(onlyFinance.groups.flatMap((g) => g.people.map((p) => p.fullName))).to.deep.equal(['Celina Ślusarczyk']);
  });

  it('/kadry shows an accessible table: caption, header scopes, statuses in words and due dates', async () => {
    const res = await hrAgent.get('/kadry').expect(200);
    // One column per course of the catalogue (the repository's courses) besides the name column.
    const { courses } = await completionMatrix(server.platform, { organisationId: office._id.toHexString() });
    expect(res.text).to.contain('<caption>');
    expect(res.text).to.match(/<th scope="col"[^>]*>RODO w urzędzie<\/th>/);
    expect(res.text).to.contain(`<th scope="rowgroup" colspan="${courses.length + 1}">Referat Organizacyjny – ukończono 33%`);
    expect(res.text).to.contain(`ukończono ${formatDate(recentCompletion)}`);
    expect(res.text).to.contain('po terminie');
    expect(res.text).to.contain('wygasło');
    expect(res.text).to.contain('nie rozpoczęto');
    expect(res.text).to.contain(`termin ${formatDate(endOfWarsawDay(isoDayIn(3)))}`);
    // HR's areas are grouped under one header entry, whose page links the matrix.
    expect(res.text).to.contain('href="/zarzadzanie"');
    expect((await hrAgent.get('/zarzadzanie').expect(200)).text).to.contain('href="/kadry"');

    const filtered = await hrAgent.get(`/kadry?departmentId=${finance}`).expect(200);
    expect(filtered.text).to.contain('Celina Ślusarczyk');
    expect(filtered.text).to.not.contain('Anna Łęcka');
    await hrAgent.get('/kadry?departmentId=nie-referat').expect(400);
    await hrAgent.get(`/kadry?departmentId=${'0'.repeat(24)}`).expect(400);
  });

  it('exports CSV (BOM, Polish headers, parsed back) and XLSX (date cells)', async () => {
    const csv = await hrAgent
      .get('/kadry/eksport.csv')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const records = parse<Record<string, string>>(bytes, { bom: true, delimiter: ';', columns: true });
    expect(Object.keys(records[0])).to.deep.equal([
      'Referat',
      'Imię i nazwisko',
      'E-mail',
      'Szkolenie',
      'Status',
      'Data ukończenia',
      'Termin',
      'Numer zaświadczenia',
      'Stan zaświadczenia',
      'Ważne do',
      'Stan konta',
    ]);
    // A row for each of the three people and each course of the catalogue, enrolled or not.
    const { courses } = await completionMatrix(server.platform, { organisationId: office._id.toHexString() });
    expect(courses.map((course) => course.id)).to.include.members([RODO, PZP, DIALOG]);
    expect(records).to.have.length(3 * courses.length);
    const annaRodo = records.find((r) => r['Imię i nazwisko'] === 'Anna Łęcka' && r.Szkolenie === 'RODO w urzędzie');
    expect(annaRodo).to.include({ Referat: 'Referat Organizacyjny', Status: 'ukończono', 'Data ukończenia': formatDate(recentCompletion) });
    const annaPzp = records.find((r) => r['Imię i nazwisko'] === 'Anna Łęcka' && r.Szkolenie === 'Zamówienia publiczne w JST');
    expect(annaPzp).to.include({ Status: 'po terminie', Termin: formatDate(endOfWarsawDay(isoDayIn(-3))) });

    const xlsx = await hrAgent
      .get(`/kadry/eksport.xlsx?departmentId=${organisational}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).to.equal(200);
    const workbook = new ExcelJS.Workbook();
    const body = xlsx.body as Buffer;
    await workbook.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
    const sheet = workbook.getWorksheet('Ukończenia')!;
    const header = sheet.getRow(1).values as unknown[];
    expect(header.slice(1, 8)).to.deep.equal(['Referat', 'Imię i nazwisko', 'E-mail', 'Szkolenie', 'Status', 'Data ukończenia', 'Termin']);
    const completedColumn = header.indexOf('Data ukończenia');
    expect(sheet.rowCount).to.equal(1 + 2 * courses.length); // the organisational department only: two people
    let dateCell: ExcelJS.Cell | undefined;
    sheet.eachRow((row) => {
      if (row.getCell(2).value === 'Anna Łęcka' && row.getCell(4).value === 'RODO w urzędzie') dateCell = row.getCell(completedColumn);
    });
    expect(dateCell?.value).to.be.instanceOf(Date);
    expect((dateCell!.value as Date).toISOString().slice(0, 10)).to.equal(warsawIsoDay(recentCompletion));
    expect(dateCell!.numFmt).to.equal('dd.mm.yyyy');
    const summary = workbook.getWorksheet('Podsumowanie')!;
    // Anna (RODO, PZP) and Bartek (RODO) in the organisational department: 1 of 3 completed.
    expect(summary.getRow(2).values).to.deep.equal([undefined, 'Referat', 'Referat Organizacyjny', 3, 1, 1 / 3]);
  });

  it('HR of another organisation sees and changes nothing of this one', async () => {
    const other = await buildOrganisation({ name: 'Starostwo Powiatowe Obce' });
    const otherHr = await buildLearner({ organisation: other, overrides: { roles: ['hr', 'learner'], fullName: 'Olga Obca' } });
    const agent = await loginAgent(server.url, otherHr.user.email, otherHr.password);
    const page = await agent.get('/kadry').expect(200);
    for (const name of ['Anna Łęcka', 'Bartosz Żmuda', 'Celina Ślusarczyk', 'Urząd Gminy Kadrowo']) expect(page.text).to.not.contain(name);
    expect(page.text).to.contain('Olga Obca');
    await agent.get(`/kadry?departmentId=${finance}`).expect(400);
    const csv = await agent.get('/kadry/eksport.csv').expect(200);
    expect(csv.text).to.not.contain('Łęcka');

    const enrolled = await Enrolment.countDocuments({ organisationId: office._id });
    await agent
      .post('/kadry/przypisz')
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), courseId: PZP, userIds: celina._id.toHexString(), dueDate: isoDayIn(5) })
      .expect(400);
    expect(await Enrolment.countDocuments({ organisationId: office._id })).to.equal(enrolled);
  });

  it('the CSV keeps a name that looks like a spreadsheet formula as text', async () => {
    await buildLearner({ organisation: office, overrides: { fullName: '=HYPERLINK("https://zly.example","Kliknij")', departmentId: finance as unknown as Types.ObjectId } });
    const csv = await hrAgent.get(`/kadry/eksport.csv?departmentId=${finance}`).expect(200);
    const records = parse<Record<string, string>>(csv.text, { bom: true, delimiter: ';', columns: true });
    const names = new Set(records.map((r) => r['Imię i nazwisko']));
    expect(names).to.include(`'=HYPERLINK("https://zly.example","Kliknij")`);
    expect([...names].filter((name) => name.startsWith('='))).to.deep.equal([]);
  });

  it('a learner gets 403 on every HR page and action; a visitor is sent to log in', async () => {
    const agent = await loginAgent(server.url, anna.email, 'Haslo-testowe-2026');
    const home = await agent.get('/moje-szkolenia').expect(200);
    expect(home.text).to.not.contain('href="/kadry"');
    for (const path of ['/kadry', '/kadry/przypisz', '/kadry/eksport.csv', '/kadry/eksport.xlsx']) await agent.get(path).expect(403);
    const csrf = csrfTokenFrom(home.text);
    await agent.post('/kadry/przypomnienia').type('form').send({ _csrf: csrf }).expect(403);
    await agent
      .post('/kadry/przypisz')
      .type('form')
      .send({ _csrf: csrf, courseId: PZP, userIds: anna._id.toHexString(), dueDate: isoDayIn(5) })
      .expect(403);
    const visitor = await request(server.url).get('/kadry').expect(302);
    expect(visitor.headers.location).to.equal('/logowanie?next=%2Fkadry');
  });
});
