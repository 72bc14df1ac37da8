import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { loadCourseCatalogue } from '../../src/courses/course-catalogue.js';
import { NotFoundError } from '../../src/http/errors.js';
import { useTestDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A logger that keeps what it is told, to assert on the log lines. */
function recordingLogger() {
  const lines: Array<{ level: string; message: string }> = [];
  const record = (level: string) => (first: unknown, second?: unknown) => {
    lines.push({ level, message: typeof first === 'string' ? first : String(second) });
  };
  return { lines, logger: { info: record('info'), warn: record('warn'), error: record('error') } as never };
}

describe('courses/course-catalogue', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'courses-catalogue-'));
    cpSync('test/fixtures/courses/przyklad-kurs', path.join(root, 'przyklad-kurs'), { recursive: true });
    cpSync('test/fixtures/broken-courses/niepoprawny-kurs', path.join(root, 'niepoprawny-kurs'), { recursive: true });
    cpSync('test/fixtures/broken-courses/bledny-yaml', path.join(root, 'bledny-yaml'), { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('refuses invalid courses with their errors logged as FILE:LINE: message and keeps the valid one', async () => {
    const { lines, logger } = recordingLogger();
    const catalogue = await loadCourseCatalogue({ dir: root, logger });

    expect(catalogue.list().map((course) => course.id)).to.deep.equal(['przyklad-kurs']);
    expect(catalogue.get('niepoprawny-kurs')).to.equal(undefined);
    expect(catalogue.refused.map((refused) => path.basename(refused.folder))).to.deep.equal(['bledny-yaml', 'niepoprawny-kurs']);
    expect(catalogue.refused[1].errors).to.have.length(9);

    const errors = lines.filter((line) => line.level === 'error').map((line) => line.message);
    const relative = path.relative(process.cwd(), root);
    expect(errors).to.include(`${relative}/bledny-yaml/course.yaml:6: YAML syntax error: Implicit keys need to be on a single line`);
    expect(errors).to.include(`${relative}/niepoprawny-kurs/course.yaml:2: version: must be a semantic version such as 1.0.0 (got "1.0")`);
    expect(errors).to.include(`${relative}/niepoprawny-kurs/quiz.yaml:64: questions[5].correct[0]: correct answer "d" is not among the option ids (a, b)`);
    expect(errors).to.include('course niepoprawny-kurs refused: fix the errors above (npm run courses:check)');
  });

  it('finds a course by id, and require() of an unknown id is a NotFoundError', async () => {
    const { logger } = recordingLogger();
    const catalogue = await loadCourseCatalogue({ dir: root, logger });
    expect(catalogue.require('przyklad-kurs').title).to.equal('Przykładowy kurs');
    expect(() => catalogue.require('nie-ma-takiego')).to.throw(NotFoundError);
  });

  it('serves no courses, with a warning, when the folder does not exist', async () => {
    const { lines, logger } = recordingLogger();
    const catalogue = await loadCourseCatalogue({ dir: path.join(root, 'brak'), logger });
    expect(catalogue.list()).to.deep.equal([]);
    expect(lines.map((line) => line.level)).to.deep.equal(['warn']);
  });
});

describe('courses/course-media.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
  });
  after(async () => server.close());

  it('startTestServer loads the example course into the catalogue', () => {
    expect(server.platform.catalogue.require('przyklad-kurs').lessons).to.have.length(2);
  });

  it('serves an image of a course from its images folder', async () => {
    const res = await request(server.url).get('/kursy-media/przyklad-kurs/images/schemat-procesu.png').expect(200);
    expect(res.headers['content-type']).to.equal('image/png');
    expect(Buffer.compare(res.body as Buffer, readFileSync('test/fixtures/courses/przyklad-kurs/images/schemat-procesu.png'))).to.equal(0);
  });

  for (const url of [
    '/kursy-media/przyklad-kurs/images/..%2Fcourse.yaml',
    '/kursy-media/przyklad-kurs/images/%2e%2e/quiz.yaml',
    '/kursy-media/przyklad-kurs/images/..%5Ccourse.yaml',
    '/kursy-media/przyklad-kurs/course.yaml',
    '/kursy-media/przyklad-kurs/images/brak.png',
    '/kursy-media/nie-ma-takiego/images/schemat-procesu.png',
    '/kursy-media/..%2F..%2Fpackage.json/images/x.png',
  ]) {
    it(`answers 404 and no file for ${url}`, async () => {
      const res = await request(server.url).get(url).expect(404);
      expect(res.text).to.not.contain('questionsPerAttempt');
      expect(res.text).to.not.contain('przyklad-kurs\nversion');
    });
  }
});
