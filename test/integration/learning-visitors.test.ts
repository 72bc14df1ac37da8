// A visitor who is not signed in: the public catalogue and course page, and the login page saying why it came up.
import { expect } from 'chai';
import request from 'supertest';
import { Enrolment } from '../../src/learning/enrolment.model.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const COURSE = '/szkolenia/przyklad-kurs';
const LESSON = `${COURSE}/lekcje/wprowadzenie`;
const QUIZ = `${COURSE}/test`;
const SIGN_IN_TO_ENROL = `/logowanie?next=${encodeURIComponent(COURSE)}`;
/** As Handlebars writes it into an attribute. */
const SIGN_IN_TO_ENROL_HTML = SIGN_IN_TO_ENROL.replace('=', '&#x3D;');

/** The login page a redirect leads to, in `language`. */
async function loginPageAfter(server: TestServer, path: string, language: 'pl' | 'en') {
  const redirect = await request(server.url).get(path).expect(302);
  expect(redirect.headers.location, path).to.equal(`/logowanie?next=${encodeURIComponent(path)}`);
  return request(server.url).get(`${redirect.headers.location}&lang=${language}`).expect(200);
}

describe('learning/learning.routes for visitors who are not signed in', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
  });
  after(async () => server.close());

  it('shows the catalogue of public courses, with a way to sign in', async () => {
    const res = await request(server.url).get('/szkolenia').expect(200);
    expect(res.text).to.contain('<h1>Katalog szkoleń</h1>');
    expect(res.text).to.contain(`<a href="${COURSE}">Przykładowy kurs</a>`);
    expect(res.text).to.contain('Mały kurs do testów formatu kursów Akademii JST.');
    expect(res.text).to.contain('Szkolenia otwarte dla wszystkich urzędów.');
    expect(res.text).to.contain('href="/logowanie?next=%2Fszkolenia"');
    // Nobody's status, and the header leads to the catalogue.
    expect(res.text).to.not.contain('Twój status');
    expect(res.text).to.match(/<a href="\/szkolenia" aria-current="page">Katalog<\/a>/);
    const en = await request(server.url).get('/szkolenia?lang=en').expect(200);
    expect(en.text).to.contain('<h1>Course catalogue</h1>');
    expect(en.text).to.contain('Courses open to every office.');
  });

  it('shows a course page with what the course is, and "sign in to enrol" with the reason instead of enrolling', async () => {
    const res = await request(server.url).get(COURSE).expect(200);
    expect(res.text).to.match(/<h1[^>]*>Przykładowy kurs<\/h1>/);
    expect(res.text).to.contain('Mały kurs do testów formatu kursów Akademii JST.');
    expect(res.text).to.contain('Pracownicy urzędów gmin, którzy chcą poznać platformę.');
    expect(res.text).to.contain('<li>Poznać budowę kursu</li>');
    expect(res.text).to.contain('Wprowadzenie');
    expect(res.text).to.contain('Podsumowanie');
    expect(res.text).to.contain('30 min');
    expect(res.text).to.contain(`<a class="button" href="${SIGN_IN_TO_ENROL_HTML}" aria-describedby="sign-in-why">Zaloguj się, aby się zapisać</a>`);
    expect(res.text).to.contain('zapamiętuje Twój postęp, wynik testu i zaświadczenie na Twoim koncie');
    expect(res.text).to.contain('Konto daje Ci Twój urząd albo zakładasz je, rejestrując się.');
    expect(res.text).to.contain('href="/rejestracja"');
    // No enrol form, no link into a lesson or the quiz, no lesson content.
    expect(res.text).to.not.contain(`action="${COURSE}/zapis"`);
    expect(res.text).to.not.contain(`href="${LESSON}"`);
    expect(res.text).to.not.contain(`href="${QUIZ}"`);
    expect(res.text).to.not.contain('Dane osobowe przetwarzaj tylko w niezbędnym zakresie.');
    const en = await request(server.url).get(`${COURSE}?lang=en`).expect(200);
    expect(en.text).to.contain('>Sign in to enrol</a>');
    expect(en.text).to.contain('Enrolling keeps your progress, quiz result and certificate under your account');
  });

  it('answers 404 for a course that is not loaded and 400 for a malformed id, as for a learner', async () => {
    await request(server.url).get('/szkolenia/nie-ma-takiego').expect(404);
    await request(server.url).get('/szkolenia/ZLY_ID!').expect(400);
  });

  it('sends a visitor from a lesson and from the quiz to the login page, which says why and which area', async () => {
    const lesson = await loginPageAfter(server, LESSON, 'pl');
    expect(lesson.text).to.contain('<strong>Zaloguj się, aby zobaczyć tę stronę.</strong> Strona, którą otwierasz: lekcja szkolenia.');
    expect(lesson.text).to.contain(`name="next" value="${LESSON}"`);
    const quiz = await loginPageAfter(server, QUIZ, 'en');
    expect(quiz.text).to.contain('<strong>Sign in to see this page.</strong> The page you are opening: a course’s final quiz.');
    for (const [path, area] of [
      ['/konto', 'Moje konto'],
      ['/kadry', 'Kadry'],
      ['/moje-szkolenia', 'Moje szkolenia'],
    ]) {
      const page = await loginPageAfter(server, path, 'pl');
      expect(page.text, path).to.contain(`Zaloguj się, aby zobaczyć tę stronę.</strong> Strona, którą otwierasz: ${area}.`);
    }
  });

  it('keeps the reason after a failed sign-in, and gives none without a deep link', async () => {
    const visitor = request.agent(server.url);
    const form = await visitor.get(`/logowanie?next=${encodeURIComponent(LESSON)}`).expect(200);
    const csrf = csrfTokenFrom(form.text);
    const failed = await visitor.post('/logowanie').type('form').send({ _csrf: csrf, email: 'nikt@example.test', password: 'zle-haslo', next: LESSON }).expect(401);
    expect(failed.text).to.contain('Zaloguj się, aby zobaczyć tę stronę.');
    for (const path of ['/logowanie', '/logowanie?next=%2Fszkolenia']) {
      const page = await request(server.url).get(path).expect(200);
      expect(page.text, path).to.not.contain('login-reason');
    }
  });

  it('the "sign in to enrol" link says so on the login page, and brings the person back to the course to enrol', async () => {
    const page = await request(server.url).get(SIGN_IN_TO_ENROL).expect(200);
    expect(page.text).to.contain('Zaloguj się, aby zapisać się na szkolenie');
    expect(page.text).to.not.contain('Zaloguj się, aby zobaczyć tę stronę.');
    const learner = await buildLearner();
    const visitor = request.agent(server.url);
    const form = await visitor.get(SIGN_IN_TO_ENROL).expect(200);
    const csrf = csrfTokenFrom(form.text);
    const signedIn = await visitor.post('/logowanie').type('form').send({ _csrf: csrf, email: learner.user.email, password: learner.password, next: COURSE }).expect(302);
    expect(signedIn.headers.location).to.equal(COURSE);
    const course = await visitor.get(COURSE).expect(200);
    expect(course.text).to.contain(`action="${COURSE}/zapis"`);
    expect(course.text).to.not.contain('Zaloguj się, aby się zapisać');
  });

  it('does not let a visitor enrol (401, nothing written)', async () => {
    const visitor = request.agent(server.url);
    const csrf = csrfTokenFrom((await visitor.get('/logowanie').expect(200)).text);
    const before = await Enrolment.countDocuments({}).setOptions({ acrossOrganisations: true });
    await visitor.post(`${COURSE}/zapis`).type('form').send({ _csrf: csrf }).expect(401);
    expect(await Enrolment.countDocuments({}).setOptions({ acrossOrganisations: true })).to.equal(before);
  });

  it('still shows a signed-in learner the catalogue of their office', async () => {
    const learner = await buildLearner();
    const agent = await loginAgent(server.url, learner.user.email, learner.password);
    const catalogue = await agent.get('/szkolenia').expect(200);
    expect(catalogue.text).to.contain('Szkolenia dostępne dla Twojego urzędu.');
    expect(catalogue.text).to.not.contain('Szkolenia otwarte dla wszystkich urzędów.');
  });
});
