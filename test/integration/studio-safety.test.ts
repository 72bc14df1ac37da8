import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { JSDOM } from 'jsdom';
import { StudioCourse, type StudioCourseDoc } from '../../src/studio/studio-course.model.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent, submitForm, type Agent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { pngFile } from '../helpers/media-files.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * What must never reach a page from an author's text, read as a browser reads it (jsdom parses the page): a script
 * element other than the app's own, an event-handler attribute, a javascript: or data: link or source, a frame.
 */
function expectInert(html: string, where: string): void {
  const { document } = new JSDOM(html).window;
  const scripts = [...document.querySelectorAll('script')].filter((script) => !script.getAttribute('src')?.startsWith('/assets/'));
  expect(
    scripts.map((script) => script.outerHTML),
    `scripts on ${where}`,
  ).to.deep.equal([]);
  const handlers = [...document.querySelectorAll('*')].flatMap((element) =>
    [...element.attributes].filter((attribute) => attribute.name.startsWith('on')).map((attribute) => `${element.tagName} ${attribute.name}`),
  );
  expect(handlers, `event handlers on ${where}`).to.deep.equal([]);
  const links = [...document.querySelectorAll('[href], [src]')]
    .map((element) => element.getAttribute('href') ?? element.getAttribute('src') ?? '')
    .filter((url) => /^\s*(javascript|data|vbscript):/i.test(url));
  expect(links, `script links on ${where}`).to.deep.equal([]);
  expect(document.querySelectorAll('iframe, object, embed, svg').length, `frames or inline SVG on ${where}`).to.equal(0);
}

const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';

describe('studio: what authors write stays text (the usual vectors in every field)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let dataDir: string;
  let author: Agent;
  let reviewer: Agent;
  let learner: Agent;
  const id = 'kurs-z-pulapkami';
  const studio = `/studio/${id}`;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ajst-studio-safety-'));
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', DATA_DIR: dataDir });
    const association = await buildOrganisation({ kind: 'association', departments: undefined });
    const office = await buildOrganisation({ memberOf: [association._id] });
    const a = await buildLearner({ organisation: association, overrides: { roles: ['author'] } });
    const b = await buildLearner({ organisation: association, overrides: { roles: ['author'] } });
    const c = await buildLearner({ organisation: office });
    author = await loginAgent(server.url, a.user.email, a.password);
    reviewer = await loginAgent(server.url, b.user.email, b.password);
    learner = await loginAgent(server.url, c.user.email, c.password);
  });
  after(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('escapes or strips them in the studio, in the catalogue, on the course, lesson and test pages', async () => {
    await submitForm(author, '/studio/nowe', '/studio/nowe', { title: `Pułapki ${SCRIPT}`, courseId: id }, 303);
    await submitForm(
      author,
      `${studio}/ustawienia`,
      `${studio}/ustawienia`,
      {
        title: `Pułapki ${SCRIPT}`,
        summary: `Opis ${IMG} </textarea>${SCRIPT}`,
        audience: '"><svg onload=alert(1)>',
        objectives: `javascript:alert(1)\n${SCRIPT}`,
        durationMinutes: '15',
        passThreshold: '50',
        legalStateDate: '2026-11-01',
        authorName: `Autor ${IMG}`,
        licence: 'CC BY 4.0',
        tags: `${SCRIPT}, zwykły`,
      },
      303,
    );
    // An image whose text alternative and file name try to break out of their attributes.
    const token = csrfTokenFrom((await author.get(`${studio}/pliki`).expect(200)).text);
    await author
      .post(`${studio}/pliki`)
      .field('_csrf', token)
      .field('folder', 'images')
      .field('altText', '" onerror="alert(1)')
      .attach('plik', await pngFile(64), '"><script>alert(1)<\\script>.png')
      .expect(303);
    // The file name became one the course format allows (no quotes, brackets or slashes survive).
    const stored = (await StudioCourse.findById(id).lean<StudioCourseDoc>())!.files.map((file) => file.path).filter((file) => file.startsWith('images/'));
    expect(stored).to.have.length(1);
    expect(stored[0]).to.match(/^images\/[a-z0-9][a-z0-9-]*\.png$/);
    const body = [
      '## Lekcja',
      '',
      `Tekst ${SCRIPT} i ${IMG}.`,
      '',
      '<iframe src="https://example.com"></iframe>',
      '',
      '[kliknij](javascript:alert(1)) oraz [dane](data:text/html;base64,PHNjcmlwdD4=)',
      '',
      `![" onerror="alert(1)](${stored[0]})`,
      '',
      '```check',
      'id: k-1',
      'kind: true-false',
      `prompt: "Pytanie ${SCRIPT}"`,
      'answer: true',
      `explanation: "Bo ${IMG}"`,
      '```',
      '',
    ].join('\n');
    await submitForm(author, `${studio}/lekcje/wprowadzenie`, `${studio}/lekcje/wprowadzenie`, { title: `Lekcja ${SCRIPT}`, durationMinutes: '10', body, action: 'save' }, 303);
    await submitForm(
      author,
      `${studio}/pytania/q-1`,
      `${studio}/pytania/q-1`,
      {
        kind: 'single',
        prompt: `Które? ${IMG}`,
        points: '1',
        option1: SCRIPT,
        option2: '</textarea><script>alert(1)</script>',
        correct: '1',
        explanation: `Wyjaśnienie </textarea>${SCRIPT}`,
        legalReference: `art. 1 ${IMG}`,
      },
      303,
    );

    for (const page of [studio, `${studio}/ustawienia`, `${studio}/lekcje/wprowadzenie`, `${studio}/test`, `${studio}/pytania/q-1`, `${studio}/pliki`, '/studio']) {
      expectInert((await author.get(page).expect(200)).text, page);
    }
    const preview = await submitForm(
      author,
      `${studio}/lekcje/wprowadzenie`,
      `${studio}/lekcje/wprowadzenie`,
      { title: 'Lekcja', durationMinutes: '10', body, action: 'preview' },
      200,
    );
    expectInert(preview.text, 'the lesson preview');

    // Published, the same texts on the learners' pages.
    await submitForm(author, studio, `${studio}/recenzja`, {}, 303);
    await submitForm(reviewer, studio, `${studio}/komentarze`, { text: `Uwaga ${SCRIPT}` }, 303);
    expectInert((await author.get(studio).expect(200)).text, 'the overview with a hostile comment');
    await submitForm(reviewer, studio, `${studio}/zatwierdzenie`, {}, 303);
    await submitForm(author, `${studio}/publikacja`, `${studio}/publikacja`, { version: '1.0.0' }, 303);
    expect(server.platform.catalogue.get(id)?.version).to.equal('1.0.0');

    expectInert((await learner.get('/szkolenia').expect(200)).text, 'the catalogue');
    const coursePage = await learner.get(`/szkolenia/${id}`).expect(200);
    expectInert(coursePage.text, 'the course page');
    expect(coursePage.text).to.contain('Pułapki &lt;script&gt;');
    await submitForm(learner, `/szkolenia/${id}`, `/szkolenia/${id}/zapis`, {}, 303);
    const lesson = await learner.get(`/szkolenia/${id}/lekcje/wprowadzenie`).expect(200);
    expectInert(lesson.text, 'the lesson page');
    expect(lesson.text).to.contain('Pytanie &lt;script&gt;');
    const quiz = await learner.get(`/szkolenia/${id}/test`).expect(200);
    expectInert(quiz.text, 'the test page');
  });
});
