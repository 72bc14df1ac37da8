// Drawing quiz questions and grading answers: pure functions, no database, no request.
import { randomInt } from 'node:crypto';
import type { Question, Quiz } from '../courses/course.types.js';
import { ValidationError } from '../http/errors.js';
import { questionField, type QuizFormAnswers } from './quiz-form.js';

/** What one drawn question looks like in an attempt (orders as shown to the learner). */
export interface DrawnQuestion {
  questionId: string;
  /** single/multiple/ordering: option ids as shown; matching: left pair ids as shown. */
  itemOrder: string[];
  /** matching: right pair ids as offered in every select. */
  choiceOrder: string[];
}

/** A learner's answer to one question, decoded from the form into course ids. */
export type Answer =
  | { kind: 'choice'; optionIds: string[] }
  | { kind: 'truth'; value: boolean }
  | { kind: 'sequence'; positions: Map<string, number> }
  | { kind: 'pairs'; matches: Map<string, string> };

export interface GradedQuestion {
  questionId: string;
  /** xAPI result.response: choice/sequencing "a[,]b", true-false "true", matching "l[.]r[,]…". */
  response: string;
  answered: boolean;
  success: boolean;
  points: number;
  maxPoints: number;
}

/** Fisher–Yates with a cryptographic source: draws must not be predictable from earlier ones. */
export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/**
 * Draws `questionsPerAttempt` questions of the pool at random and shuffles their options. With `scenariosPerAttempt`,
 * that many come from the questions marked `scenario` (tasks, not recall: issue 18), the rest from the whole remaining
 * pool, and the attempt's order is shuffled again so the scenarios are not all first.
 */
export function drawQuestions(quiz: Quiz): DrawnQuestion[] {
  const count = Math.min(quiz.questionsPerAttempt, quiz.questions.length);
  const scenarios = shuffled(quiz.questions.filter((question) => question.scenario)).slice(0, Math.min(quiz.scenariosPerAttempt ?? 0, count));
  const rest = shuffled(quiz.questions.filter((question) => !scenarios.includes(question))).slice(0, count - scenarios.length);
  return shuffled([...scenarios, ...rest]).map((question) => {
    if (question.kind === 'matching') {
      const pairIds = (question.pairs ?? []).map((pair) => pair.id);
      return { questionId: question.id, itemOrder: shuffled(pairIds), choiceOrder: shuffled(pairIds) };
    }
    const optionIds = (question.options ?? []).map((option) => option.id);
    return { questionId: question.id, itemOrder: question.kind === 'true-false' ? [] : shuffled(optionIds), choiceOrder: [] };
  });
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/** Grades one answer: full points when entirely right, none otherwise (no partial credit). */
export function gradeAnswer(question: Question, answer: Answer | undefined): GradedQuestion {
  const base = { questionId: question.id, maxPoints: question.points };
  if (!answer) return { ...base, response: '', answered: false, success: false, points: 0 };
  let success = false;
  let response = '';
  switch (answer.kind) {
    case 'choice': {
      // Canonical order (as defined in the course): the order of a choice list is not significant in xAPI, and
      // consumers comparing strings with correctResponsesPattern then see a right answer as equal.
      const rank = (id: string) => (question.options ?? []).findIndex((option) => option.id === id);
      response = [...answer.optionIds].sort((a, b) => rank(a) - rank(b)).join('[,]');
      const correct = question.correct ?? [];
      success = question.kind === 'single' ? answer.optionIds.length === 1 && answer.optionIds[0] === correct[0] : sameSet(answer.optionIds, correct);
      break;
    }
    case 'truth':
      response = String(answer.value);
      success = answer.value === question.answer;
      break;
    case 'sequence': {
      const order = [...answer.positions.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
      response = order.join('[,]');
      const expected = question.order ?? [];
      const positions = new Set(answer.positions.values());
      success = positions.size === expected.length && answer.positions.size === expected.length && order.every((id, index) => id === expected[index]);
      break;
    }
    case 'pairs': {
      const pairs = question.pairs ?? [];
      const rank = (id: string) => pairs.findIndex((pair) => pair.id === id);
      response = [...answer.matches.entries()]
        .sort((a, b) => rank(a[0]) - rank(b[0]))
        .map(([left, right]) => `${left}[.]${right}`)
        .join('[,]');
      success = answer.matches.size === pairs.length && pairs.every((pair) => answer.matches.get(pair.id) === pair.id);
      break;
    }
  }
  return { ...base, response, answered: true, success, points: success ? question.points : 0 };
}

type FormValue = string | string[] | undefined;

function values(value: FormValue): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v) => v !== '');
}

/** An answer that does not fit the attempt (only a hand-made form sends one): the quiz form again, that question marked. */
function tampered(question: number): ValidationError {
  return new ValidationError({ [questionField(question)]: ['learning:quiz.invalidAnswers'] });
}

/**
 * Turns the form's answers (positions, see quiz-form.ts) into answers per question id against the attempt's
 * draw: options and choices by their shuffled order, places within the item count. An answer that does not
 * fit its question — a position outside the attempt, the wrong kind, two options for a single choice — is refused.
 */
export function resolveQuizAnswers(formAnswers: QuizFormAnswers, drawn: DrawnQuestion[], questions: Map<string, Question>): Map<string, Answer> {
  const answers = new Map<string, Answer>();
  for (const [index, given] of formAnswers) {
    const slot = drawn[index];
    if (!slot) throw tampered(index);
    const question = questions.get(slot.questionId);
    if (!question) throw tampered(index);
    switch (question.kind) {
      case 'true-false':
        if (given.kind !== 'truth') throw tampered(index);
        answers.set(question.id, { kind: 'truth', value: given.value });
        break;
      case 'single':
      case 'multiple': {
        if (given.kind !== 'options' || (question.kind === 'single' && given.options.length > 1)) throw tampered(index);
        const optionIds = given.options.map((k) => slot.itemOrder[k]);
        if (optionIds.some((id) => id === undefined)) throw tampered(index);
        answers.set(question.id, { kind: 'choice', optionIds });
        break;
      }
      case 'ordering': {
        if (given.kind !== 'places') throw tampered(index);
        const positions = new Map<string, number>();
        for (const [item, place] of given.places) {
          const itemId = slot.itemOrder[item];
          if (itemId === undefined || place < 1 || place > slot.itemOrder.length) throw tampered(index);
          positions.set(itemId, place);
        }
        answers.set(question.id, { kind: 'sequence', positions });
        break;
      }
      case 'matching': {
        if (given.kind !== 'pairs') throw tampered(index);
        const matches = new Map<string, string>();
        for (const [item, choice] of given.pairs) {
          const leftId = slot.itemOrder[item];
          const rightId = slot.choiceOrder[choice];
          if (leftId === undefined || rightId === undefined) throw tampered(index);
          matches.set(leftId, rightId);
        }
        answers.set(question.id, { kind: 'pairs', matches });
        break;
      }
    }
  }
  return answers;
}

/**
 * Decodes a knowledge-check form (option ids or true/false in `answer`); undefined when nothing was chosen.
 * Anything else is a field error (a locale key), so the lesson comes back with the check marked.
 */
export function decodeCheckAnswer(question: Question, value: FormValue): Answer | undefined {
  const chosen = values(value);
  if (!chosen.length) return undefined;
  const invalid = () => new ValidationError({ answer: ['learning:check.invalidAnswer'] });
  if (question.kind === 'true-false') {
    if (chosen.length > 1 || (chosen[0] !== 'true' && chosen[0] !== 'false')) throw invalid();
    return { kind: 'truth', value: chosen[0] === 'true' };
  }
  const known = new Set((question.options ?? []).map((option) => option.id));
  if (chosen.some((id) => !known.has(id)) || new Set(chosen).size !== chosen.length || (question.kind === 'single' && chosen.length > 1)) {
    throw invalid();
  }
  return { kind: 'choice', optionIds: chosen };
}

export interface QuizScore {
  raw: number;
  max: number;
  min: number;
  /** raw / max, 0–1 */
  scaled: number;
  /** Whole percent, rounded down so that a pass is never rounded into existence. */
  percent: number;
  passed: boolean;
}

/** Sums the graded questions and compares with the course's pass threshold (percent of points). */
export function scoreAttempt(graded: GradedQuestion[], passThreshold: number): QuizScore {
  const raw = graded.reduce((sum, g) => sum + g.points, 0);
  const max = graded.reduce((sum, g) => sum + g.maxPoints, 0);
  const scaled = max > 0 ? raw / max : 0;
  return { raw, max, min: 0, scaled, percent: Math.floor(scaled * 100 + 1e-9), passed: scaled * 100 + 1e-9 >= passThreshold };
}
