import { expect } from 'chai';
import { enrolAndCompleteSteps, exampleCourse } from '../helpers/completion.js';
import { CourseCatalogue } from '../../src/courses/course-catalogue.js';
import type { Course } from '../../src/courses/course.types.js';
import { Enrolment } from '../../src/learning/enrolment.model.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { statementsAnywhere } from '../helpers/statements.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { oneAnswerFor, readQuizForm, sendQuiz } from '../helpers/quiz-form.js';
import { encodeQuizForm } from '../../src/learning/quiz-form.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A second app on the same database serving `changed` courses, with `person` signed in there. */
async function serverWithCourses(changed: Course[], person: { user: { email: string }; password: string }) {
  const other = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { catalogue: new CourseCatalogue(changed) });
  return { server: other, agent: await loginAgent(other.url, person.user.email, person.password) };
}

const COURSE = '/szkolenia/przyklad-kurs';
const QUIZ = `${COURSE}/test`;
type Agent = Awaited<ReturnType<typeof loginAgent>>;

/** Fills the quiz form from the course files (the page itself carries no answers): all right, or all wrong. */
function answerQuiz(html: string, course: Course, mode: 'right' | 'wrong'): URLSearchParams {
  const form = new URLSearchParams({ _csrf: csrfTokenFrom(html) });
  for (const { question, inputs, selects } of readQuizForm(html, course)) {
    const textOf = (id: string) => question.options!.find((o) => o.id === id)!.text;
    switch (question.kind) {
      case 'single':
      case 'multiple': {
        const correct = question.correct!.map(textOf);
        const chosen = inputs.filter((i) => (mode === 'right' ? correct.includes(i.text) : !correct.includes(i.text)));
        for (const input of mode === 'right' ? chosen : chosen.slice(0, 1)) form.append(input.name, input.value);
        break;
      }
      case 'true-false':
        form.append(inputs[0].name, String(mode === 'right' ? question.answer : !question.answer));
        break;
      case 'ordering':
        for (const select of selects) {
          const id = question.options!.find((o) => o.text === select.label)!.id;
          form.append(select.name, mode === 'right' ? String(question.order!.indexOf(id) + 1) : '1');
        }
        break;
      case 'matching':
        // Wrong = left unanswered: an unanswered question scores 0.
        if (mode === 'right') {
          for (const select of selects) {
            const right = question.pairs!.find((p) => p.left === select.label)!.right;
            form.append(select.name, select.options.find((o) => o.text === right)!.value);
          }
        }
        break;
    }
  }
  return form;
}

async function startAttempt(agent: Agent): Promise<{ url: string; html: string }> {
  const overview = await agent.get(QUIZ).expect(200);
  const res = await agent
    .post(QUIZ)
    .type('form')
    .send({ _csrf: csrfTokenFrom(overview.text) })
    .expect(303);
  const page = await agent.get(res.headers.location).expect(200);
  return { url: res.headers.location, html: page.text };
}

/** Enrols on the example course and finishes its lessons, so its final test may start. */
async function enrol(agent: Agent): Promise<void> {
  await enrolAndCompleteSteps(agent, await exampleCourse());
}

async function verbsOf(registration: string): Promise<string[]> {
  const records = await statementsAnywhere({ registration });
  return records.map((r) => r.verbId.replace('http://adlnet.gov/expapi/verbs/', ''));
}

describe('learning/quiz.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let course: Course;
  let agent: Agent;
  let learner: Awaited<ReturnType<typeof buildLearner>>;
  let firstAttemptUrl: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    course = server.platform.catalogue.require('przyklad-kurs');
    learner = await buildLearner();
    agent = await loginAgent(server.url, learner.user.email, learner.password);
  });
  after(async () => server.close());

  it('refuses the quiz to a learner who has not enrolled', async () => {
    const res = await agent.get(QUIZ).expect(303);
    expect(res.headers.location).to.equal(COURSE);
    const page = await agent.get(COURSE).expect(200);
    await agent
      .post(QUIZ)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) })
      .expect(403);
  });

  it('shows the rules and a start button once enrolled', async () => {
    await enrol(agent);
    const res = await agent.get(QUIZ).expect(200);
    expect(res.text).to.contain('Liczba pytań: 4');
    expect(res.text).to.contain('Próg zaliczenia: 70% punktów.');
    expect(res.text).to.contain('Liczba podejść: 3 (wykorzystano: 0).');
    expect(res.text).to.contain('Rozpocznij test');
  });

  it('draws questionsPerAttempt questions into labelled fieldsets, without the answers in the page', async () => {
    const { url, html } = await startAttempt(agent);
    firstAttemptUrl = url;
    expect(url).to.match(/^\/szkolenia\/przyklad-kurs\/test\/[0-9a-f]{24}$/);
    expect(html.match(/<fieldset class="quiz-question"/g)).to.have.length(4);
    expect(html.match(/<legend>/g)).to.have.length(4);
    // Values are positions in the attempt, never option ids; no explanation or reference leaks.
    expect(html).to.not.match(/value="(a|b|c|p1|p2)"/);
    for (const question of course.quiz.questions) {
      expect(html).to.not.contain(question.explanation);
      expect(html).to.not.contain(question.legalReference!);
    }
    const attempt = (await QuizAttempt.findOne({ organisationId: learner.user.organisationId }).lean())!;
    expect(attempt.questions).to.have.length(4);
    expect(new Set(attempt.questions.map((q) => q.questionId)).size).to.equal(4);
  });

  it('resumes the open attempt instead of drawing again', async () => {
    const overview = await agent.get(QUIZ).expect(200);
    expect(overview.text).to.contain('Wróć do rozpoczętego podejścia');
    const res = await agent
      .post(QUIZ)
      .type('form')
      .send({ _csrf: csrfTokenFrom(overview.text) })
      .expect(303);
    expect(res.headers.location).to.equal(firstAttemptUrl);
    expect(await QuizAttempt.countDocuments({ organisationId: learner.user.organisationId })).to.equal(1);
  });

  it('answers 400 to tampered input and keeps the attempt open', async () => {
    const page = await agent.get(firstAttemptUrl).expect(200);
    const csrf = csrfTokenFrom(page.text);
    for (const body of [`q0=o9`, `q99=o0`, `hack=1`, `q0_7=1`, `q0=o0&q0=o0`]) {
      const res = await agent
        .post(firstAttemptUrl)
        .type('form')
        .send(`_csrf=${encodeURIComponent(csrf)}&${body}`);
      expect(res.status, body).to.equal(400);
      expect(res.text).to.contain('nieprawidłowe odpowiedzi');
    }
    await agent
      .post(firstAttemptUrl.replace(/[0-9a-f]{24}$/, 'nie-id'))
      .type('form')
      .send({ _csrf: csrf })
      .expect(400);
    const attempt = (await QuizAttempt.findOne({ organisationId: learner.user.organisationId }).lean())!;
    expect(attempt.submittedAt).to.equal(undefined);
  });

  it('does not let another learner of the same office see or submit the attempt', async () => {
    const colleague = await buildLearner({ organisation: { _id: learner.user.organisationId } });
    const colleagueAgent = await loginAgent(server.url, colleague.user.email, colleague.password);
    await colleagueAgent.get(firstAttemptUrl).expect(403);
    const stranger = await buildLearner();
    const strangerAgent = await loginAgent(server.url, stranger.user.email, stranger.password);
    await strangerAgent.get(firstAttemptUrl).expect(404);
  });

  it('grades a wrong attempt as failed: answered per question, failed with the score, feedback with explanations', async () => {
    const page = await agent.get(firstAttemptUrl).expect(200);
    const res = await sendQuiz(agent, firstAttemptUrl, answerQuiz(page.text, course, 'wrong'));
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`${firstAttemptUrl}/wynik`);
    const result = await agent.get(res.headers.location).expect(200);
    expect(result.text).to.contain('<h1>Test niezaliczony</h1>');
    expect(result.text).to.contain('Wynik: 0% (0 z');
    expect(result.text).to.contain('Próg zaliczenia: 70%');
    expect(result.text).to.contain('Podstawa prawna:');
    expect(result.text).to.contain('Wyjaśnienie:');

    const enrolment = (await Enrolment.findOne({ organisationId: learner.user.organisationId }).lean())!;
    const verbs = await verbsOf(enrolment.registration);
    expect(verbs.filter((v) => v === 'answered')).to.have.length(4);
    expect(verbs.at(-1)).to.equal('failed');
    const [failed] = await statementsAnywhere({ registration: enrolment.registration, verbId: 'http://adlnet.gov/expapi/verbs/failed' });
    const score = JSON.parse(failed.json).result.score;
    expect(score.raw).to.equal(0);
    expect(score.min).to.equal(0);
    expect(score.scaled).to.equal(0);
    const progress = (await LearningProgress.findById(enrolment._id).lean())!;
    expect(progress.status).to.equal('failed');
    expect(progress.attempts).to.equal(1);
    // The catalogue names the status in the one vocabulary.
    expect((await agent.get('/szkolenia').expect(200)).text).to.match(/<span class="badge">w trakcie<\/span>/);
  });

  it('rejects a second submission of the same attempt with 400', async () => {
    const overview = await agent.get(QUIZ).expect(200);
    await agent
      .post(firstAttemptUrl)
      .type('form')
      .send({ _csrf: csrfTokenFrom(overview.text), q0: 'o0' })
      .expect(400);
    await agent
      .post(`${firstAttemptUrl}/podsumowanie`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(overview.text) })
      .expect(400);
  });

  it('enforces the cool-down after a failed attempt with a clear message', async () => {
    const overview = await agent.get(QUIZ).expect(200);
    expect(overview.text).to.contain('Kolejne podejście będzie możliwe o');
    expect(overview.text).to.not.contain('Rozpocznij test');
    const res = await agent
      .post(QUIZ)
      .type('form')
      .send({ _csrf: csrfTokenFrom(overview.text) })
      .expect(409);
    expect(res.text).to.contain('Przerwa po niezaliczonym teście trwa 10 min.');
  });

  it('passes on a later attempt: passed and completed recorded, course completed in "Moje szkolenia"', async () => {
    // The cool-down is over.
    await QuizAttempt.updateMany({ organisationId: learner.user.organisationId }, { $set: { submittedAt: new Date(Date.now() - 11 * 60_000) } });
    const { url, html } = await startAttempt(agent);
    expect(url).to.not.equal(firstAttemptUrl);
    const res = await sendQuiz(agent, url, answerQuiz(html, course, 'right'));
    expect(res.status).to.equal(303);
    const result = await agent.get(res.headers.location).expect(200);
    expect(result.text).to.contain('<h1>Test zaliczony</h1>');
    expect(result.text).to.contain('Wynik: 100%');

    const enrolment = (await Enrolment.findOne({ organisationId: learner.user.organisationId }).lean())!;
    const verbs = await verbsOf(enrolment.registration);
    const passedAt = verbs.lastIndexOf('passed');
    expect(verbs.slice(passedAt, passedAt + 2)).to.deep.equal(['passed', 'completed']);
    // issueCertificate ran after the pass (it records `earned`).
    expect(verbs).to.include('http://id.tincanapi.com/verb/earned');
    const progress = (await LearningProgress.findById(enrolment._id).lean())!;
    expect(progress.status).to.equal('completed');
    expect(progress.attempts).to.equal(2);
    expect(progress.bestScore).to.equal(1);
    expect(progress.completedAt).to.be.instanceOf(Date);

    expect((await agent.get('/szkolenia').expect(200)).text).to.match(/<span class="badge badge--done"><span aria-hidden="true">✓<\/span> ukończono<\/span>/);
    const mine = await agent.get('/moje-szkolenia').expect(200);
    expect(mine.text).to.contain('Ukończone');
    expect(mine.text).to.match(/value="100"[^>]*>100%<\/progress>/);

    const overview = await agent.get(QUIZ).expect(200);
    expect(overview.text).to.contain('Test został zaliczony.');
    // The counter counts the attempts of this pass, the same two rows as the table below it (not 0).
    expect(overview.text).to.contain('Liczba podejść: 3 (wykorzystano: 2).');
    expect(overview.text.match(/aria-label="Pokaż wynik podejścia \d+"/g)).to.have.length(2);
    await agent
      .post(QUIZ)
      .type('form')
      .send({ _csrf: csrfTokenFrom(overview.text) })
      .expect(409);
  });

  it('opens the quiz again once a pass has expired (validityMonths), and in English', async () => {
    const renewing = await serverWithCourses([{ ...course, validityMonths: 1 }], learner);
    try {
      await QuizAttempt.updateMany({ organisationId: learner.user.organisationId }, { $set: { submittedAt: new Date(Date.now() - 40 * 24 * 60 * 60_000) } });
      const overview = await renewing.agent.get(`${QUIZ}?lang=en`).expect(200);
      expect(overview.text).to.contain('Your certificate has expired.');
      expect(overview.text).to.contain('Start the quiz');
      expect(overview.text).to.contain('Attempts: 3 (0 used).');
      // The attempts before the renewal are listed apart, so the counter matches the current table (empty).
      expect(overview.text).to.contain('Attempts before the certificate was renewed');
      expect(overview.text).to.not.contain('<h2>Your attempts</h2>');
    } finally {
      await renewing.server.close();
    }
  });

  it('scores unanswered questions 0 and stops at maxAttempts', async () => {
    const other = await buildLearner();
    const oneAttempt = await serverWithCourses([{ ...course, quiz: { ...course.quiz, maxAttempts: 1, cooldownMinutes: 0 } }], other);
    try {
      const otherAgent = oneAttempt.agent;
      await enrol(otherAgent);
      const { url, html } = await startAttempt(otherAgent);
      // One question answered, the rest left blank.
      const attempt = (await QuizAttempt.findById(url.split('/').pop()).lean())!;
      const form = new URLSearchParams([['_csrf', csrfTokenFrom(html)], ...encodeQuizForm(oneAnswerFor(attempt, course))]);
      expect((await sendQuiz(otherAgent, url, form)).status).to.equal(303);
      const result = await otherAgent.get(`${url}/wynik`).expect(200);
      // The three blank questions score 0, graded with the one saved (wrong) answer.
      expect(result.text.match(/brak odpowiedzi/g)).to.have.length(3);
      expect(result.text).to.contain('Wynik: 0% (0 z');
      const overview = await otherAgent.get(QUIZ).expect(200);
      expect(overview.text).to.contain('Wykorzystano wszystkie podejścia do testu (1 z 1).');
      const res = await otherAgent
        .post(QUIZ)
        .type('form')
        .send({ _csrf: csrfTokenFrom(overview.text) })
        .expect(409);
      expect(res.text).to.contain('Wykorzystano wszystkie podejścia');
    } finally {
      await oneAttempt.server.close();
    }
  });
});
