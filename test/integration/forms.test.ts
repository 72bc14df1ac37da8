// The one form pipeline (src/http/forms.ts) through HTTP: a refused form comes back as itself, in the page's language.
import { expect } from 'chai';
import { enrolAndCompleteSteps } from '../helpers/completion.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { readQuizForm } from '../helpers/quiz-form.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;

const LESSON = '/szkolenia/przyklad-kurs/lekcje/wprowadzenie';
const CHECK = `${LESSON}/sprawdz/check-zasady-1`;

/** The generic error page (views/errors/4xx.hbs) rather than a form. */
function expectNotErrorPage(html: string): void {
  expect(html).to.not.contain('<h1>Nieprawidłowe żądanie</h1>');
  expect(html).to.not.contain('<h1>Invalid request</h1>');
}

describe('http/forms (schema → field errors → the same form again)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let hr: Agent;
  let learner: Agent;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    office = await buildOrganisation();
    const person = await buildLearner({ organisation: office, overrides: { roles: ['learner', 'hr'], departmentId: office.departments[0]._id } });
    hr = await loginAgent(server.url, person.user.email, person.password);
    const someone = await buildLearner({ organisation: office });
    learner = await loginAgent(server.url, someone.user.email, someone.password);
    // A certificate, so that "Moje zaświadczenia" shows the score consent form.
    await buildCertificate(server.platform, someone.user);
    await enrolAndCompleteSteps(learner, server.platform.catalogue.require('przyklad-kurs'));
  });
  after(async () => server.close());

  it('bug 4: the HR assignment form with errors on an English page shows English messages', async () => {
    const form = await hr.get('/kadry/przypisz?lang=en').expect(200);
    const res = await hr
      .post('/kadry/przypisz?lang=en')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), courseId: '', dueDate: '2020-01-01' })
      .expect(400);
    expect(res.text).to.contain('<html lang="en"');
    expect(res.text).to.contain('Choose a course.');
    expect(res.text).to.contain('The due date cannot be in the past.');
    expect(res.text).to.not.contain('Wybierz szkolenie.');
    expect(res.text).to.not.contain('Termin nie może być w przeszłości.');
    expect(res.text).to.match(/id="dueDate"[^>]*value="2020-01-01"/);
    // The service's own refusals are translated too.
    const unknown = await hr
      .post('/kadry/przypisz?lang=en')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), courseId: 'nie-ma-takiego', departmentId: String(office.departments[0]._id), dueDate: `${new Date().getUTCFullYear() + 1}-06-30` })
      .expect(400);
    expect(unknown.text).to.contain('Choose a course from the list.');
    expect(unknown.text).to.not.contain('Wybierz szkolenie z listy.');
  });

  it('a knowledge check refused by its schema (too many answers) is the lesson again, the check marked', async () => {
    const page = await learner.get(LESSON).expect(200);
    const answers = Array.from({ length: 51 }, () => 'a');
    const res = await learner
      .post(CHECK)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), answer: answers })
      .expect(400);
    expectNotErrorPage(res.text);
    expect(res.text).to.contain('id="sprawdz-check-zasady-1-error"');
    expect(res.text).to.contain('aria-describedby="sprawdz-check-zasady-1-error"');
    expect(res.text).to.contain('class="error-summary"');
    expect(res.text).to.contain('href="#sprawdz-check-zasady-1-0"');
  });

  it('a knowledge check with an answer that is not one of its options is the lesson again, in English on an English page', async () => {
    const page = await learner.get(LESSON).expect(200);
    const res = await learner
      .post(`${CHECK}?lang=en`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), answer: 'zz' })
      .expect(400);
    expectNotErrorPage(res.text);
    expect(res.text).to.contain('id="sprawdz-check-zasady-1-error"');
    expect(res.text).to.contain('Choose one of the answers shown.');
  });

  it('a quiz form refused by its schema is the attempt again, with what was chosen', async () => {
    // ?lang=pl: the previous test left the English cookie.
    const overview = await learner.get('/szkolenia/przyklad-kurs/test?lang=pl').expect(200);
    const started = await learner
      .post('/szkolenia/przyklad-kurs/test')
      .type('form')
      .send({ _csrf: csrfTokenFrom(overview.text) })
      .expect(303);
    const url = started.headers.location;
    const attempt = await learner.get(url).expect(200);
    const course = server.platform.catalogue.require('przyklad-kurs');
    const questions = readQuizForm(attempt.text, course);
    const withInputs = questions.find((q) => q.inputs.length > 0)!;
    const chosen = withInputs.inputs[0];
    const res = await learner
      .post(url)
      .type('form')
      .send({ _csrf: csrfTokenFrom(attempt.text), [chosen.name]: chosen.value, q99: 'x'.repeat(301) })
      .expect(400);
    expectNotErrorPage(res.text);
    expect(res.text).to.contain('class="quiz-form"');
    expect(res.text).to.contain('class="error-summary"');
    expect(res.text).to.match(new RegExp(`name="${chosen.name}" id="[^"]+" value="${chosen.value}" checked`));
    // Still open: nothing was graded.
    await learner.get(url).expect(200);
  });

  it('the score consent form refused by its schema is "Moje zaświadczenia" again, not the error page', async () => {
    const page = await learner.get('/moje-zaswiadczenia?lang=pl').expect(200);
    const res = await learner
      .post('/moje-zaswiadczenia/wynik')
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), showScore: 'może' })
      .expect(400);
    expectNotErrorPage(res.text);
    expect(res.text).to.contain('<h1>Moje zaświadczenia</h1>');
    expect(res.text).to.contain('id="show-score-error"');
    expect(res.text).to.match(/id="show-score"[^>]*aria-invalid="true"/);
  });
});
