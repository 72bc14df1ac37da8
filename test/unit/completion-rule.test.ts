import { expect } from 'chai';
import { completionRuleOf, describeCompletionRule, missingSteps, ruleMet, stepsDone } from '../../src/courses/completion-rule.js';
import type { Course, Lesson } from '../../src/courses/course.types.js';
import { translatorFor } from '../../src/http/i18n.js';

function lesson(id: string, durationMinutes: number, extra: Partial<Lesson> = {}): Lesson {
  return { id, title: id, order: 1, durationMinutes, html: '', checks: [], sourceFile: `${id}.md`, ...extra };
}

const check = { id: 'k1', kind: 'true-false' as const, prompt: 'P?', points: 1, answer: true, explanation: 'E.' };
const base = {
  id: 'kurs',
  passThreshold: 80,
  lessons: [lesson('a', 10), lesson('b', 5, { checks: [check] }), lesson('c', 20), lesson('d', 8), lesson('e', 6), lesson('f', 4)],
} as unknown as Course;
const pl = translatorFor('common', 'pl');
const en = translatorFor('common', 'en');

describe('courses/completion-rule', () => {
  it('defaults to every lesson, half its reading time, no check', () => {
    const rule = completionRuleOf(base);
    expect(rule.lessons.map((required) => [required.lesson.id, required.minimumMinutes])).to.deep.equal([
      ['a', 5],
      ['b', 2.5],
      ['c', 10],
      ['d', 4],
      ['e', 3],
      ['f', 2],
    ]);
    expect(rule.checks).to.deep.equal([]);
    expect(describeCompletionRule(base, pl)).to.equal('Ukończenie 6 z 6 lekcji (min. 50 % czasu czytania każdej) i zaliczenie testu końcowego (min. 80 %)');
    expect(describeCompletionRule(base, en)).to.equal("Completing 6 of 6 lessons (at least 50% of each one's reading time) and passing the final test (at least 80%)");
  });

  it('takes the listed lessons and checks, a lesson’s own floor, and states them', () => {
    const course = {
      ...base,
      completion: { lessons: ['a', 'b', 'c'], minimumReadingShare: 0.25, checks: 'all' },
      lessons: base.lessons.map((l) => (l.id === 'c' ? { ...l, minimumMinutes: 1 } : l)),
    } as Course;
    const rule = completionRuleOf(course);
    expect(rule.lessons.map((required) => required.minimumMinutes)).to.deep.equal([2.5, 1.25, 1]);
    expect(rule.checks.map((c) => c.checkId)).to.deep.equal(['k1']);
    expect(describeCompletionRule(course, pl)).to.equal(
      'Ukończenie 3 z 6 lekcji (min. czas czytania ustalony dla każdej), odpowiedź na 1 pytanie sprawdzające i zaliczenie testu końcowego (min. 80 %)',
    );
    const missing = missingSteps(rule, { lessonsCompleted: ['a', 'c', 'f'], checksAnswered: [] });
    expect(missing.lessons.map((required) => required.lesson.id)).to.deep.equal(['b']);
    expect(ruleMet(missing)).to.equal(false);
    expect(ruleMet(missingSteps(rule, { lessonsCompleted: ['a', 'b', 'c'], checksAnswered: ['k1'] }))).to.equal(true);
    expect(stepsDone(rule, { lessonsCompleted: ['a', 'c', 'f'], checksAnswered: ['k1'] }, false)).to.deep.equal({ done: 3, total: 5 });
  });

  it('says nothing of a floor when there is none', () => {
    const course = { ...base, completion: { minimumReadingShare: 0 } } as Course;
    expect(describeCompletionRule(course, pl)).to.equal('Ukończenie 6 z 6 lekcji i zaliczenie testu końcowego (min. 80 %)');
  });
});
