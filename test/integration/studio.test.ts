import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { StudioCourse, type StudioCourseDoc } from '../../src/studio/studio-course.model.js';
import { CourseVersion } from '../../src/studio/course-version.model.js';
import { hashOfStoredFiles } from '../../src/studio/course-versions.js';
import { withVersion } from '../../src/studio/draft-files.js';
import { buildLearner, buildOrganisation, loginAgent, submitForm, type Agent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MANIFEST = {
  title: 'Dostępność cyfrowa w urzędzie',
  summary: 'Jak urząd spełnia ustawę o dostępności cyfrowej.',
  audience: 'Pracownicy urzędów gmin',
  objectives: 'Wyjaśnić, co to WCAG 2.1\nPrzygotować deklarację dostępności',
  durationMinutes: '20',
  passThreshold: '60',
  legalStateDate: '2026-11-01',
  validityMonths: '',
  authorName: 'Związek Gmin Testowych',
  licence: 'CC BY 4.0',
  tags: 'dostępność, WCAG',
  minimumReadingSharePercent: '',
};

describe('studio/studio.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let dataDir: string;
  let author: Agent;
  let reviewer: Agent;
  let learner: Agent;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ajst-studio-'));
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', DATA_DIR: dataDir });
    const association = await buildOrganisation({ name: 'Związek Gmin Testowych', kind: 'association', departments: undefined });
    const office = await buildOrganisation({ memberOf: [association._id] });
    const writer = await buildLearner({ organisation: association, overrides: { roles: ['author'], fullName: 'Autorka Pierwsza' } });
    const second = await buildLearner({ organisation: association, overrides: { roles: ['author'], fullName: 'Recenzent Drugi' } });
    const clerk = await buildLearner({ organisation: office });
    author = await loginAgent(server.url, writer.user.email, writer.password);
    reviewer = await loginAgent(server.url, second.user.email, second.password);
    learner = await loginAgent(server.url, clerk.user.email, clerk.password);
  });
  after(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is for authors only, and shows "Studio" in their header', async () => {
    await learner.get('/studio').expect(403);
    const page = await author.get('/studio').expect(200);
    expect(page.text).to.contain('href="/studio"');
    expect(page.text).to.contain('Studio autorskie');
  });

  it('refuses a course id in use by a course of courses/ and a malformed one, with the fields marked', async () => {
    const taken = await submitForm(author, '/studio/nowe', '/studio/nowe', { title: 'Kopia', courseId: 'przyklad-kurs' }, 400);
    expect(taken.text).to.contain('Ten identyfikator jest już zajęty');
    const bad = await submitForm(author, '/studio/nowe', '/studio/nowe', { title: '', courseId: 'Zły Id!' }, 400);
    expect(bad.text).to.contain('Podaj tytuł.');
    expect(bad.text).to.contain('Identyfikator może mieć tylko małe litery');
    expect(await StudioCourse.countDocuments({ _id: 'przyklad-kurs' })).to.equal(0);
  });

  it('creates a course, edits its settings, lessons and test, reviews it with a second author and publishes it without a restart', async () => {
    const created = await submitForm(author, '/studio/nowe', '/studio/nowe', { title: 'Dostępność cyfrowa', courseId: 'dostepnosc-cyfrowa' }, 303);
    expect(created.headers.location).to.equal('/studio/dostepnosc-cyfrowa');
    const overview = await author.get('/studio/dostepnosc-cyfrowa').expect(200);
    expect(overview.text).to.contain('bez błędów');

    // Settings: a bad value comes back with its message, nothing saved; a good form saves and redirects.
    const refused = await submitForm(author, '/studio/dostepnosc-cyfrowa/ustawienia', '/studio/dostepnosc-cyfrowa/ustawienia', { ...MANIFEST, passThreshold: '150' }, 400);
    expect(refused.text).to.contain('Podaj próg od 0 do 100.');
    await submitForm(author, '/studio/dostepnosc-cyfrowa/ustawienia', '/studio/dostepnosc-cyfrowa/ustawienia', MANIFEST, 303);
    const settings = await author.get('/studio/dostepnosc-cyfrowa/ustawienia').expect(200);
    expect(settings.text).to.contain('value="Dostępność cyfrowa w urzędzie"');

    // A lesson: the preview renders it (sanitised) without saving; save stores it.
    const body = '## Czym jest WCAG\n\nStandard **dostępności**.\n\n<script>alert(1)</script>\n\n::: uwaga\nTermin: 23 września.\n:::\n';
    const preview = await submitForm(
      author,
      '/studio/dostepnosc-cyfrowa/lekcje/nowa',
      '/studio/dostepnosc-cyfrowa/lekcje/nowa',
      {
        title: 'Standard WCAG',
        durationMinutes: '10',
        body,
        action: 'preview',
      },
      200,
    );
    expect(preview.text).to.contain('<strong>dostępności</strong>');
    expect(preview.text).to.not.contain('<script>alert(1)</script>');
    expect(preview.text).to.contain('callout--uwaga');
    // The form comes back with the Markdown exactly as typed (no indentation added by the partial).
    expect(preview.text).to.contain('>## Czym jest WCAG\n\nStandard **dostępności**.\n\n&lt;script&gt;');
    expect((await StudioCourse.findById('dostepnosc-cyfrowa').lean<StudioCourseDoc>())!.files.some((file) => file.path.includes('standard-wcag'))).to.equal(false);
    const saved = await submitForm(
      author,
      '/studio/dostepnosc-cyfrowa/lekcje/nowa',
      '/studio/dostepnosc-cyfrowa/lekcje/nowa',
      {
        title: 'Standard WCAG',
        durationMinutes: '10',
        body,
        action: 'save',
      },
      303,
    );
    expect(saved.headers.location).to.equal('/studio/dostepnosc-cyfrowa/lekcje/standard-wcag');

    // Reorder: the new lesson goes first.
    await submitForm(author, '/studio/dostepnosc-cyfrowa', '/studio/dostepnosc-cyfrowa/lekcje/standard-wcag/przesun', { direction: 'up' }, 303);
    const reordered = await author.get('/studio/dostepnosc-cyfrowa').expect(200);
    expect(reordered.text.indexOf('Standard WCAG')).to.be.lessThan(reordered.text.indexOf('Wprowadzenie'));

    // Questions of two kinds; a single choice with two ticks is refused.
    const twoTicks = await submitForm(
      author,
      '/studio/dostepnosc-cyfrowa/pytania/nowe',
      '/studio/dostepnosc-cyfrowa/pytania/nowe',
      {
        kind: 'single',
        prompt: 'Do kiedy publikuje się deklarację dostępności?',
        points: '1',
        option1: 'Do 31 marca',
        option2: 'Do 31 grudnia',
        correct: ['1', '2'],
        explanation: 'Art. 10 ust. 2 ustawy.',
      },
      400,
    );
    expect(twoTicks.text).to.contain('Zaznacz dokładnie jedną poprawną odpowiedź.');
    await submitForm(
      author,
      '/studio/dostepnosc-cyfrowa/pytania/nowe',
      '/studio/dostepnosc-cyfrowa/pytania/nowe',
      {
        kind: 'single',
        prompt: 'Do kiedy publikuje się deklarację dostępności?',
        points: '1',
        option1: 'Do 31 marca',
        option2: 'Do 31 grudnia',
        correct: '1',
        explanation: 'Art. 10 ust. 2 ustawy.',
        legalReference: 'art. 10 ust. 2 ustawy o dostępności cyfrowej',
      },
      303,
    );
    await submitForm(
      author,
      '/studio/dostepnosc-cyfrowa/pytania/nowe',
      '/studio/dostepnosc-cyfrowa/pytania/nowe',
      {
        kind: 'matching',
        prompt: 'Dopasuj zasadę WCAG do przykładu.',
        points: '2',
        left1: 'Postrzegalność',
        right1: 'Tekst alternatywny',
        left2: 'Funkcjonalność',
        right2: 'Obsługa klawiaturą',
        explanation: 'Zasady WCAG 2.1.',
      },
      303,
    );
    const quiz = await author.get('/studio/dostepnosc-cyfrowa/test').expect(200);
    expect(quiz.text).to.contain('Dopasuj zasadę WCAG do przykładu.');

    // Review: the author cannot approve their own work; the second author comments and approves.
    await submitForm(author, '/studio/dostepnosc-cyfrowa', '/studio/dostepnosc-cyfrowa/recenzja', {}, 303);
    await submitForm(author, '/studio/dostepnosc-cyfrowa', '/studio/dostepnosc-cyfrowa/zatwierdzenie', {}, 403);
    await submitForm(reviewer, '/studio/dostepnosc-cyfrowa', '/studio/dostepnosc-cyfrowa/komentarze', { text: 'Dodałbym przykład z BIP.' }, 303);
    await submitForm(reviewer, '/studio/dostepnosc-cyfrowa', '/studio/dostepnosc-cyfrowa/zatwierdzenie', {}, 303);
    const approved = await author.get('/studio/dostepnosc-cyfrowa').expect(200);
    expect(approved.text).to.contain('Dodałbym przykład z BIP.');
    expect(approved.text).to.contain('zatwierdzone do publikacji');

    // Nothing served before publishing; after it, learners of a member office see it at once.
    await learner.get('/szkolenia/dostepnosc-cyfrowa').expect(404);
    await submitForm(author, '/studio/dostepnosc-cyfrowa/publikacja', '/studio/dostepnosc-cyfrowa/publikacja', { version: '1.0.0' }, 303);
    expect(await CourseVersion.countDocuments({ _id: 'dostepnosc-cyfrowa@1.0.0' })).to.equal(1);
    const coursePage = await learner.get('/szkolenia/dostepnosc-cyfrowa').expect(200);
    expect(coursePage.text).to.contain('Dostępność cyfrowa w urzędzie');
    expect(coursePage.text).to.not.contain('href="/studio/dostepnosc-cyfrowa"');
    // Its authors see the course as learners do, with the way back to the studio.
    expect((await author.get('/szkolenia/dostepnosc-cyfrowa').expect(200)).text).to.contain('href="/studio/dostepnosc-cyfrowa"');

    // The next draft: a changed lesson shows in the diff against 1.0.0; the results page answers for the version.
    await submitForm(
      author,
      '/studio/dostepnosc-cyfrowa/lekcje/standard-wcag',
      '/studio/dostepnosc-cyfrowa/lekcje/standard-wcag',
      { title: 'Standard WCAG', durationMinutes: '10', body: body.replace('Standard **dostępności**.', 'Standard **dostępności** w wersji 2.2.'), action: 'save' },
      303,
    );
    const diff = await author.get('/studio/dostepnosc-cyfrowa/roznice').expect(200);
    expect(diff.text).to.contain('Zmiany: wersja 1.0.0 → wersja robocza');
    expect(diff.text).to.match(/<ins><span class="visually-hidden">dodano: <\/span>[^<]*w wersji 2\.2/);
    const results = await author.get('/studio/dostepnosc-cyfrowa/wyniki?wersja=1.0.0').expect(200);
    expect(results.text).to.contain('Jak idzie kursantom: wersja 1.0.0');
  });

  it('publishes only an approved revision: a change after approval needs a new review', async () => {
    await submitForm(author, '/studio/nowe', '/studio/nowe', { title: 'Cyberbezpieczeństwo', courseId: 'cyberbezpieczenstwo' }, 303);
    await submitForm(author, '/studio/cyberbezpieczenstwo', '/studio/cyberbezpieczenstwo/recenzja', {}, 303);
    await submitForm(reviewer, '/studio/cyberbezpieczenstwo', '/studio/cyberbezpieczenstwo/zatwierdzenie', {}, 303);
    await submitForm(author, '/studio/cyberbezpieczenstwo/ustawienia', '/studio/cyberbezpieczenstwo/ustawienia', { ...MANIFEST, title: 'Cyberbezpieczeństwo w gminie' }, 303);
    const refused = await submitForm(author, '/studio/cyberbezpieczenstwo/publikacja', '/studio/cyberbezpieczenstwo/publikacja', { version: '1.0.0' }, 303);
    expect(refused.headers.location).to.equal('/studio/cyberbezpieczenstwo');
    expect(await CourseVersion.countDocuments({ _id: 'cyberbezpieczenstwo@1.0.0' })).to.equal(0);
    expect(server.platform.catalogue.get('cyberbezpieczenstwo')).to.equal(undefined);
  });

  it("never shows another organisation's studio course", async () => {
    const other = await buildOrganisation({ kind: 'association', departments: undefined });
    const stranger = await buildLearner({ organisation: other, overrides: { roles: ['author'] } });
    const agent = await loginAgent(server.url, stranger.user.email, stranger.password);
    await agent.get('/studio/dostepnosc-cyfrowa').expect(404);
    await agent.get('/studio/dostepnosc-cyfrowa/lekcje/standard-wcag').expect(404);
    const list = await agent.get('/studio').expect(200);
    expect(list.text).to.not.contain('dostepnosc-cyfrowa');
  });

  it('finishes a publication cut short after its version was stored, and refuses other files under a published version', async () => {
    await submitForm(author, '/studio/nowe', '/studio/nowe', { title: 'Przerwana publikacja', courseId: 'przerwana-publikacja' }, 303);
    await submitForm(author, '/studio/przerwana-publikacja', '/studio/przerwana-publikacja/recenzja', {}, 303);
    await submitForm(reviewer, '/studio/przerwana-publikacja', '/studio/przerwana-publikacja/zatwierdzenie', {}, 303);
    // What a publication stores first, as if the process died right after it (the draft still says "approved").
    const draft = (await StudioCourse.findById('przerwana-publikacja').lean<StudioCourseDoc>())!;
    await CourseVersion.create({
      _id: 'przerwana-publikacja@1.0.0',
      courseId: 'przerwana-publikacja',
      version: '1.0.0',
      source: 'studio',
      files: withVersion(draft.files, '1.0.0'),
      contentHash: hashOfStoredFiles(withVersion(draft.files, '1.0.0')),
      publishedAt: new Date(),
      legalChange: false,
    });
    const done = await submitForm(author, '/studio/przerwana-publikacja/publikacja', '/studio/przerwana-publikacja/publikacja', { version: '1.0.0' }, 303);
    expect(done.headers.location).to.equal('/studio/przerwana-publikacja');
    const after = (await StudioCourse.findById('przerwana-publikacja').lean<StudioCourseDoc>())!;
    expect(after.versions.map((version) => version.version)).to.deep.equal(['1.0.0']);
    expect(server.platform.catalogue.get('przerwana-publikacja')?.version).to.equal('1.0.0');

    // The same version again, now with other files: refused, nothing replaced.
    await submitForm(author, '/studio/przerwana-publikacja/ustawienia', '/studio/przerwana-publikacja/ustawienia', { ...MANIFEST, title: 'Inny tytuł' }, 303);
    await submitForm(author, '/studio/przerwana-publikacja', '/studio/przerwana-publikacja/recenzja', {}, 303);
    await submitForm(reviewer, '/studio/przerwana-publikacja', '/studio/przerwana-publikacja/zatwierdzenie', {}, 303);
    const refused = await submitForm(author, '/studio/przerwana-publikacja/publikacja', '/studio/przerwana-publikacja/publikacja', { version: '1.0.0' }, 400);
    expect(refused.text).to.contain('Numer wersji musi być wyższy niż każda opublikowana wersja.');
    await StudioCourse.updateOne({ _id: 'przerwana-publikacja' }, { $set: { versions: [] } });
    await submitForm(author, '/studio/przerwana-publikacja/publikacja', '/studio/przerwana-publikacja/publikacja', { version: '1.0.0' }, 303);
    expect(server.platform.catalogue.get('przerwana-publikacja')?.title).to.not.equal('Inny tytuł');
  });
});
