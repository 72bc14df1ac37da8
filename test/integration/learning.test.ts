import { expect } from 'chai';
import request from 'supertest';
import { statementsAnywhere } from '../helpers/statements.js';
import { Enrolment } from '../../src/learning/enrolment.model.js';
import { assignCourse } from '../../src/learning/enrolment.service.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import type { StoredStatement } from '../../src/xapi/projectors.js';
import { rebuildProjections } from '../../src/xapi/rebuild.service.js';
import { voiding } from '../../src/xapi/learning-statements.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const COURSE = '/szkolenia/przyklad-kurs';
const LESSON_1 = `${COURSE}/lekcje/wprowadzenie`;
const LESSON_2 = `${COURSE}/lekcje/podsumowanie`;

async function verbsOf(registration: string): Promise<string[]> {
  const records = await statementsAnywhere({ registration });
  return records.map((r) => r.verbId.replace('http://adlnet.gov/expapi/verbs/', ''));
}

describe('learning/learning.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let agent: Awaited<ReturnType<typeof loginAgent>>;
  let learner: Awaited<ReturnType<typeof buildLearner>>;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    learner = await buildLearner();
    agent = await loginAgent(server.url, learner.user.email, learner.password);
  });
  after(async () => server.close());

  // The catalogue and course pages are open to visitors (the public courses): test/integration/learning-visitors.test.ts.
  it('sends people who are not signed in from their own courses to the login page', async () => {
    const res = await request(server.url).get('/moje-szkolenia').expect(302);
    expect(res.headers.location).to.equal('/logowanie?next=%2Fmoje-szkolenia');
  });

  it('lists the courses with summary, duration, legal state date and tags', async () => {
    const res = await agent.get('/szkolenia').expect(200);
    expect(res.text).to.contain('<h1>Katalog szkoleń</h1>');
    expect(res.text).to.contain(`href="${COURSE}"`);
    expect(res.text).to.contain('Mały kurs do testów formatu kursów Akademii JST.');
    expect(res.text).to.contain('Stan prawny na:');
    expect(res.text).to.contain('<time datetime="2026-01-01">01.01.2026</time>');
    expect(res.text).to.contain('30 min');
    expect(res.text).to.match(/<li>przykład<\/li>\s*<li>test<\/li>/);
    expect(res.text).to.not.contain('badge--done');
  });

  it('shows the catalogue in English with ?lang=en', async () => {
    const res = await agent.get('/szkolenia?lang=en').expect(200);
    expect(res.text).to.contain('<h1>Course catalogue</h1>');
    expect(res.text).to.contain('Legal state as of:');
    await agent.get('/szkolenia?lang=pl').expect(200);
  });

  it('answers 404 for a course that is not loaded, and 400 for a malformed id', async () => {
    await agent.get('/szkolenia/nie-ma-takiego').expect(404);
    await agent.get('/szkolenia/ZLY_ID!').expect(400);
  });

  it('shows the course page with objectives, author, lessons and an enrol button', async () => {
    const res = await agent.get(COURSE).expect(200);
    expect(res.text).to.match(/<h1[^>]*>Przykładowy kurs<\/h1>/);
    expect(res.text).to.contain('<li>Poznać budowę kursu</li>');
    expect(res.text).to.contain('Związek Gmin Przykładowych');
    expect(res.text).to.contain('Wprowadzenie');
    expect(res.text).to.contain(`action="${COURSE}/zapis"`);
    expect(res.text).to.not.contain('Kontynuuj');
    expect(res.text).to.contain('4 pytania, próg zaliczenia 70%.');
  });

  it('sends a learner who has not enrolled from a lesson to the course page, and refuses a check', async () => {
    const res = await agent.get(LESSON_1).expect(303);
    expect(res.headers.location).to.equal(COURSE);
    const page = await agent.get(COURSE).expect(200);
    expect(page.text).to.contain('Najpierw zapisz się na to szkolenie.');
    const check = await agent
      .post(`${LESSON_1}/sprawdz/check-zasady-1`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), answer: 'a' })
      .expect(403);
    expect(check.text).to.contain('Najpierw zapisz się na to szkolenie.');
  });

  it('rejects enrolment without the CSRF token', async () => {
    await agent.post(`${COURSE}/zapis`).type('form').send({}).expect(403);
    expect(await Enrolment.countDocuments({ organisationId: learner.user.organisationId })).to.equal(0);
  });

  it('enrols once, records registered, and redirects to the first lesson', async () => {
    const page = await agent.get(COURSE).expect(200);
    const res = await agent
      .post(`${COURSE}/zapis`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    expect(res.headers.location).to.equal(LESSON_1);
    // A second click returns the same enrolment.
    await agent
      .post(`${COURSE}/zapis`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    const enrolments = await Enrolment.find({ organisationId: learner.user.organisationId }).lean();
    expect(enrolments).to.have.length(1);
    expect(enrolments[0].registration).to.match(/^[0-9a-f-]{36}$/);
    expect(enrolments[0].courseVersion).to.equal('1.0.0');
    expect(await verbsOf(enrolments[0].registration)).to.deep.equal(['registered']);
    const progress = await LearningProgress.findById(enrolments[0]._id).lean();
    expect(progress?.status).to.equal('enrolled');

    const catalogue = await agent.get('/szkolenia').expect(200);
    // The status from the one vocabulary (common:trainingStatus), not "Zapisano": enrolled, nothing opened yet.
    expect(catalogue.text).to.match(/<span class="badge">nie rozpoczęto<\/span>/);
    expect(catalogue.text).to.not.contain('✓</span> Zapisano');

    const coursePage = await agent.get(COURSE).expect(200);
    expect(coursePage.text).to.contain('Kontynuuj');
    expect(coursePage.text).to.not.contain(`action="${COURSE}/zapis"`);
  });

  it('plays a lesson: course and heading TOCs, navigation, reading time, the check as a form; launched once', async () => {
    const res = await agent.get(LESSON_1).expect(200);
    expect(res.text).to.match(/<h1 id="lesson-title"[^>]*>Wprowadzenie<\/h1>/);
    expect(res.text).to.match(/<a href="\/szkolenia\/przyklad-kurs\/lekcje\/wprowadzenie" aria-current="page"[^>]*>Wprowadzenie<\/a>/);
    expect(res.text).to.contain('href="#po-co-ten-kurs"');
    expect(res.text).to.contain('Czas czytania: ok. 10 min');
    expect(res.text).to.contain('Lekcja 1 z 2');
    expect(res.text).to.contain(`href="${LESSON_2}" rel="next"`);
    expect(res.text).to.contain(`action="${LESSON_1}/sprawdz/check-zasady-1#sprawdz-check-zasady-1"`);
    expect(res.text).to.contain('name="answer"');
    expect(res.text).to.not.contain('data-check=');
    expect(res.text).to.match(/<progress[^>]*>\d+%<\/progress>/);

    await agent.get(LESSON_1).expect(200);
    // A HEAD request (a link checker) is not a reading: no statement.
    await agent.head(LESSON_2).expect(200);
    const enrolment = (await Enrolment.findOne({ organisationId: learner.user.organisationId }).lean())!;
    expect(await verbsOf(enrolment.registration)).to.deep.equal(['registered', 'launched', 'initialized', 'experienced', 'experienced']);
    const progress = (await LearningProgress.findById(enrolment._id).lean())!;
    expect(progress.status).to.equal('in_progress');
    expect(progress.lessonsViewed).to.deep.equal(['wprowadzenie']);
    expect(progress.lastLessonId).to.equal('wprowadzenie');
  });

  it('marks viewed lessons in the course TOC and links the last lesson to the quiz', async () => {
    const res = await agent.get(LESSON_2).expect(200);
    expect(res.text).to.match(/is-viewed[^>]*>\s*<a href="\/szkolenia\/przyklad-kurs\/lekcje\/wprowadzenie"[^>]*>/);
    expect(res.text).to.contain(`href="${LESSON_1}" rel="prev"`);
    expect(res.text).to.contain(`href="${COURSE}/test"`);
    expect(res.text).to.contain('Przeczytano 2 z 2 lekcji');
  });

  it('grades a knowledge check on the server: field error, wrong, right', async () => {
    const page = await agent.get(LESSON_1).expect(200);
    const csrf = csrfTokenFrom(page.text);
    const action = `${LESSON_1}/sprawdz/check-zasady-1`;

    const empty = await agent.post(action).type('form').send({ _csrf: csrf }).expect(400);
    expect(empty.text).to.contain('Wybierz odpowiedź, zanim ją sprawdzisz.');
    expect(empty.text).to.contain('aria-describedby="sprawdz-check-zasady-1-error"');

    // Post/redirect/get: the answer is recorded, and the lesson it redirects to shows the feedback once.
    const answeredWrong = await agent.post(action).type('form').send({ _csrf: csrf, answer: 'b' }).expect(303);
    expect(answeredWrong.headers.location).to.equal(`${LESSON_1}#sprawdz-check-zasady-1`);
    const wrong = await agent.get(LESSON_1).expect(200);
    expect(wrong.text).to.contain('Niestety, to nie jest poprawna odpowiedź.');
    expect(wrong.text).to.contain('Zasada minimalizacji (art. 5 ust. 1 lit. c RODO).');
    expect(wrong.text).to.match(/value="b" checked/);
    const again = await agent.get(LESSON_1).expect(200);
    expect(again.text).to.not.contain('Niestety, to nie jest poprawna odpowiedź.');
    expect(again.text).to.not.match(/value="b" checked/);

    await agent.post(action).type('form').send({ _csrf: csrf, answer: 'a' }).expect(303);
    expect((await agent.get(LESSON_1).expect(200)).text).to.contain('Dobrze!');

    await agent.post(action).type('form').send({ _csrf: csrf, answer: 'zz' }).expect(400);
    await agent.post(`${LESSON_1}/sprawdz/nie-ma`).type('form').send({ _csrf: csrf, answer: 'a' }).expect(404);

    const enrolment = (await Enrolment.findOne({ organisationId: learner.user.organisationId }).lean())!;
    const answered = await statementsAnywhere({ registration: enrolment.registration, verbId: 'http://adlnet.gov/expapi/verbs/answered' });
    const results = answered.map((r) => (JSON.parse(r.json) as StoredStatement).result);
    expect(results).to.deep.equal([
      { success: false, response: 'b' },
      { success: true, response: 'a' },
    ]);
  });

  it('lists the enrolment in "Moje szkolenia" with a progress bar, status and a resume link', async () => {
    // Progress counts the completion rule's steps (2 lessons finished, then the test): reading alone is none of them.
    expect((await agent.get('/moje-szkolenia').expect(200)).text).to.contain('0% ukończono');
    const course = await agent.get(COURSE).expect(200);
    await agent
      .post(`${LESSON_1}/zakoncz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(course.text) })
      .expect(303);
    const res = await agent.get('/moje-szkolenia').expect(200);
    expect(res.text).to.contain('Przykładowy kurs');
    expect(res.text).to.match(/<progress[^>]*value="33"[^>]*>33%<\/progress>/);
    expect(res.text).to.contain('33% ukończono');
    expect(res.text).to.contain('W trakcie');
    // The last lesson opened was the first one (the knowledge-check page does not count as a view).
    expect(res.text).to.contain(`href="${LESSON_1}"`);
  });

  it("does not show one learner's enrolments to another", async () => {
    const other = await buildLearner();
    const otherAgent = await loginAgent(server.url, other.user.email, other.password);
    const res = await otherAgent.get('/moje-szkolenia').expect(200);
    expect(res.text).to.contain('Nie masz jeszcze żadnego szkolenia na liście.');
    await otherAgent.get(LESSON_1).expect(303);
  });

  it('rebuilds the same progress from the statement log (npm run xapi:rebuild)', async () => {
    const enrolment = (await Enrolment.findOne({ organisationId: learner.user.organisationId }).lean())!;
    const before = (await LearningProgress.findById(enrolment._id).lean())!;
    await LearningProgress.deleteMany({}).setOptions({ acrossOrganisations: true });
    const result = await rebuildProjections(server.platform.statements.projectors);
    expect(result.projectors).to.include('learning-progress');
    const after = (await LearningProgress.findById(enrolment._id).lean())!;
    for (const field of ['status', 'lessonsViewed', 'lastLessonId', 'attempts', 'lastActivityAt'] as const) {
      expect(after[field], field).to.deep.equal(before[field]);
    }
  });

  it('takes a voided lesson view back out of the progress', async () => {
    const enrolment = (await Enrolment.findOne({ organisationId: learner.user.organisationId }).lean())!;
    const views = await statementsAnywhere({ registration: enrolment.registration, verbId: 'http://adlnet.gov/expapi/verbs/experienced' });
    const secondLesson = views.filter((v) => v.activityIds.some((id) => id.endsWith('/lessons/podsumowanie')));
    expect(secondLesson).to.have.length(1);
    const scope = {
      learner: { organisationId: String(learner.user.organisationId), learnerId: learner.user.learnerId, fullName: learner.user.fullName },
      course: server.platform.catalogue.require('przyklad-kurs'),
      registration: enrolment.registration,
    };
    await server.platform.recorder.record(scope, (ctx) => [voiding(secondLesson[0].statementId, ctx)]);
    const progress = (await LearningProgress.findById(enrolment._id).lean())!;
    expect(progress.lessonsViewed).to.deep.equal(['wprowadzenie']);
    expect(progress.status).to.equal('in_progress');
  });

  it('shows a due date set by HR (assignCourse) and flags it when overdue', async () => {
    const enrolment = (await Enrolment.findOne({ organisationId: learner.user.organisationId }).lean())!;
    const hr = await buildLearner({ organisation: { _id: learner.user.organisationId }, overrides: { roles: ['hr'] } });
    const assigned = await assignCourse(server.platform, {
      learner: { id: String(learner.user._id), organisationId: String(learner.user.organisationId), learnerId: learner.user.learnerId, fullName: learner.user.fullName },
      course: server.platform.catalogue.require('przyklad-kurs'),
      dueDate: new Date('2026-01-15T12:00:00Z'),
      assignedBy: String(hr.user._id),
    });
    expect(String(assigned._id)).to.equal(String(enrolment._id));
    const res = await agent.get('/moje-szkolenia').expect(200);
    expect(res.text).to.contain('Termin ukończenia:');
    expect(res.text).to.contain('15.01.2026');
    expect(res.text).to.contain('po terminie');
    expect(res.text).to.contain('przydzielone przez dział kadr');
  });

  it('plays the lesson in English with ?lang=en', async () => {
    const res = await agent.get(`${LESSON_1}?lang=en`).expect(200);
    expect(res.text).to.contain('<html lang="en">');
    expect(res.text).to.contain('Reading time: about 10 min');
    expect(res.text).to.contain('Lesson 1 of 2');
    await agent.get('/szkolenia?lang=pl').expect(200);
  });
});
