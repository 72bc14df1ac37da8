import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { readCourseFolderFiles } from '../../src/courses/course-layout.js';
import { unpackCourseArchive } from '../../src/studio/course-archive.js';
import { StudioCourse, type StudioCourseDoc } from '../../src/studio/studio-course.model.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent, type Agent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { CAPTIONS, mp4File, pdfFile, pngFile, zipFile } from '../helpers/media-files.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);

async function tokenOf(agent: Agent, pagePath: string): Promise<string> {
  return csrfTokenFrom((await agent.get(pagePath).expect(200)).text);
}

async function upload(agent: Agent, courseId: string, file: { name: string; bytes: Buffer }, fields: Record<string, string>, status: number) {
  const token = await tokenOf(agent, `/studio/${courseId}/pliki`);
  let request = agent.post(`/studio/${courseId}/pliki`).field('_csrf', token);
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  return request.attach('plik', file.bytes, file.name).expect(status);
}

/** Downloads a file (the zip) as bytes. */
async function download(agent: Agent, url: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  const res = await agent
    .get(url)
    .buffer(true)
    .parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return { status: res.status, type: String(res.headers['content-type']), bytes: res.body as Buffer };
}

async function filesOf(courseId: string): Promise<string[]> {
  return (await StudioCourse.findById(courseId).lean<StudioCourseDoc>())!.files.map((file) => file.path);
}

describe('studio/studio-files.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let dataDir: string;
  let author: Agent;
  let stranger: Agent;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ajst-studio-files-'));
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', DATA_DIR: dataDir });
    const association = await buildOrganisation({ kind: 'association', departments: undefined });
    const writer = await buildLearner({ organisation: association, overrides: { roles: ['author'] } });
    author = await loginAgent(server.url, writer.user.email, writer.password);
    const other = await buildLearner({ organisation: await buildOrganisation({ kind: 'association', departments: undefined }), overrides: { roles: ['author'] } });
    stranger = await loginAgent(server.url, other.user.email, other.password);
    const token = await tokenOf(author, '/studio/nowe');
    await author.post('/studio/nowe').type('form').send({ _csrf: token, title: 'Pliki', courseId: 'kurs-z-plikami' }).expect(303);
  });
  after(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('takes an image with its text alternative, a handout, a video and captions, and serves them to the authors only, typed and sandboxed', async () => {
    const image = await upload(author, 'kurs-z-plikami', { name: 'Schemat Procesu.PNG', bytes: await pngFile(64) }, { folder: 'images', altText: 'Schemat obiegu wniosku' }, 303);
    expect(image.headers.location).to.equal('/studio/kurs-z-plikami/pliki');
    await upload(author, 'kurs-z-plikami', { name: 'wzor-rejestru.pdf', bytes: await pdfFile() }, { folder: 'handouts' }, 303);
    await upload(author, 'kurs-z-plikami', { name: 'film.mp4', bytes: mp4File() }, { folder: 'video' }, 303);
    await upload(author, 'kurs-z-plikami', { name: 'film.vtt', bytes: Buffer.from(CAPTIONS) }, { folder: 'video' }, 303);
    expect(await filesOf('kurs-z-plikami')).to.include.members(['images/schemat-procesu.png', 'handouts/wzor-rejestru.pdf', 'video/film.mp4', 'video/film.vtt']);

    const served = await author.get('/studio/kurs-z-plikami/pliki/images/schemat-procesu.png').expect(200);
    expect(served.headers['content-type']).to.equal('image/png');
    expect(served.headers['x-content-type-options']).to.equal('nosniff');
    expect(served.headers['content-security-policy']).to.contain('sandbox');
    const handout = await author.get('/studio/kurs-z-plikami/pliki/handouts/wzor-rejestru.pdf').expect(200);
    expect(handout.headers['content-disposition']).to.match(/^attachment; filename="?wzor-rejestru\.pdf"?$/);
    await stranger.get('/studio/kurs-z-plikami/pliki/images/schemat-procesu.png').expect(404);
    await author.get('/studio/kurs-z-plikami/pliki/images/..%2Fcourse.yaml').expect(404);
  });

  it('refuses an SVG with a script, HTML renamed .pdf, an image without its text alternative and an empty upload, storing nothing', async () => {
    const before = await filesOf('kurs-z-plikami');
    const svg = await upload(
      author,
      'kurs-z-plikami',
      { name: 'logo.svg', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
      { folder: 'images', altText: 'Logo' },
      400,
    );
    expect(svg.text).to.contain('Pliki SVG są niedozwolone');
    const html = await upload(
      author,
      'kurs-z-plikami',
      { name: 'wniosek.pdf', bytes: Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>') },
      { folder: 'handouts' },
      400,
    );
    expect(html.text).to.contain('class="field-error"');
    const noAlt = await upload(author, 'kurs-z-plikami', { name: 'mapa.png', bytes: await pngFile(64) }, { folder: 'images', altText: '' }, 400);
    expect(noAlt.text).to.contain('Opisz obraz (tekst alternatywny).');
    const token = await tokenOf(author, '/studio/kurs-z-plikami/pliki');
    const empty = await author.post('/studio/kurs-z-plikami/pliki').field('_csrf', token).field('folder', 'images').expect(400);
    expect(empty.text).to.contain('Wybierz plik.');
    expect(await filesOf('kurs-z-plikami')).to.deep.equal(before);
  });

  it('exports a zip that npm run courses:check accepts and that imports into another organisation as the same course', async () => {
    const zip = await download(author, '/studio/kurs-z-plikami/eksport');
    expect(zip.status).to.equal(200);
    expect(zip.type).to.equal('application/zip');
    const unpackDir = await mkdtemp(path.join(tmpdir(), 'ajst-export-'));
    try {
      const unpacked = await unpackCourseArchive(zip.bytes, unpackDir);
      expect(unpacked.ok).to.equal(true);
      // The platform's own checker, as an author would run it on the unpacked folder.
      const check = await run('npx', ['tsx', 'scripts/courses-check.ts', unpackDir]);
      expect(check.stdout + check.stderr).to.contain('1 course(s) checked');
      expect(check.stdout + check.stderr).to.not.match(/:\d+: /);
      const exported = await readCourseFolderFiles(path.join(unpackDir, 'kurs-z-plikami'));

      // Imported by an author of another organisation (a fresh instance would be the same: nobody has the id).
      await StudioCourse.deleteOne({ _id: 'kurs-z-plikami' });
      const token = await tokenOf(stranger, '/studio/import');
      const imported = await stranger.post('/studio/import').field('_csrf', token).attach('plik', zip.bytes, 'kurs.zip').expect(303);
      expect(imported.headers.location).to.equal('/studio/kurs-z-plikami');
      const again = await download(stranger, '/studio/kurs-z-plikami/eksport');
      expect(Buffer.compare(again.bytes, zip.bytes)).to.equal(0);
      expect(exported.map((file) => file.path)).to.include('handouts/wzor-rejestru.pdf');
    } finally {
      await rm(unpackDir, { recursive: true, force: true });
    }
  });

  it('refuses a zip with path traversal or a broken course with FILE:LINE, storing nothing', async () => {
    const token = await tokenOf(author, '/studio/import');
    const hostile = await zipFile([
      ['evil/course.yaml', 'id: evil'],
      ['../../etc/passwd', 'x'],
    ]);
    const refused = await author.post('/studio/import').field('_csrf', token).attach('plik', hostile, 'evil.zip').expect(400);
    expect(refused.text).to.contain('Nie zaimportowano');
    expect(await StudioCourse.countDocuments({ _id: 'evil' })).to.equal(0);

    const broken = await zipFile([
      ['zepsuty/course.yaml', 'id: zepsuty\nversion: 1.0.0\nlanguage: pl\ntitle: [\n'],
      ['zepsuty/quiz.yaml', 'questionsPerAttempt: 1\n'],
    ]);
    const token2 = await tokenOf(author, '/studio/import');
    const refusedBroken = await author.post('/studio/import').field('_csrf', token2).attach('plik', broken, 'zepsuty.zip').expect(400);
    expect(refusedBroken.text).to.match(/zepsuty\/course\.yaml:\d+/);
    expect(await StudioCourse.countDocuments({ _id: 'zepsuty' })).to.equal(0);
    const garbage = await author
      .post('/studio/import')
      .field('_csrf', await tokenOf(author, '/studio/import'))
      .attach('plik', Buffer.from('not a zip at all'), 'x.zip')
      .expect(400);
    expect(garbage.text).to.contain('Nie zaimportowano');
  });
});
