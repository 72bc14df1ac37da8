import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { CAPTIONS, docxFile, mp4File } from '../helpers/media-files.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MEDIA = '/kursy-media/przyklad-kurs/1.0.0';

/** Reads a binary reply into a Buffer whatever its type (supertest buffers only the types it knows). */
function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('courses/course-media.routes: versioned media (handouts, video, captions)', () => {
  useTestDatabase(import.meta.url);
  let root: string;
  let server: TestServer;
  let docx: Buffer;
  const video = mp4File();

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'course-media-'));
    const dir = path.join(root, 'przyklad-kurs');
    cpSync('test/fixtures/courses/przyklad-kurs', dir, { recursive: true });
    docx = await docxFile();
    mkdirSync(path.join(dir, 'handouts'));
    mkdirSync(path.join(dir, 'video'));
    writeFileSync(path.join(dir, 'handouts', 'wzor-wniosku.docx'), docx);
    writeFileSync(path.join(dir, 'video', 'wstep.mp4'), video);
    writeFileSync(path.join(dir, 'video', 'wstep.vtt'), CAPTIONS);
    mkdirSync(path.join(dir, 'images', 'schematy'));
    cpSync(path.join(dir, 'images', 'schemat-procesu.png'), path.join(dir, 'images', 'schematy', 'proces.png'));
    // Present in the folder but never served: a dotfile, and a file the loader did not check (added after start-up below).
    writeFileSync(path.join(dir, 'handouts', '.notatki.pdf'), 'prywatne');
    const lesson = path.join(dir, 'lessons', '02-podsumowanie.md');
    const media = 'Pobierz [wzór wniosku](handouts/wzor-wniosku.docx).\n\n```video\nsrc: video/wstep.mp4\ncaptions: video/wstep.vtt\ntitle: Wstęp do kursu\n```\n';
    writeFileSync(lesson, readFileSync(lesson, 'utf8').replace('## Najważniejsze wnioski\n', `## Najważniejsze wnioski\n\n${media}`));
    server = await startTestServer({ COURSES_DIR: root });
    writeFileSync(path.join(dir, 'handouts', 'pozniej.pdf'), '<html><script>alert(1)</script></html>');
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves a handout as a download with its checked type, a sandbox CSP, nosniff and a long immutable cache', async () => {
    const res = await request(server.url).get(`${MEDIA}/handouts/wzor-wniosku.docx`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers['content-disposition']).to.equal('attachment; filename=wzor-wniosku.docx');
    expect(res.headers['content-security-policy']).to.equal("sandbox; default-src 'none'");
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(Buffer.compare(res.body as Buffer, docx)).to.equal(0);
  });

  it('serves captions as WebVTT text, and a part of the video for a Range request (206)', async () => {
    const captions = await request(server.url).get(`${MEDIA}/video/wstep.vtt`).expect(200);
    expect(captions.headers['content-type']).to.equal('text/vtt; charset=utf-8');
    expect(captions.headers['content-disposition']).to.equal(undefined);
    expect(captions.text).to.equal(CAPTIONS);

    const part = await request(server.url).get(`${MEDIA}/video/wstep.mp4`).set('Range', 'bytes=4-11').buffer(true).parse(binary).expect(206);
    expect(part.headers['content-type']).to.equal('video/mp4');
    expect(part.headers['content-range']).to.equal(`bytes 4-11/${video.length}`);
    expect(part.headers['accept-ranges']).to.equal('bytes');
    expect(part.headers['content-security-policy']).to.equal("sandbox; default-src 'none'");
    expect((part.body as Buffer).toString('latin1')).to.equal('ftypisom');
  });

  it('still serves an image at the old unversioned URL (pages rendered before), with a short cache', async () => {
    const res = await request(server.url).get('/kursy-media/przyklad-kurs/images/schemat-procesu.png').expect(200);
    expect(res.headers['content-type']).to.equal('image/png');
    expect(res.headers['cache-control']).to.equal('public, max-age=3600');
    expect(res.headers['content-security-policy']).to.equal("sandbox; default-src 'none'");
    await request(server.url).get(`${MEDIA}/images/schemat-procesu.png`).expect(200);
    const nested = await request(server.url).get(`${MEDIA}/images/schematy/proces.png`).expect(200);
    expect(nested.headers['content-type']).to.equal('image/png');
  });

  for (const [url, why] of [
    ['/kursy-media/przyklad-kurs/0.9.0/handouts/wzor-wniosku.docx', 'another version'],
    ['/kursy-media/przyklad-kurs/1.0.0/handouts/.notatki.pdf', 'a dotfile'],
    ['/kursy-media/przyklad-kurs/1.0.0/handouts/pozniej.pdf', 'a file the loader never checked'],
    ['/kursy-media/przyklad-kurs/1.0.0/handouts/brak.pdf', 'a missing file'],
    ['/kursy-media/przyklad-kurs/1.0.0/lessons/01-wprowadzenie.md', 'a folder that is not media'],
    ['/kursy-media/przyklad-kurs/1.0.0/handouts/..%2F..%2Fcourse.yaml', 'an escape from the folder'],
    ['/kursy-media/przyklad-kurs/1.0.0/video/%2e%2e', 'a dot-dot segment'],
    ['/kursy-media/przyklad-kurs/1.0.0/images/..%5C..%5Cquiz.yaml', 'a backslash escape'],
    ['/kursy-media/przyklad-kurs/1.0.0/video/wstep.mp4/x', 'a path below a file'],
    ['/kursy-media/przyklad-kurs/1.0.0/images/.schematy/proces.png', 'a hidden folder'],
    ['/kursy-media/przyklad-kurs/1.0.0/images/schematy/..%2F..%2F..%2Fcourse.yaml', 'an escape from a subfolder'],
    ['/kursy-media/nie-ma-takiego/1.0.0/video/wstep.mp4', 'an unknown course'],
  ]) {
    it(`answers 404, with the sandbox CSP and no file, for ${why}`, async () => {
      const res = await request(server.url).get(url).expect(404);
      expect(res.headers['content-security-policy']).to.equal("sandbox; default-src 'none'");
      expect(res.headers['content-disposition']).to.equal(undefined);
      expect(res.text).to.not.contain('questionsPerAttempt');
      expect(res.text).to.not.contain('prywatne');
      expect(res.text).to.not.contain('<script>alert');
    });
  }

  it('shows the lesson with the video, the download link and "Materiały do pobrania"; pages allow same-origin media', async () => {
    const learner = await buildLearner();
    const agent = await loginAgent(server.url, learner.user.email, learner.password);
    const course = await agent.get('/szkolenia/przyklad-kurs').expect(200);
    await agent
      .post('/szkolenia/przyklad-kurs/zapis')
      .type('form')
      .send({ _csrf: csrfTokenFrom(course.text) })
      .expect(303);
    const page = await agent.get('/szkolenia/przyklad-kurs/lekcje/podsumowanie').expect(200);
    expect(page.text).to.contain(`<source src="${MEDIA}/video/wstep.mp4" type="video/mp4" />`);
    expect(page.text).to.contain(`<track kind="captions" srclang="pl" label="Polski" default src="${MEDIA}/video/wstep.vtt" />`);
    expect(page.text).to.match(/<a href="\/kursy-media\/przyklad-kurs\/1\.0\.0\/handouts\/wzor-wniosku\.docx" download="wzor-wniosku\.docx">wzór wniosku \(DOCX, \d+ kB\)<\/a>/);
    expect(page.text).to.match(
      /<h2 id="lesson-handouts-title">Materiały do pobrania<\/h2>\s*<ul lang="pl">\s*<li><a href="\/kursy-media\/przyklad-kurs\/1\.0\.0\/handouts\/wzor-wniosku\.docx" download>wzór wniosku \(DOCX, \d+ kB\)<\/a><\/li>/,
    );
    expect(page.headers['content-security-policy']).to.contain("media-src 'self'");
    // The first lesson links no handout: no empty section.
    const first = await agent.get('/szkolenia/przyklad-kurs/lekcje/wprowadzenie').expect(200);
    expect(first.text).to.not.contain('lesson-handouts');
  });
});
