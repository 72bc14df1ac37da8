import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CourseVersion, type CourseVersionDoc } from '../../src/studio/course-version.model.js';
import { readCourseFile } from '../../src/studio/course-files.js';
import { publishVersion, recordFolderCourses, serveStoredVersions, storedFilesOf } from '../../src/studio/course-versions.js';
import { bumpCatalogueRevision } from '../../src/studio/catalogue-revision.js';
import { readCourseFolderFiles } from '../../src/courses/course-layout.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { clearCollections, useTestDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const FIXTURE = path.resolve('test/fixtures/courses/przyklad-kurs');
const COURSE = '/szkolenia/przyklad-kurs';
const LESSON = `${COURSE}/lekcje/wprowadzenie`;

/** Starts an instance on these folders and runs the start-up's course tasks, as a restart would. */
async function restart(coursesDir: string, dataDir: string): Promise<TestServer> {
  const server = await startTestServer({ COURSES_DIR: coursesDir, DATA_DIR: dataDir });
  await recordFolderCourses(server.platform);
  await serveStoredVersions(server.platform);
  return server;
}

async function enrol(agent: Awaited<ReturnType<typeof loginAgent>>): Promise<void> {
  const page = await agent.get(COURSE).expect(200);
  await agent
    .post(`${COURSE}/zapis`)
    .type('form')
    .send({ _csrf: csrfTokenFrom(page.text) })
    .expect(303);
}

async function changeFolder(folder: string, change: { version?: string; lessonText?: [string, string] }): Promise<void> {
  const manifest = path.join(folder, 'course.yaml');
  if (change.version) await writeFile(manifest, (await readFile(manifest, 'utf8')).replace(/^version: .*$/m, `version: ${change.version}`));
  if (change.lessonText) {
    const lesson = path.join(folder, 'lessons', '01-wprowadzenie.md');
    await writeFile(lesson, (await readFile(lesson, 'utf8')).replace(change.lessonText[0], change.lessonText[1]));
  }
}

describe('studio/course-versions', () => {
  useTestDatabase(import.meta.url);
  let root: string;
  let coursesDir: string;
  let dataDir: string;
  const servers: TestServer[] = [];

  beforeEach(async () => {
    await clearCollections();
    root = await mkdtemp(path.join(tmpdir(), 'ajst-versions-'));
    coursesDir = path.join(root, 'courses');
    dataDir = path.join(root, 'data');
    await cp(FIXTURE, path.join(coursesDir, 'przyklad-kurs'), { recursive: true });
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('records each course folder as a published version, text inline and images in the file store', async () => {
    servers.push(await restart(coursesDir, dataDir));
    const record = await CourseVersion.findById('przyklad-kurs@1.0.0').lean<CourseVersionDoc>();
    expect(record?.source).to.equal('folder');
    const lesson = record!.files.find((file) => file.path === 'lessons/01-wprowadzenie.md');
    expect(lesson?.text).to.contain('## Po co ten kurs');
    const image = record!.files.find((file) => file.path === 'images/schemat-procesu.png');
    expect(image?.sha256).to.match(/^[0-9a-f]{64}$/);
    const stored = await readCourseFile(image!.sha256!);
    expect(stored?.equals(await readFile(path.join(FIXTURE, 'images', 'schemat-procesu.png')))).to.equal(true);
  });

  it('keeps a learner on the version they enrolled on while new enrolments get the newest, across restarts', async () => {
    const first = await restart(coursesDir, dataDir);
    servers.push(first);
    const early = await buildLearner();
    const earlyAgent = await loginAgent(first.url, early.user.email, early.password);
    await enrol(earlyAgent);
    await first.close();
    servers.pop();

    // The folder moves on to 1.1.0 with a changed lesson; the platform restarts.
    await changeFolder(path.join(coursesDir, 'przyklad-kurs'), { version: '1.1.0', lessonText: ['## Po co ten kurs', '## Po co ten kurs (po nowelizacji)'] });
    const second = await restart(coursesDir, dataDir);
    servers.push(second);
    expect(second.platform.catalogue.get('przyklad-kurs')?.version).to.equal('1.1.0');
    expect(second.platform.catalogue.versions('przyklad-kurs').map((course) => course.version)).to.deep.equal(['1.1.0', '1.0.0']);
    expect(second.platform.catalogue.list()).to.have.length(1);

    const earlyAgain = await loginAgent(second.url, early.user.email, early.password);
    const oldLesson = await earlyAgain.get(LESSON).expect(200);
    expect(oldLesson.text).to.contain('Po co ten kurs');
    expect(oldLesson.text).to.not.contain('po nowelizacji');

    const late = await buildLearner();
    const lateAgent = await loginAgent(second.url, late.user.email, late.password);
    await enrol(lateAgent);
    const newLesson = await lateAgent.get(LESSON).expect(200);
    expect(newLesson.text).to.contain('Po co ten kurs (po nowelizacji)');
  });

  it('replaces a folder version changed in place, but never a version published in the studio', async () => {
    servers.push(await restart(coursesDir, dataDir));
    const before = await CourseVersion.findById('przyklad-kurs@1.0.0').lean<CourseVersionDoc>();
    await changeFolder(path.join(coursesDir, 'przyklad-kurs'), { lessonText: ['## Po co ten kurs', '## Po co ten kurs (poprawka)'] });
    servers.push(await restart(coursesDir, dataDir));
    const replaced = await CourseVersion.findById('przyklad-kurs@1.0.0').lean<CourseVersionDoc>();
    expect(replaced?.contentHash).to.not.equal(before?.contentHash);
    expect(replaced?.files.find((file) => file.path === 'lessons/01-wprowadzenie.md')?.text).to.contain('(poprawka)');

    // The same version, once published in the studio, stays as published whatever the folder says.
    await CourseVersion.updateOne({ _id: 'przyklad-kurs@1.0.0' }, { $set: { source: 'studio' } });
    await changeFolder(path.join(coursesDir, 'przyklad-kurs'), { lessonText: ['(poprawka)', '(druga poprawka)'] });
    servers.push(await restart(coursesDir, dataDir));
    const kept = await CourseVersion.findById('przyklad-kurs@1.0.0').lean<CourseVersionDoc>();
    expect(kept?.contentHash).to.equal(replaced?.contentHash);
  });

  it('serves a stored version again from its own files when its folder is gone', async () => {
    servers.push(await restart(coursesDir, dataDir));
    await rm(path.join(coursesDir, 'przyklad-kurs'), { recursive: true });
    const server = await restart(coursesDir, dataDir);
    servers.push(server);
    const course = server.platform.catalogue.get('przyklad-kurs');
    expect(course?.version).to.equal('1.0.0');
    expect(course?.directory.startsWith(path.join(dataDir, 'course-versions'))).to.equal(true);
    expect(course?.lessons[0].html).to.contain('Po co ten kurs');
  });

  it('logs and skips a stored version that no longer passes the checks, serving the rest', async () => {
    servers.push(await restart(coursesDir, dataDir));
    await CourseVersion.updateOne({ _id: 'przyklad-kurs@1.0.0' }, { $set: { 'files.0.text': 'id: [broken', contentHash: 'f'.repeat(64) } });
    await rm(path.join(coursesDir, 'przyklad-kurs'), { recursive: true });
    const lines: string[] = [];
    const server = await startTestServer({ COURSES_DIR: coursesDir, DATA_DIR: dataDir });
    servers.push(server);
    const logger = {
      info: () => undefined,
      warn: () => undefined,
      error: (...args: unknown[]) => lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')),
    };
    const added = await serveStoredVersions({ config: server.platform.config, catalogue: server.platform.catalogue, logger });
    expect(added).to.equal(0);
    expect(server.platform.catalogue.get('przyklad-kurs')).to.equal(undefined);
    expect(lines.join('\n')).to.contain('does not pass the checks');
  });

  it('serves a version published on one instance on another within seconds, without a restart', async function () {
    this.timeout(60_000);
    const first = await startTestServer({ COURSES_DIR: coursesDir, DATA_DIR: path.join(root, 'data-a') }, { startup: true });
    servers.push(first);
    const second = await startTestServer({ COURSES_DIR: coursesDir, DATA_DIR: path.join(root, 'data-b') }, { startup: true });
    servers.push(second);
    const folder = path.join(root, 'next', 'przyklad-kurs');
    await cp(FIXTURE, folder, { recursive: true });
    await changeFolder(folder, { version: '2.0.0', lessonText: ['## Po co ten kurs', '## Po co ten kurs (wersja 2)'] });
    const files = await storedFilesOf(await readCourseFolderFiles(folder));
    await publishVersion(first.platform, { courseId: 'przyklad-kurs', version: '2.0.0', files, publishedBy: { id: 'x', name: 'Autorka' }, legalChange: false });
    await bumpCatalogueRevision();
    expect(first.platform.catalogue.get('przyklad-kurs')?.version).to.equal('2.0.0');
    const deadline = Date.now() + 30_000;
    while (second.platform.catalogue.get('przyklad-kurs')?.version !== '2.0.0' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(second.platform.catalogue.get('przyklad-kurs')?.version).to.equal('2.0.0');
    expect(second.platform.catalogue.get('przyklad-kurs')?.lessons[0].html).to.contain('(wersja 2)');
  });
});
