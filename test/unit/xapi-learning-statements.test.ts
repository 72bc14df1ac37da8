import { expect } from 'chai';
import type { Course, Question } from '../../src/courses/course.types.js';
import * as build from '../../src/xapi/learning-statements.js';
import { Statement as StatementSchema, describeIssues } from '../../src/xapi/statement.schemas.js';
import { createXapiVocabulary } from '../../src/xapi/xapi-vocabulary.js';

const question = (kind: Question['kind'], extra: Partial<Question>): Question => ({ id: `q-${kind}`, kind, prompt: `Pytanie ${kind}?`, points: 1, explanation: '', ...extra });

const course: Course = {
  id: 'rodo-podstawy',
  version: '1.2.0',
  language: 'pl',
  title: 'RODO w urzędzie',
  summary: 'Podstawy ochrony danych',
  audience: 'urzędnicy',
  objectives: [],
  durationMinutes: 30,
  passThreshold: 80,
  legalStateDate: '2024-01-01',
  author: { name: 'Związek' },
  licence: 'CC-BY-4.0',
  tags: [],
  lessons: [{ id: 'zasady', title: 'Zasady', order: 1, durationMinutes: 5, html: '', checks: [], sourceFile: 'x' }],
  quiz: { questionsPerAttempt: 1, cooldownMinutes: 0, questions: [] },
  directory: '/tmp',
};

describe('xapi/learning-statements', () => {
  const vocabulary = createXapiVocabulary({ baseUrl: 'https://akademia.example.pl', activityBase: 'https://akademia.example.pl/xapi/activities' });
  const ctx = {
    vocabulary,
    learner: { learnerId: '3b0c2a4e-1111-4222-8333-444455556666', fullName: 'Jan Kowalski' },
    course,
    registration: 'f7a4a3f6-8f7a-4d0c-9b1e-0c2c8c7b6a51',
  };

  const valid = (statement: unknown) => {
    const result = StatementSchema.safeParse(statement);
    expect(result.success, result.success ? '' : describeIssues(result.error)).to.equal(true);
  };

  it('builds valid statements for every learning event with the account actor and registration', () => {
    const statements = [
      build.registered(ctx),
      build.launched(ctx),
      build.initialized(ctx),
      build.lessonExperienced(ctx, course.lessons[0]),
      build.questionAnswered(
        ctx,
        question('single', {
          options: [
            { id: 'a', text: 'A' },
            { id: 'b', text: 'B' },
          ],
          correct: ['a'],
        }),
        { response: 'a', success: true, parent: 'quiz', attemptId: 'att-1' },
      ),
      build.questionAnswered(ctx, question('true-false', { answer: false }), { response: 'false', success: true, parent: { lessonId: 'zasady' } }),
      build.questionAnswered(
        ctx,
        question('ordering', {
          options: [
            { id: 'a', text: 'A' },
            { id: 'b', text: 'B' },
          ],
          order: ['b', 'a'],
        }),
        { response: 'b[,]a', success: true, parent: 'quiz' },
      ),
      build.questionAnswered(ctx, question('matching', { pairs: [{ id: 'p1', left: 'L', right: 'R' }] }), { response: 'p1[.]p1', success: true, parent: 'quiz' }),
      build.quizScored(ctx, { passed: true, scaled: 0.9, raw: 9, min: 0, max: 10, attemptId: 'att-1' }),
      build.courseCompleted(ctx, { scaled: 0.9, raw: 9, min: 0, max: 10 }),
      build.certificateIssued(ctx, { code: 'ABC-123', url: 'https://akademia.example.pl/weryfikacja/ABC-123' }),
      build.certificateRevoked(ctx, { code: 'ABC-123', reason: 'error' }),
      build.voiding('0f8fad5b-d9cb-469f-a165-70867728950e', ctx),
    ];
    for (const statement of statements) {
      valid(statement);
      expect(statement.actor).to.deep.equal({ objectType: 'Agent', account: { homePage: 'https://akademia.example.pl', name: ctx.learner.learnerId } });
      expect(statement.context?.registration).to.equal(ctx.registration);
    }
    expect(JSON.stringify(statements)).not.to.contain('Jan Kowalski');
    // Every verb, the platform-coined `revoked` included, is displayed in Polish and English.
    for (const statement of statements) expect(statement.verb.display, statement.verb.id).to.have.keys('pl', 'en');
    // An unanswered question: success false and no response.
    const unanswered = build.questionAnswered(ctx, question('true-false', { answer: true }), { response: undefined, success: false, parent: 'quiz' });
    valid(unanswered);
    expect(unanswered.result).to.deep.equal({ success: false });
  });

  it('uses stable activity IRIs under the configured base and an interaction definition for questions', () => {
    const answered = build.questionAnswered(
      ctx,
      question('multiple', {
        options: [
          { id: 'a', text: 'A' },
          { id: 'b', text: 'B' },
        ],
        correct: ['a', 'b'],
      }),
      {
        response: 'a[,]b',
        success: true,
        parent: 'quiz',
      },
    );
    const object = answered.object as { id: string; definition: Record<string, unknown> };
    expect(object.id).to.equal('https://akademia.example.pl/xapi/activities/courses/rodo-podstawy/quiz/questions/q-multiple');
    expect(object.definition).to.include({ interactionType: 'choice', type: 'http://adlnet.gov/expapi/activities/cmi.interaction' });
    expect(object.definition.correctResponsesPattern).to.deep.equal(['a[,]b']);
    expect(answered.result).to.deep.equal({ success: true, response: 'a[,]b' });
    expect(answered.context?.contextActivities?.parent?.[0].id).to.equal('https://akademia.example.pl/xapi/activities/courses/rodo-podstawy/quiz');
    expect(answered.context?.contextActivities?.grouping?.[0].id).to.equal('https://akademia.example.pl/xapi/activities/courses/rodo-podstawy');
  });

  it('chooses passed or failed by the outcome and carries the full score', () => {
    const failed = build.quizScored(ctx, { passed: false, scaled: 0.4, raw: 4, min: 0, max: 10, attemptId: 'a2' });
    expect(failed.verb.id).to.equal('http://adlnet.gov/expapi/verbs/failed');
    expect(failed.result).to.deep.include({ success: false, score: { scaled: 0.4, raw: 4, min: 0, max: 10 } });
  });
});
