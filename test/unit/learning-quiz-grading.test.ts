import { expect } from 'chai';
import type { Question, Quiz } from '../../src/courses/course.types.js';
import { ValidationError } from '../../src/http/errors.js';
import { decodeQuizForm, encodeQuizForm } from '../../src/learning/quiz-form.js';
import { decodeCheckAnswer, drawQuestions, gradeAnswer, resolveQuizAnswers, scoreAttempt, type DrawnQuestion } from '../../src/learning/quiz-grading.js';

const single: Question = {
  id: 's',
  kind: 'single',
  prompt: 'S?',
  points: 1,
  options: [
    { id: 'a', text: 'A' },
    { id: 'b', text: 'B' },
  ],
  correct: ['a'],
  explanation: '',
};
const multiple: Question = {
  id: 'm',
  kind: 'multiple',
  prompt: 'M?',
  points: 2,
  options: [
    { id: 'a', text: 'A' },
    { id: 'b', text: 'B' },
    { id: 'c', text: 'C' },
  ],
  correct: ['a', 'b'],
  explanation: '',
};
const truth: Question = { id: 't', kind: 'true-false', prompt: 'T?', points: 1, answer: false, explanation: '' };
const ordering: Question = {
  id: 'o',
  kind: 'ordering',
  prompt: 'O?',
  points: 2,
  options: [
    { id: 'x', text: 'X' },
    { id: 'y', text: 'Y' },
    { id: 'z', text: 'Z' },
  ],
  order: ['z', 'x', 'y'],
  explanation: '',
};
const matching: Question = {
  id: 'p',
  kind: 'matching',
  prompt: 'P?',
  points: 2,
  pairs: [
    { id: 'p1', left: 'L1', right: 'R1' },
    { id: 'p2', left: 'L2', right: 'R2' },
  ],
  explanation: '',
};
const questions = new Map([single, multiple, truth, ordering, matching].map((q) => [q.id, q]));

describe('learning/quiz-grading', () => {
  it("draws questionsPerAttempt distinct questions and shuffles each one's options as a permutation", () => {
    const quiz: Quiz = { questionsPerAttempt: 3, cooldownMinutes: 0, questions: [...questions.values()] };
    for (let round = 0; round < 20; round++) {
      const drawn = drawQuestions(quiz);
      expect(drawn).to.have.length(3);
      expect(new Set(drawn.map((d) => d.questionId)).size).to.equal(3);
      for (const slot of drawn) {
        const question = questions.get(slot.questionId)!;
        if (question.kind === 'matching') {
          expect([...slot.itemOrder].sort()).to.deep.equal(['p1', 'p2']);
          expect([...slot.choiceOrder].sort()).to.deep.equal(['p1', 'p2']);
        } else {
          expect([...slot.itemOrder].sort()).to.deep.equal((question.options ?? []).map((o) => o.id).sort());
        }
      }
    }
  });

  it('puts scenariosPerAttempt of the questions marked scenario into every attempt, in a shuffled place', () => {
    const pool = [...questions.values()].map((question) => ({ ...question, scenario: question.id === 't' || question.id === 'o' }));
    const quiz: Quiz = { questionsPerAttempt: 3, cooldownMinutes: 0, scenariosPerAttempt: 2, questions: pool };
    const places = new Set<number>();
    for (let round = 0; round < 40; round++) {
      const drawn = drawQuestions(quiz).map((slot) => slot.questionId);
      expect(drawn).to.have.length(3);
      expect(new Set(drawn).size).to.equal(3);
      expect(
        drawn.filter((id) => id === 't' || id === 'o'),
        drawn.join(),
      ).to.have.length(2);
      places.add(drawn.indexOf('t'));
    }
    expect(places.size, 'the scenarios are not always first').to.be.greaterThan(1);
  });

  it('gives no partial credit for multiple choice', () => {
    expect(gradeAnswer(multiple, { kind: 'choice', optionIds: ['a', 'b'] })).to.include({ success: true, points: 2, response: 'a[,]b' });
    expect(gradeAnswer(multiple, { kind: 'choice', optionIds: ['a'] })).to.include({ success: false, points: 0 });
    expect(gradeAnswer(multiple, { kind: 'choice', optionIds: ['a', 'b', 'c'] })).to.include({ success: false, points: 0 });
  });

  it('grades single, true-false, ordering and matching, and scores an unanswered question 0', () => {
    expect(gradeAnswer(single, { kind: 'choice', optionIds: ['a'] }).success).to.equal(true);
    expect(gradeAnswer(truth, { kind: 'truth', value: false })).to.include({ success: true, response: 'false' });
    expect(gradeAnswer(truth, { kind: 'truth', value: true }).success).to.equal(false);
    const right = new Map([
      ['z', 1],
      ['x', 2],
      ['y', 3],
    ]);
    expect(gradeAnswer(ordering, { kind: 'sequence', positions: right })).to.include({ success: true, response: 'z[,]x[,]y' });
    expect(
      gradeAnswer(ordering, {
        kind: 'sequence',
        positions: new Map([
          ['z', 1],
          ['x', 1],
          ['y', 3],
        ]),
      }).success,
    ).to.equal(false);
    expect(
      gradeAnswer(ordering, {
        kind: 'sequence',
        positions: new Map([
          ['z', 1],
          ['x', 2],
        ]),
      }).success,
    ).to.equal(false);
    expect(
      gradeAnswer(matching, {
        kind: 'pairs',
        matches: new Map([
          ['p1', 'p1'],
          ['p2', 'p2'],
        ]),
      }),
    ).to.include({ success: true, response: 'p1[.]p1[,]p2[.]p2' });
    expect(
      gradeAnswer(matching, {
        kind: 'pairs',
        matches: new Map([
          ['p1', 'p2'],
          ['p2', 'p1'],
        ]),
      }).success,
    ).to.equal(false);
    expect(gradeAnswer(single, undefined)).to.deep.include({ answered: false, success: false, points: 0, maxPoints: 1, response: '' });
  });

  it('writes choice and matching responses in the course order, whatever order the shuffled form sent', () => {
    expect(gradeAnswer(multiple, { kind: 'choice', optionIds: ['b', 'a'] })).to.include({ success: true, response: 'a[,]b' });
    expect(
      gradeAnswer(matching, {
        kind: 'pairs',
        matches: new Map([
          ['p2', 'p2'],
          ['p1', 'p1'],
        ]),
      }),
    ).to.include({ success: true, response: 'p1[.]p1[,]p2[.]p2' });
  });

  it('decodes positions in the attempt into course ids', () => {
    const drawn: DrawnQuestion[] = [
      { questionId: 'm', itemOrder: ['c', 'a', 'b'], choiceOrder: [] },
      { questionId: 'o', itemOrder: ['y', 'z', 'x'], choiceOrder: [] },
      { questionId: 'p', itemOrder: ['p2', 'p1'], choiceOrder: ['p1', 'p2'] },
      { questionId: 't', itemOrder: [], choiceOrder: [] },
    ];
    const form = decodeQuizForm({ _csrf: 'x', q0: ['o1', 'o2'], q1_0: '3', q1_1: '1', q1_2: '2', q2_0: 'c1', q2_1: 'c0', q3: '' });
    expect(form.problems).to.deep.equal([]);
    const answers = resolveQuizAnswers(form.answers, drawn, questions);
    expect(gradeAnswer(multiple, answers.get('m')).success).to.equal(true);
    expect(gradeAnswer(ordering, answers.get('o')).success).to.equal(true);
    expect(gradeAnswer(matching, answers.get('p')).success).to.equal(true);
    expect(answers.has('t')).to.equal(false);
  });

  it('the quiz form codec: fields the form cannot send are problems; encoding reverses decoding', () => {
    for (const body of [{ q0: 'a' }, { other: '1' }, { q0: ['o0', 'o0'] }, { q0_0: ['1', '2'] }, { q0_0: '1', q0_1: 'c0' }, { q0: { a: 1 } }]) {
      expect(decodeQuizForm(body).problems, JSON.stringify(body)).to.have.length.greaterThan(0);
    }
    const body = { q0: ['o1', 'o2'], q1_0: '3', q2_1: 'c0', q3: 'true' };
    const { answers } = decodeQuizForm(body);
    expect(
      decodeQuizForm(Object.fromEntries(encodeQuizForm(answers).reduce((all, [name, value]) => all.set(name, [...(all.get(name) ?? []), value]), new Map<string, string[]>())))
        .answers,
    ).to.deep.equal(answers);
  });

  it('rejects answers that do not fit the attempt, as a field error on the question', () => {
    const drawn: DrawnQuestion[] = [{ questionId: 's', itemOrder: ['b', 'a'], choiceOrder: [] }];
    for (const body of [{ q0: 'o2' }, { q1: 'o0' }, { q0: ['o0', 'o1'] }, { q0_0: '1' }, { q0: 'true' }]) {
      expect(() => resolveQuizAnswers(decodeQuizForm(body).answers, drawn, questions), JSON.stringify(body)).to.throw(ValidationError);
    }
  });

  it('decodes knowledge-check answers by option id and rejects unknown ones', () => {
    expect(decodeCheckAnswer(single, 'a')).to.deep.equal({ kind: 'choice', optionIds: ['a'] });
    expect(decodeCheckAnswer(single, undefined)).to.equal(undefined);
    expect(decodeCheckAnswer(truth, 'false')).to.deep.equal({ kind: 'truth', value: false });
    expect(() => decodeCheckAnswer(single, 'q')).to.throw(ValidationError);
    expect(() => decodeCheckAnswer(single, ['a', 'b'])).to.throw(ValidationError);
  });

  it('passes at exactly the threshold and fails just below it', () => {
    const graded = (points: number[], max: number) => points.map((p, i) => ({ questionId: String(i), response: '', answered: true, success: p > 0, points: p, maxPoints: max }));
    expect(scoreAttempt(graded([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], 1), 70)).to.include({ raw: 7, max: 10, percent: 70, passed: true });
    expect(scoreAttempt(graded([1, 1, 0], 1), 70)).to.include({ percent: 66, passed: false });
    expect(scoreAttempt([], 70)).to.include({ scaled: 0, passed: false });
  });
});
