// A learner takes a whole course over HTTP; an LRS client of the organisation then reads the xAPI record back.
import type { Statement, StatementsResponse } from '@xapi/xapi';
import { expect } from 'chai';
import type { Course, Question } from '../../src/courses/course.types.js';
import { Enrolment } from '../../src/learning/enrolment.model.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import { rebuildProjections } from '../../src/xapi/rebuild.service.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { XAPI } from '../helpers/xapi-client.js';
import { readQuizForm, sendQuiz } from '../helpers/quiz-form.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- loose view of xAPI JSON for deep property chains in assertions
type Loose = Record<string, any>;

const COURSE = '/szkolenia/przyklad-kurs';
const QUIZ = `${COURSE}/test`;
const ADL = 'http://adlnet.gov/expapi/verbs/';
const EARNED = 'http://id.tincanapi.com/verb/earned';

interface Drawn {
  question: Question;
  /** The xAPI response this test's answer must be recorded as; undefined when left unanswered. */
  response?: string;
}

/**
 * Fills the quiz form from the course files (the page carries positions, never answers): all right, or all
 * wrong with the first question left unanswered.
 */
function answerQuiz(html: string, course: Course, mode: 'right' | 'wrong'): { form: URLSearchParams; drawn: Drawn[] } {
  const form = new URLSearchParams({ _csrf: csrfTokenFrom(html) });
  const drawn: Drawn[] = [];
  for (const [index, { question, inputs, selects, idOfText }] of readQuizForm(html, course).entries()) {
    if (mode === 'wrong' && index === 0) {
      drawn.push({ question, response: undefined });
      continue;
    }
    switch (question.kind) {
      case 'single':
      case 'multiple': {
        const correct = new Set(question.correct);
        const chosen = inputs.filter((i) => (mode === 'right' ? correct.has(idOfText(i.text)) : !correct.has(idOfText(i.text))));
        const sent = mode === 'right' ? chosen : chosen.slice(0, 1);
        for (const input of sent) form.append(input.name, input.value);
        // Option ids in the course's order, whatever the shuffled form showed.
        const ids = new Set(sent.map((i) => idOfText(i.text)));
        drawn.push({
          question,
          response: question
            .options!.map((o) => o.id)
            .filter((id) => ids.has(id))
            .join('[,]'),
        });
        break;
      }
      case 'true-false': {
        const value = mode === 'right' ? question.answer : !question.answer;
        form.append(inputs[0].name, String(value));
        drawn.push({ question, response: String(value) });
        break;
      }
      case 'ordering': {
        // Wrong = the right order reversed.
        const order = mode === 'right' ? question.order! : [...question.order!].reverse();
        for (const select of selects) form.append(select.name, String(order.indexOf(idOfText(select.label)) + 1));
        drawn.push({ question, response: order.join('[,]') });
        break;
      }
      case 'matching': {
        // Wrong = each left item matched with the next pair's right item.
        const pairs = question.pairs!;
        const chosen = pairs.map((pair, at) => ({ left: pair, right: mode === 'right' ? pair : pairs[(at + 1) % pairs.length] }));
        for (const select of selects) {
          const match = chosen.find((c) => c.left.left === select.label)!;
          form.append(select.name, select.options.find((o) => o.text === match.right.right)!.value);
        }
        drawn.push({ question, response: chosen.map((c) => `${c.left.id}[.]${c.right.id}`).join('[,]') });
        break;
      }
    }
  }
  return { form, drawn };
}

async function takeQuiz(agent: Agent, course: Course, mode: 'right' | 'wrong'): Promise<Drawn[]> {
  const overview = await agent.get(QUIZ).expect(200);
  const started = await agent
    .post(QUIZ)
    .type('form')
    .send({ _csrf: csrfTokenFrom(overview.text) })
    .expect(303);
  const page = await agent.get(started.headers.location).expect(200);
  const { form, drawn } = answerQuiz(page.text, course, mode);
  expect((await sendQuiz(agent, started.headers.location, form)).status).to.equal(303);
  return drawn;
}

/** Every statement matching the query, following `more` links. */
async function allStatements(xapi: XAPI, params: Record<string, unknown>): Promise<Statement[]> {
  let data = (await xapi.getStatements({ ...params, ascending: true } as never)).data as unknown as StatementsResponse;
  const statements = [...data.statements];
  while (data.more) {
    data = (await xapi.getMoreStatements({ more: data.more })).data as StatementsResponse;
    statements.push(...data.statements);
  }
  return statements;
}

describe('xAPI journey: a learner takes a course, an LRS client of the office reads it back', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let course: Course;
  let learner: Awaited<ReturnType<typeof buildLearner>>;
  let xapi: XAPI;
  let strangerXapi: XAPI;
  let registration: string;
  let failedAttempt: Drawn[];
  let passedAttempt: Drawn[];
  let statements: Loose[];
  let baseUrl: string;
  let activityBase: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    baseUrl = server.config.BASE_URL;
    activityBase = server.config.XAPI_ACTIVITY_BASE;
    course = server.platform.catalogue.require('przyklad-kurs');
    learner = await buildLearner();
    const reader = await createLrsClient({ organisationId: String(learner.user.organisationId), name: 'reporting', canWrite: false });
    xapi = new XAPI({ endpoint: `${server.url}/xapi/`, auth: XAPI.toBasicAuth(reader.key, reader.secret) });
    const otherOffice = await buildOrganisation();
    const stranger = await createLrsClient({ organisationId: otherOffice._id.toHexString(), name: 'other office' });
    strangerXapi = new XAPI({ endpoint: `${server.url}/xapi/`, auth: XAPI.toBasicAuth(stranger.key, stranger.secret) });

    const agent = await loginAgent(server.url, learner.user.email, learner.password);
    const coursePage = await agent.get(COURSE).expect(200);
    await agent
      .post(`${COURSE}/zapis`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(coursePage.text) })
      .expect(303);
    const lesson1 = await agent.get(`${COURSE}/lekcje/wprowadzenie`).expect(200);
    await agent
      .post(`${COURSE}/lekcje/wprowadzenie/sprawdz/check-zasady-1`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(lesson1.text), answer: 'b' })
      .expect(303);
    // "Zakończ lekcję" on each lesson (the fixture sets no reading-time floor): the completion rule of the course.
    await agent
      .post(`${COURSE}/lekcje/wprowadzenie/zakoncz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(lesson1.text) })
      .expect(303);
    const lesson2 = await agent.get(`${COURSE}/lekcje/podsumowanie`).expect(200);
    await agent
      .post(`${COURSE}/lekcje/podsumowanie/zakoncz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(lesson2.text) })
      .expect(303);
    failedAttempt = await takeQuiz(agent, course, 'wrong');
    // The cool-down after the failed attempt is over.
    await QuizAttempt.updateMany({ organisationId: learner.user.organisationId }, { $set: { submittedAt: new Date(Date.now() - 11 * 60_000) } });
    passedAttempt = await takeQuiz(agent, course, 'right');

    registration = (await Enrolment.findOne({ organisationId: learner.user.organisationId }).lean())!.registration;
    const actor = { objectType: 'Agent', account: { homePage: baseUrl, name: learner.user.learnerId } };
    statements = await allStatements(xapi, { agent: actor, registration });
  });
  after(async () => server.close());

  const verbsOf = (list: Loose[]) => list.map((s) => String(s.verb.id).replace(ADL, ''));

  it('records the journey in order: registered … failed, passed, completed and the certificate', () => {
    const answered = (n: number) => Array<string>(n).fill('answered');
    expect(verbsOf(statements)).to.deep.equal([
      'registered',
      'launched',
      'initialized',
      'experienced',
      'answered',
      'completed',
      'experienced',
      'completed',
      ...answered(failedAttempt.length),
      'failed',
      ...answered(passedAttempt.length),
      'passed',
      'completed',
      EARNED,
    ]);
    expect(failedAttempt).to.have.length(course.quiz.questionsPerAttempt);
  });

  it('names the learner only by the opaque account: homePage BASE_URL, name the learnerId, no e-mail anywhere', async () => {
    for (const statement of statements) {
      expect(statement.actor).to.deep.equal({ objectType: 'Agent', account: { homePage: baseUrl, name: learner.user.learnerId } });
      const text = JSON.stringify(statement);
      expect(text).to.not.contain(learner.user.email);
      expect(text).to.not.contain('mbox');
      expect(text).to.not.contain(learner.user.fullName);
    }
  });

  it('carries registration, platform, language and revision in every context; a learning-platform authority', () => {
    for (const statement of statements) {
      expect(statement.context).to.include({ registration, platform: 'Akademia JST', language: 'pl', revision: course.version });
      expect(statement.id).to.match(/^[0-9a-f-]{36}$/);
      expect(statement.version).to.equal('1.0.0');
      expect(statement.authority.objectType).to.equal('Agent');
      expect(Date.parse(statement.stored)).to.be.at.least(Date.parse(statements[0].stored));
    }
  });

  it('uses stable activity IRIs under XAPI_ACTIVITY_BASE with typed, named definitions', () => {
    const courseIri = `${activityBase}/courses/przyklad-kurs`;
    const byVerb = (verb: string) => statements.filter((s) => s.verb.id === verb);
    for (const verb of ['registered', 'launched', 'initialized', 'completed']) {
      // A lesson is completed too (the completion rule); the course's own completion is the last one.
      const statement = byVerb(ADL + verb).at(-1)!;
      expect(statement.object.id, verb).to.equal(courseIri);
      expect(statement.object.definition).to.deep.include({
        type: 'http://adlnet.gov/expapi/activities/course',
        name: { pl: 'Przykładowy kurs' },
        description: { pl: course.summary },
      });
      expect(statement.verb.display).to.have.keys('pl', 'en');
    }
    const finished = byVerb(`${ADL}completed`).slice(0, -1);
    expect(finished.map((s) => s.object.id)).to.deep.equal([`${courseIri}/lessons/wprowadzenie`, `${courseIri}/lessons/podsumowanie`]);
    expect(finished[0].result).to.deep.equal({ completion: true });
    const lessons = byVerb(`${ADL}experienced`);
    expect(lessons.map((s) => s.object.id)).to.deep.equal([`${courseIri}/lessons/wprowadzenie`, `${courseIri}/lessons/podsumowanie`]);
    expect(lessons[0].object.definition).to.deep.include({ type: 'http://adlnet.gov/expapi/activities/lesson', name: { pl: 'Wprowadzenie' } });
    for (const lesson of lessons) {
      expect(lesson.context.contextActivities.parent).to.deep.equal([
        { objectType: 'Activity', id: courseIri, definition: { type: 'http://adlnet.gov/expapi/activities/course' } },
      ]);
    }
    for (const verb of ['failed', 'passed']) {
      const [statement] = byVerb(ADL + verb);
      expect(statement.object.id).to.equal(`${courseIri}/quiz`);
      expect(statement.object.definition.type).to.equal('http://adlnet.gov/expapi/activities/assessment');
      expect(statement.object.definition.name.pl).to.equal('Test końcowy: Przykładowy kurs');
      expect(statement.context.contextActivities.parent[0].id).to.equal(courseIri);
      // The course is the parent: grouping would only repeat it.
      expect(statement.context.contextActivities).to.not.have.property('grouping');
    }
  });

  it('records the knowledge check as a choice interaction inside its lesson, with success and the response', () => {
    const [check] = statements.filter((s) => s.verb.id === `${ADL}answered` && s.object.id.includes('/checks/'));
    expect(check.object.id).to.equal(`${activityBase}/courses/przyklad-kurs/lessons/wprowadzenie/checks/check-zasady-1`);
    expect(check.result).to.deep.equal({ success: false, response: 'b' });
    expect(check.object.definition).to.deep.include({
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      interactionType: 'choice',
      correctResponsesPattern: ['a'],
      choices: [
        { id: 'a', description: { pl: 'Minimalizacja danych' } },
        { id: 'b', description: { pl: 'Rozliczalność' } },
      ],
    });
    expect(check.context.contextActivities.parent[0].id).to.equal(`${activityBase}/courses/przyklad-kurs/lessons/wprowadzenie`);
    expect(check.context.contextActivities.grouping[0].id).to.equal(`${activityBase}/courses/przyklad-kurs`);
  });

  it('records each quiz answer in the response format of its interactionType, with the right components', () => {
    const answered = statements.filter((s) => s.verb.id === `${ADL}answered` && s.object.id.includes('/quiz/questions/'));
    const expected = [...failedAttempt.map((d) => ({ ...d, success: false })), ...passedAttempt.map((d) => ({ ...d, success: true }))];
    expect(answered).to.have.length(expected.length);
    const attemptKey = `${baseUrl}/xapi/extensions/attempt-id`;
    for (const [index, statement] of answered.entries()) {
      const { question, response, success } = expected[index];
      expect(statement.object.id).to.equal(`${activityBase}/courses/przyklad-kurs/quiz/questions/${question.id}`);
      // An unanswered question has no response at all ("" is not valid for every interactionType).
      expect(statement.result, question.id).to.deep.equal(response === undefined ? { success } : { success, response });
      expect(statement.context.contextActivities.parent[0].id).to.equal(`${activityBase}/courses/przyklad-kurs/quiz`);
      expect(statement.context.extensions[attemptKey]).to.match(/^[0-9a-f]{24}$/);
      const definition = statement.object.definition;
      expect(definition.type).to.equal('http://adlnet.gov/expapi/activities/cmi.interaction');
      expect(definition.description).to.deep.equal({ pl: question.prompt });
      switch (question.kind) {
        case 'single':
        case 'multiple':
          expect(definition.interactionType).to.equal('choice');
          expect(definition.choices.map((c: Loose) => c.id)).to.deep.equal(question.options!.map((o) => o.id));
          expect(definition.correctResponsesPattern).to.deep.equal([question.correct!.join('[,]')]);
          break;
        case 'true-false':
          expect(definition.interactionType).to.equal('true-false');
          expect(definition.correctResponsesPattern).to.deep.equal([String(question.answer)]);
          expect(definition).to.not.have.property('choices');
          break;
        case 'ordering':
          expect(definition.interactionType).to.equal('sequencing');
          expect(definition.choices.map((c: Loose) => c.id)).to.deep.equal(question.options!.map((o) => o.id));
          expect(definition.correctResponsesPattern).to.deep.equal([question.order!.join('[,]')]);
          break;
        case 'matching':
          expect(definition.interactionType).to.equal('matching');
          expect(definition.source.map((c: Loose) => c.description.pl)).to.deep.equal(question.pairs!.map((p) => p.left));
          expect(definition.target.map((c: Loose) => c.description.pl)).to.deep.equal(question.pairs!.map((p) => p.right));
          expect(definition.correctResponsesPattern).to.deep.equal([question.pairs!.map((p) => `${p.id}[.]${p.id}`).join('[,]')]);
          break;
      }
    }
    // One attempt id per attempt, shared by its answers and its score.
    const attempts = new Set(answered.map((s) => s.context.extensions[attemptKey]));
    expect(attempts.size).to.equal(2);
  });

  it('scores the failed and the passed attempt with scaled, raw, min and max; completed carries the pass', () => {
    const maxPoints = (drawn: Drawn[]) => drawn.reduce((sum, d) => sum + d.question.points, 0);
    const [failed] = statements.filter((s) => s.verb.id === `${ADL}failed`);
    expect(failed.result).to.deep.equal({ score: { scaled: 0, raw: 0, min: 0, max: maxPoints(failedAttempt) }, success: false, completion: true });
    const [passed] = statements.filter((s) => s.verb.id === `${ADL}passed`);
    const max = maxPoints(passedAttempt);
    expect(passed.result).to.deep.equal({ score: { scaled: 1, raw: max, min: 0, max }, success: true, completion: true });
    const completed = statements.filter((s) => s.verb.id === `${ADL}completed`).at(-1)!;
    expect(completed.result).to.deep.equal({ score: { scaled: 1, raw: max, min: 0, max }, success: true, completion: true });
  });

  it('records the certificate as earned, with its verification page as moreInfo', () => {
    const earned = statements.at(-1)!;
    expect(earned.verb).to.deep.equal({ id: EARNED, display: { pl: 'otrzymanie', en: 'earned' } });
    expect(earned.object.id).to.match(new RegExp(`^${activityBase.replace(/[.]/g, '\\.')}/certificates/[^/]+$`));
    expect(earned.object.definition.type).to.equal('https://w3id.org/xapi/cmi5/activities/certificate');
    expect(earned.object.definition.name.pl).to.equal('Zaświadczenie ukończenia szkolenia: Przykładowy kurs');
    expect(earned.object.definition.moreInfo).to.match(new RegExp(`^${baseUrl.replace(/[.]/g, '\\.')}/weryfikacja/`));
    expect(earned.context.contextActivities).to.deep.equal({
      parent: [{ objectType: 'Activity', id: `${activityBase}/courses/przyklad-kurs`, definition: { type: 'http://adlnet.gov/expapi/activities/course' } }],
    });
  });

  it('lets the office filter by agent, registration or activity alone, and serves the activity definition', async () => {
    const actor = { objectType: 'Agent', account: { homePage: baseUrl, name: learner.user.learnerId } };
    const byAgent = await allStatements(xapi, { agent: actor });
    expect(byAgent.map((s) => s.id)).to.deep.equal(statements.map((s) => s.id));
    const byRegistration = await allStatements(xapi, { registration });
    expect(byRegistration.map((s) => s.id)).to.deep.equal(statements.map((s) => s.id));
    const quiz = await allStatements(xapi, { activity: `${activityBase}/courses/przyklad-kurs/quiz`, registration });
    expect(verbsOf(quiz)).to.deep.equal(['failed', 'passed']);
    const related = await allStatements(xapi, { activity: `${activityBase}/courses/przyklad-kurs`, related_activities: true, registration });
    expect(related).to.have.length(statements.length);
    const { data: activity } = await xapi.getActivity({ activityId: `${activityBase}/courses/przyklad-kurs/lessons/podsumowanie` });
    expect(activity).to.deep.include({ objectType: 'Activity', id: `${activityBase}/courses/przyklad-kurs/lessons/podsumowanie` });
    expect((activity as Loose).definition.name).to.deep.equal({ pl: 'Podsumowanie' });
  });

  it('shows a client of another organisation none of it', async () => {
    const { data } = await strangerXapi.getStatements({ registration });
    expect(data.statements).to.have.length(0);
    const { data: all } = await strangerXapi.getStatements({});
    expect(all.statements).to.have.length(0);
    const status = await strangerXapi.getStatement({ statementId: statements[0].id }).then(
      () => 200,
      (error: { response?: { status: number } }) => error.response?.status,
    );
    expect(status).to.equal(404);
  });

  it('refuses writes from the read-only client', async () => {
    const status = await xapi.sendStatement({ statement: statements[0] as Statement }).then(
      () => 200,
      (error: { response?: { status: number } }) => error.response?.status,
    );
    expect(status).to.equal(403);
  });

  it('rebuilds the same LearningProgress from the statements (npm run xapi:rebuild)', async () => {
    const strip = (doc: Loose | null) => {
      const { createdAt: _c, updatedAt: _u, __v: _v, ...rest } = doc ?? {};
      return rest;
    };
    const before = await LearningProgress.find({ organisationId: learner.user.organisationId }).lean();
    expect(before).to.have.length(1);
    expect(before[0]).to.include({ status: 'completed', attempts: 2, bestScore: 1, lastLessonId: 'podsumowanie' });
    expect(before[0].lessonsViewed).to.deep.equal(['wprowadzenie', 'podsumowanie']);
    expect(before[0].lessonsCompleted).to.deep.equal(['wprowadzenie', 'podsumowanie']);
    expect(before[0].checksAnswered).to.deep.equal(['check-zasady-1']);
    await LearningProgress.deleteMany({ organisationId: learner.user.organisationId });
    const result = await rebuildProjections(server.platform.statements.projectors);
    expect(result.statements).to.be.at.least(statements.length);
    const after = await LearningProgress.find({ organisationId: learner.user.organisationId }).lean();
    expect(after.map(strip)).to.deep.equal(before.map(strip));
  });
});
