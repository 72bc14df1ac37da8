// Issue 14, part 2: "Pobierz moje dane" gives the person a zip of everything the platform holds about them, built in
// the background, downloadable by them alone until it expires.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { MovableClock } from '../../src/calendar/clock.js';
import { ScormAttempt } from '../../src/scorm/scorm-attempt.model.js';
import { MailMessage } from '../../src/mail/mail-message.model.js';
import { DataExport } from '../../src/privacy/data-export.model.js';
import { runPendingDataExports } from '../../src/privacy/data-export.service.js';
import { enrolAndCompleteSteps, exampleCourse } from '../helpers/completion.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, buildQuizAttempt, loginAgent, submitForm, type Agent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { statementsAnywhere } from '../helpers/statements.js';

/** The files of a zip, unpacked with Debian's unzip as a person's tool would open it. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'akademia-export-'));
  try {
    writeFileSync(path.join(dir, 'dane.zip'), zip);
    const names = execFileSync('unzip', ['-Z1', path.join(dir, 'dane.zip')], { encoding: 'utf8' })
      .trim()
      .split('\n');
    execFileSync('unzip', ['-q', path.join(dir, 'dane.zip'), '-d', path.join(dir, 'out')]);
    return new Map(names.filter((name) => !name.endsWith('/')).map((name) => [name, readFileSync(path.join(dir, 'out', name))]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fetches a binary body as a Buffer. */
function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const parts: Buffer[] = [];
  res.on('data', (chunk: Buffer) => parts.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(parts)));
}

describe('privacy/data-export ("Pobierz moje dane" on /konto)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  const clock = new MovableClock();
  let server: TestServer;
  let anna: Awaited<ReturnType<typeof buildLearner>>;
  let annaAgent: Agent;
  let bartoszAgent: Agent;
  let hrAgent: Agent;
  let certificateCode: string;
  let downloadUrl: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { clock });
    const office = await buildOrganisation();
    anna = await buildLearner({ organisation: office, overrides: { fullName: 'Anna Eksportowa' } });
    const bartosz = await buildLearner({ organisation: office, overrides: { fullName: 'Bartosz Obok' } });
    const hr = await buildLearner({ organisation: office, overrides: { roles: ['hr', 'learner'] } });
    annaAgent = await loginAgent(server.url, anna.user.email, anna.password);
    bartoszAgent = await loginAgent(server.url, bartosz.user.email, bartosz.password);
    hrAgent = await loginAgent(server.url, hr.user.email, hr.password);
    await enrolAndCompleteSteps(annaAgent, await exampleCourse());
    await enrolAndCompleteSteps(bartoszAgent, await exampleCourse());
    certificateCode = (await buildCertificate(server.platform, anna.user)).code;
    const result = { questionId: 'q-zgoda', response: 'art-6-1-c', answered: true, success: true, points: 1, maxPoints: 1 };
    await buildQuizAttempt({
      organisationId: office._id,
      enrolmentId: anna.user._id,
      userId: anna.user._id,
      courseId: 'przyklad-kurs',
      courseVersion: '1.0.0',
      number: 1,
      questions: [],
      results: [result] as never,
      submittedAt: new Date(),
      passed: true,
    });
    await hrAgent.get(`/kadry/osoby/${anna.user._id.toHexString()}`).expect(200);
    // What a SCORM course committed for her (its CMI names her), as the SCORM runtime stores it.
    await ScormAttempt.create({
      _id: `${anna.user._id.toHexString()}:sco-1`,
      organisationId: office._id,
      enrolmentId: anna.user._id,
      userId: anna.user._id,
      courseId: 'pakiet-scorm',
      scoId: 'sco-1',
      cmi: JSON.stringify({ 'cmi.core.student_name': 'Anna Eksportowa', 'cmi.core.lesson_location': 'strona-3' }),
      status: 'incomplete',
      updatedAt: new Date(),
    });
  });
  after(() => server.close());

  it('records the request (one at a time), builds it in the background and mails that it is ready', async () => {
    const sent = await submitForm(annaAgent, '/konto/moje-dane', '/konto/moje-dane', {}, 303);
    expect(sent.headers.location).to.equal('/konto/moje-dane');
    await submitForm(annaAgent, '/konto/moje-dane', '/konto/moje-dane', {}, 303);
    expect(await DataExport.countDocuments({ _id: anna.user._id.toHexString() })).to.equal(1);
    const waiting = await annaAgent.get('/konto/moje-dane').expect(200);
    expect(waiting.text).to.include('Przygotowujemy plik');
    // Two builders at once (two instances): one builds it.
    const built = await Promise.all([runPendingDataExports(server.platform), runPendingDataExports(server.platform)]);
    expect(built.reduce((a, b) => a + b, 0)).to.equal(1);
    const ready = await annaAgent.get('/konto/moje-dane').expect(200);
    expect(ready.headers['cache-control']).to.equal('no-store');
    const link = /href="(\/konto\/moje-dane\/[0-9a-f]{48})"/.exec(ready.text);
    expect(link, ready.text.slice(0, 2000)).to.not.equal(null);
    downloadUrl = link![1];
    const mail = await MailMessage.findOne({ to: anna.user.email, subject: /gotowe do pobrania/ }).lean();
    expect(mail?.text).to.include('/konto/moje-dane').and.not.include(downloadUrl);
  });

  it('gives her a zip with her profile, attempts with answers, statements, certificate PDF, and nobody else’s data', async () => {
    const res = await annaAgent.get(downloadUrl).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('application/zip');
    expect(res.headers['cache-control']).to.include('no-store');
    expect(res.headers['content-disposition']).to.match(/^attachment/);
    const files = unzip(res.body as Buffer);
    expect([...files.keys()]).to.include.members([
      'README.txt',
      'dane.json',
      'zapisy.csv',
      'podejscia.csv',
      'zaswiadczenia.csv',
      'dostep.csv',
      `zaswiadczenia/${certificateCode}.pdf`,
    ]);
    expect(files.get(`zaswiadczenia/${certificateCode}.pdf`)!.subarray(0, 5).toString()).to.equal('%PDF-');
    const data = JSON.parse(files.get('dane.json')!.toString('utf8')) as Record<string, unknown> & {
      person: { email: string; passwordHash?: string };
      quizAttempts: Array<{ results: Array<{ response: string }> }>;
      statements: Array<{ id: string }>;
    };
    expect(data.person.email).to.equal(anna.user.email);
    expect(data.person).to.not.have.property('passwordHash');
    expect(data.quizAttempts.flatMap((attempt) => attempt.results.map((r) => r.response))).to.include('art-6-1-c');
    expect(files.get('podejscia.csv')!.toString('utf8')).to.include('q-zgoda: art-6-1-c');
    const hers = (await statementsAnywhere()).filter((record) => String(record.json).includes(anna.user.learnerId)).map((record) => record.statementId);
    expect(hers.length).to.be.greaterThan(0);
    expect(data.statements.map((statement) => statement.id)).to.have.members(hers);
    expect(files.get('dostep.csv')!.toString('utf8')).to.include('personRecord');
    const scorm = (data as unknown as { scormAttempts: Array<{ scoId: string; cmi: Record<string, string> }> }).scormAttempts;
    expect(scorm.map((attempt) => [attempt.scoId, attempt.cmi['cmi.core.lesson_location']])).to.deep.equal([['sco-1', 'strona-3']]);
    expect(data).to.have.property('cmi5Sessions').that.deep.equals([]);
    const everything = [...files.values()].map((file) => file.toString('latin1')).join('\n');
    expect(everything).to.not.include('Bartosz Obok');
  });

  it('opens for her alone (404 for anyone else), and after its week says it expired (410) until she asks again', async () => {
    await bartoszAgent.get(downloadUrl).expect(404);
    await hrAgent.get(downloadUrl).expect(404);
    await request(server.url).get(downloadUrl).expect(302);
    await annaAgent.get('/konto/moje-dane/not-a-token').expect(400);
    clock.advance({ days: 8 });
    const gone = await annaAgent.get(downloadUrl).expect(410);
    expect(gone.text).to.include('wygasł');
    // The job removes the expired file.
    await runPendingDataExports(server.platform);
    expect(await DataExport.countDocuments({ _id: anna.user._id.toHexString() })).to.equal(0);
  });
});
