// Reads a rendered quiz attempt the way a test needs it: each drawn question with its form controls.
import type { Course, Question } from '../../src/courses/course.types.js';
import { expect } from 'chai';
import { questionOfField, type QuizFormAnswers } from '../../src/learning/quiz-form.js';
import { csrfTokenFrom, type loginAgent } from './factories.js';

export function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface QuizFormQuestion {
  /** The course's question, found by its prompt (the page carries positions, never answers). */
  question: Question;
  /** Radio buttons and checkboxes: field name, submitted value, visible label. */
  inputs: { name: string; value: string; text: string }[];
  /** Selects (ordering, matching): label, field name and options. */
  selects: { label: string; name: string; options: { value: string; text: string }[] }[];
  /** The course's option id for an option's visible text. */
  idOfText: (text: string) => string;
}

/** Splits the quiz page into its questions, in the order shown, with their controls. */
export function readQuizForm(html: string, course: Course): QuizFormQuestion[] {
  return html
    .split('<fieldset class="quiz-question')
    .slice(1)
    .map((chunk) => {
      const prompt = unescapeHtml(/<span class="quiz-question__prompt"[^>]*>([^<]*)<\/span>/.exec(chunk)![1]);
      const question = course.quiz.questions.find((q) => q.prompt === prompt);
      if (!question) throw new Error(`The quiz page shows a question that is not in the course: ${prompt}`);
      // Field names are the codec's (src/learning/quiz-form.ts): only its names count as quiz controls.
      const inputs = [...chunk.matchAll(/<input type="(?:radio|checkbox)" name="([^"]+)" id="[^"]+" value="([^"]+)"[^>]*>\s*<label for="[^"]+"[^>]*>([^<]*)<\/label>/g)]
        .filter((m) => questionOfField(m[1]) !== undefined)
        .map((m) => ({ name: m[1], value: m[2], text: unescapeHtml(m[3]) }));
      const selects = [...chunk.matchAll(/<label for="[^"]+"[^>]*>([^<]*)<\/label>\s*<select name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)].map((m) => ({
        label: unescapeHtml(m[1]),
        name: m[2],
        options: [...m[3].matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((o) => ({ value: o[1], text: unescapeHtml(o[2]) })),
      }));
      return { question, inputs, selects, idOfText: (text: string) => question.options!.find((o) => o.text === text)!.id };
    });
}

/**
 * A valid but wrong answer to the attempt's question at `index` (whatever its kind), by position: enough for an
 * attempt to be graded, and never right (a wrong option or truth; ordering and matching with one item only).
 */
export function oneAnswerFor(attempt: { questions: { questionId: string; itemOrder: string }[] }, course: Course, index = 0): QuizFormAnswers {
  const slot = attempt.questions[index];
  const question = course.quiz.questions.find((q) => q.id === slot.questionId)!;
  switch (question.kind) {
    case 'true-false':
      return new Map([[index, { kind: 'truth', value: !question.answer }]]);
    case 'single':
    case 'multiple': {
      const shown = JSON.parse(slot.itemOrder) as string[];
      return new Map([[index, { kind: 'options', options: [shown.findIndex((id) => !question.correct!.includes(id))] }]]);
    }
    case 'ordering':
      return new Map([[index, { kind: 'places', places: new Map([[0, 1]]) }]]);
    case 'matching':
      return new Map([[index, { kind: 'pairs', pairs: new Map([[0, 0]]) }]]);
  }
}

type Agent = Awaited<ReturnType<typeof loginAgent>>;

/**
 * Sends a quiz the way the page does: the form's main button saves `form` and goes to the review page, whose
 * "Zakończ i wyślij" grades what was saved. Returns the response of that last POST (303 to the result when graded).
 */
export async function sendQuiz(agent: Agent, attemptUrl: string, form: URLSearchParams | string) {
  const saved = await agent.post(attemptUrl).type('form').send(form.toString()).expect(303);
  expect(saved.headers.location).to.equal(`${attemptUrl}/podsumowanie`);
  const review = await agent.get(saved.headers.location).expect(200);
  return agent
    .post(saved.headers.location)
    .type('form')
    .send({ _csrf: csrfTokenFrom(review.text) });
}
