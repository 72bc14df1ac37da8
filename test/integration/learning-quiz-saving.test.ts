// The quiz that forgives honest mistakes: answers saved as one goes, the review page, an empty submission that costs nothing, HR to ask.
import { expect } from 'chai';
import { enrolAndCompleteSteps, exampleCourse } from '../helpers/completion.js';
import { CourseCatalogue } from '../../src/courses/course-catalogue.js';
import type { Course } from '../../src/courses/course.types.js';
import { Enrolment } from '../../src/learning/enrolment.model.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { encodeQuizForm, type QuizFormAnswers } from '../../src/learning/quiz-form.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { oneAnswerFor, readQuizForm, sendQuiz } from '../helpers/quiz-form.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { statementsAnywhere } from '../helpers/statements.js';

const COURSE = '/szkolenia/przyklad-kurs';
const QUIZ = `${COURSE}/test`;
type Agent = Awaited<ReturnType<typeof loginAgent>>;

/** Enrols on the example course and finishes its lessons, so its final test may start. */
async function enrol(agent: Agent): Promise<void> {
  await enrolAndCompleteSteps(agent, await exampleCourse());
}

async function startAttempt(agent: Agent): Promise<{ url: string; html: string; id: string }> {
  const overview = await agent.get(QUIZ).expect(200);
  const res = await agent
    .post(QUIZ)
    .type('form')
    .send({ _csrf: csrfTokenFrom(overview.text) })
    .expect(303);
  const page = await agent.get(res.headers.location).expect(200);
  return { url: res.headers.location, html: page.text, id: res.headers.location.split('/').pop()! };
}

/** The form fields of `answers`, with the page's CSRF token and the button pressed. */
function formOf(html: string, answers: QuizFormAnswers, intent?: 'save' | 'review'): URLSearchParams {
  const form = new URLSearchParams([['_csrf', csrfTokenFrom(html)], ...encodeQuizForm(answers)]);
  if (intent) form.append('intent', intent);
  return form;
}

/** Which controls of the page are ticked or selected, per field name (what the learner sees as answered). */
function chosenOnPage(html: string, course: Course): Array<[string, string]> {
  const chosen: Array<[string, string]> = [];
  for (const chunk of html.split('<fieldset class="quiz-question').slice(1)) {
    for (const m of chunk.matchAll(/<input type="(?:radio|checkbox)" name="([^"]+)" id="[^"]+" value="([^"]+)" checked>/g)) chosen.push([m[1], m[2]]);
    for (const m of chunk.matchAll(/<select name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
      for (const o of m[2].matchAll(/<option value="([^"]+)"[^>]*selected>/g)) chosen.push([m[1], o[1]]);
    }
  }
  // The page is a real quiz form (every question read from the course), not an empty match.
  expect(readQuizForm(html, course)).to.have.length.greaterThan(0);
  return chosen.sort();
}

/** Statements and attempts of an enrolment, to compare before and after. */
async function footprint(enrolment: { _id: unknown; registration: string }, organisationId: unknown) {
  const { registration } = enrolment;
  const attempts = await QuizAttempt.find({ organisationId, enrolmentId: enrolment._id }).lean();
  return {
    statements: (await statementsAnywhere({ registration })).length,
    submitted: attempts.filter((a) => a.submittedAt).length,
    attempts: attempts.length,
  };
}

describe('learning/quiz: saving as one goes, review, empty submissions, who can grant another attempt', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let course: Course;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    course = server.platform.catalogue.require('przyklad-kurs');
  });
  after(async () => server.close());

  it('saves answers into the attempt without grading; leaving and coming back (another device) shows them', async () => {
    const learner = await buildLearner();
    const agent = await loginAgent(server.url, learner.user.email, learner.password);
    await enrol(agent);
    const { url, html, id } = await startAttempt(agent);
    expect(html).to.contain('Zapisz odpowiedzi');
    expect(html).to.contain('Przejdź do podsumowania');
    const answers = oneAnswerFor((await QuizAttempt.findById(id).lean())!, course);

    const saved = await agent
      .post(url)
      .type('form')
      .send(formOf(html, answers, 'save').toString())
      .expect(303);
    expect(saved.headers.location).to.equal(url);
    const again = await agent.get(url).expect(200);
    expect(again.text).to.contain('Zapisano odpowiedzi (odpowiedziano na 1 pytanie)');
    const expected = encodeQuizForm(answers).sort();
    expect(chosenOnPage(again.text, course)).to.deep.equal(expected);

    // Nothing graded, nothing recorded beyond the launch, no attempt used.
    const attempt = (await QuizAttempt.findById(id).lean())!;
    expect(attempt.submittedAt).to.equal(undefined);
    expect(attempt.savedAnswers!.map((a) => [a.field, a.value]).sort()).to.deep.equal(expected);
    const enrolment = (await Enrolment.findById(attempt.enrolmentId).lean())!;
    const verbs = (await statementsAnywhere({ registration: enrolment.registration })).map((s) => s.verbId);
    expect(verbs.filter((v) => /answered|passed|failed/.test(v))).to.deep.equal([]);
    expect((await agent.get(QUIZ).expect(200)).text).to.contain('Liczba podejść: 3 (wykorzystano: 0).');

    // Another session of the same person (another device) sees the same saved answers.
    const elsewhere = await loginAgent(server.url, learner.user.email, learner.password);
    const there = await elsewhere.get(url).expect(200);
    expect(chosenOnPage(there.text, course)).to.deep.equal(expected);

    // The page's script saves with fetch and gets JSON, not a page (and no notice left for the next page).
    const viaScript = await elsewhere
      .post(url)
      .set('Accept', 'application/json')
      .type('form')
      .send(formOf(there.text, new Map(), 'save').toString())
      .expect(200);
    expect(viaScript.body).to.deep.equal({ saved: 0, message: 'Zapisano odpowiedzi (odpowiedziano na 0 pytań). Test nie został jeszcze wysłany.' });
    expect((await QuizAttempt.findById(id).lean())!.savedAnswers).to.deep.equal([]);
  });

  it('refuses a saved answer that is not in the question: a field error on the same form, nothing saved', async () => {
    const learner = await buildLearner();
    const agent = await loginAgent(server.url, learner.user.email, learner.password);
    await enrol(agent);
    const { url, html, id } = await startAttempt(agent);
    const good = oneAnswerFor((await QuizAttempt.findById(id).lean())!, course);
    await agent
      .post(url)
      .type('form')
      .send(formOf(html, good, 'save').toString())
      .expect(303);
    const before = (await QuizAttempt.findById(id).lean())!;

    // A choice question's option 9 does not exist (every fixture question has fewer); the second field is fine.
    const questions = readQuizForm(html, course);
    const choice = questions.findIndex((q) => q.inputs.length > 0 && q.question.kind !== 'true-false');
    expect(choice, 'the draw has a choice question').to.be.at.least(0);
    const other = choice === 0 ? 1 : 0;
    const fine = encodeQuizForm(oneAnswerFor((await QuizAttempt.findById(id).lean())!, course, other));
    const bad = new URLSearchParams([['_csrf', csrfTokenFrom(html)], [`q${choice}`, 'o9'], ...fine]);
    bad.append('intent', 'save');
    const refused = await agent.post(url).type('form').send(bad.toString()).expect(400);
    expect(refused.text).to.contain(`id="q${choice}-error"`);
    expect(refused.text).to.contain('nieprawidłowe odpowiedzi');
    expect(refused.text).to.contain(`href="#pytanie-${choice + 1}"`);
    const after = (await QuizAttempt.findById(id).lean())!;
    expect(after.savedAnswers).to.deep.equal(before.savedAnswers);
    expect(after.answersSavedAt!.getTime()).to.equal(before.answersSavedAt!.getTime());
    expect(after.submittedAt).to.equal(undefined);
  });

  it('lists every question on the review page, unanswered ones linked back, with the count and that they score 0', async () => {
    const learner = await buildLearner();
    const agent = await loginAgent(server.url, learner.user.email, learner.password);
    await enrol(agent);
    const { url, html, id } = await startAttempt(agent);
    const answers = oneAnswerFor((await QuizAttempt.findById(id).lean())!, course);
    const toReview = await agent.post(url).type('form').send(formOf(html, answers).toString()).expect(303);
    expect(toReview.headers.location).to.equal(`${url}/podsumowanie`);
    const review = await agent.get(toReview.headers.location).expect(200);
    expect(review.text).to.contain('Odpowiedziano na 1 z 4 pytań.');
    expect(review.text).to.contain('3 pytania są bez odpowiedzi. Pytania bez odpowiedzi otrzymują 0 punktów.');
    expect(review.text.match(/<li>/g)!.length).to.be.at.least(4);
    for (const n of [2, 3, 4]) expect(review.text).to.contain(`href="${url}#pytanie-${n}"`);
    expect(review.text).to.not.contain(`href="${url}#pytanie-1"`);
    expect(review.text).to.contain('Zakończ i wyślij');
    // Seeing the review sends nothing.
    expect((await QuizAttempt.findById(id).lean())!.submittedAt).to.equal(undefined);
  });

  it('does not grade an attempt with no answer: refused with a message, no statement, no attempt used, no cool-down', async () => {
    const learner = await buildLearner();
    const agent = await loginAgent(server.url, learner.user.email, learner.password);
    await enrol(agent);
    const { url, html, id } = await startAttempt(agent);
    const enrolment = (await Enrolment.findById((await QuizAttempt.findById(id).lean())!.enrolmentId).lean())!;
    const before = await footprint(enrolment, learner.user.organisationId);

    const res = await sendQuiz(agent, url, formOf(html, new Map()));
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('Nie wysłano testu: nie zapisano żadnej odpowiedzi.');
    expect(res.text).to.contain('Zakończ i wyślij');
    expect(await footprint(enrolment, learner.user.organisationId)).to.deep.equal(before);
    expect((await QuizAttempt.findById(id).lean())!.submittedAt).to.equal(undefined);
    const overview = await agent.get(QUIZ).expect(200);
    expect(overview.text).to.contain('Liczba podejść: 3 (wykorzystano: 0).');
    expect(overview.text).to.not.contain('Kolejne podejście będzie możliwe o');
    expect(overview.text).to.contain('Wróć do rozpoczętego podejścia');

    // The same attempt, once one question is answered, is graded with the saved answers: the blanks score 0.
    const answers = oneAnswerFor((await QuizAttempt.findById(id).lean())!, course);
    const graded = await sendQuiz(agent, url, formOf(html, answers));
    expect(graded.status).to.equal(303);
    expect(graded.headers.location).to.equal(`${url}/wynik`);
    const attempt = (await QuizAttempt.findById(id).lean())!;
    expect(attempt.results!.map((r) => r.answered)).to.deep.equal([true, false, false, false]);
    const result = await agent.get(graded.headers.location).expect(200);
    expect(result.text.match(/brak odpowiedzi/g)).to.have.length(3);
    const after = await footprint(enrolment, learner.user.organisationId);
    expect(after.submitted).to.equal(1);
    // One `answered` per question and the verdict.
    expect(after.statements - before.statements).to.be.at.least(5);
    expect((await agent.get(QUIZ).expect(200)).text).to.contain('wykorzystano: 1');
  });

  it("out of attempts: names the office's HR people with their addresses and how to ask, not another office's", async () => {
    const office = await buildOrganisation();
    const elsewhere = await buildOrganisation();
    await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa', email: 'halina.kadrowa@example.test' } });
    await buildLearner({ organisation: office, overrides: { roles: ['hr', 'admin'], fullName: 'Adam Kadrowy', email: 'adam.kadrowy@example.test' } });
    await buildLearner({ organisation: office, overrides: { roles: ['learner'], fullName: 'Ludwik Koleżeński' } });
    await buildLearner({ organisation: office, overrides: { roles: ['hr'], fullName: 'Dawna Kadrowa', status: 'deactivated' } });
    await buildLearner({ organisation: elsewhere, overrides: { roles: ['hr'], fullName: 'Obca Kadrowa', email: 'obca.kadrowa@example.test' } });
    const learner = await buildLearner({ organisation: office });
    const oneAttempt = await startTestServer(
      { COURSES_DIR: 'test/fixtures/courses' },
      { catalogue: new CourseCatalogue([{ ...course, quiz: { ...course.quiz, maxAttempts: 1, cooldownMinutes: 0 } }]) },
    );
    try {
      const agent = await loginAgent(oneAttempt.url, learner.user.email, learner.password);
      await enrol(agent);
      const before = await agent.get(QUIZ).expect(200);
      expect(before.text).to.not.contain('Halina Kadrowa');
      const { url, html, id } = await startAttempt(agent);
      const answers = oneAnswerFor((await QuizAttempt.findById(id).lean())!, course);
      expect((await sendQuiz(agent, url, formOf(html, answers))).status).to.equal(303);

      const overview = await agent.get(QUIZ).expect(200);
      expect(overview.text).to.contain('Wykorzystano wszystkie podejścia do testu (1 z 1).');
      expect(overview.text).to.contain('Kto może przyznać dodatkowe podejście');
      expect(overview.text).to.contain('Dodatkowe podejście przyznaje osoba z działu kadr Twojego urzędu, w Twojej karcie uczestnika szkolenia.');
      expect(overview.text).to.contain('Halina Kadrowa, <a href="mailto:halina.kadrowa@example.test">halina.kadrowa@example.test</a>');
      expect(overview.text).to.contain('Adam Kadrowy, <a href="mailto:adam.kadrowy@example.test">');
      expect(overview.text).to.not.contain('Ludwik Koleżeński');
      expect(overview.text).to.not.contain('Dawna Kadrowa');
      expect(overview.text).to.not.contain('Obca Kadrowa');
      expect(overview.text).to.not.contain('obca.kadrowa@example.test');
      const english = await agent.get(`${QUIZ}?lang=en`).expect(200);
      expect(english.text).to.contain('Who can grant another attempt');
    } finally {
      await oneAttempt.close();
    }
  });
});
