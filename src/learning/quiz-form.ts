// The quiz form's field-name codec: questions, options and places by position in the attempt, never course ids.
/**
 * One question's answer as the form sent it, in positions of the attempt's own shuffled order:
 * `options` index DrawnQuestion.itemOrder; `places` map an item position to its place (1-based);
 * `pairs` map a left item position to a right choice position (DrawnQuestion.choiceOrder).
 */
export type QuizFormAnswer =
  { kind: 'options'; options: number[] } | { kind: 'truth'; value: boolean } | { kind: 'places'; places: Map<number, number> } | { kind: 'pairs'; pairs: Map<number, number> };

/** Answers per question position (0-based, as drawn). Questions left blank are absent. */
export type QuizFormAnswers = Map<number, QuizFormAnswer>;

/** A field that does not fit the codec: its name and why (for the log; the page shows one message). */
export interface QuizFormProblem {
  field: string;
  detail: string;
}

/** The field naming which button sent the form: `save` (stay on the form) or `review` (go to the review page). */
export const intentField = 'intent';
export const QUIZ_FORM_INTENTS = ['save', 'review'] as const;
export type QuizFormIntent = (typeof QUIZ_FORM_INTENTS)[number];

/** The field of a radio/checkbox question. */
export const questionField = (question: number): string => `q${question}`;
/** The field of one select of an ordering or matching question. */
export const itemField = (question: number, item: number): string => `q${question}_${item}`;
/** The value of the k-th option as shown. */
export const optionValue = (k: number): string => `o${k}`;
/** The value of the j-th right-hand choice of a matching question. */
export const choiceValue = (j: number): string => `c${j}`;
/** The value of a place in an ordering question (1-based, as the learner reads it). */
export const placeValue = (place: number): string => String(place);
/** The anchor of a question's fieldset on the page (1-based, like its number). */
export const questionAnchor = (question: number): string => `pytanie-${question + 1}`;

const FIELD = /^q(\d{1,3})(?:_(\d{1,3}))?$/;

/** The question position a field name belongs to, or undefined when it is not a quiz field. */
export function questionOfField(name: string): number | undefined {
  const match = FIELD.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** A field's values as sent (repeated names become arrays), or undefined when it is not text at all. */
function tokens(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  if (!list.every((v): v is string => typeof v === 'string')) return undefined;
  return list.filter((v) => v !== '');
}

/**
 * Reads the quiz form into answers by position. Purely the form's syntax: whether a position exists in
 * the attempt, and suits its question, is for the quiz service. `_csrf` and the button's `intent` are skipped; any other field or
 * token that does not fit is a problem, and the rest is still read (so a refused form keeps the choices).
 */
export function decodeQuizForm(body: unknown): { answers: QuizFormAnswers; problems: QuizFormProblem[] } {
  const answers: QuizFormAnswers = new Map();
  const problems: QuizFormProblem[] = [];
  const problem = (field: string, detail: string) => problems.push({ field, detail });
  const fields = body && typeof body === 'object' ? Object.entries(body as Record<string, unknown>) : [];
  for (const [name, value] of fields) {
    if (name === '_csrf' || name === intentField) continue;
    const match = FIELD.exec(name);
    if (!match) {
      problem(name, 'unknown field');
      continue;
    }
    const question = Number(match[1]);
    const chosen = tokens(value);
    if (!chosen) {
      problem(name, 'not text');
      continue;
    }
    const existing = answers.get(question);
    if (match[2] === undefined) {
      if (existing) {
        problem(name, 'question sent twice');
        continue;
      }
      if (!chosen.length) continue;
      if (chosen.every((t) => t === 'true' || t === 'false')) {
        if (chosen.length > 1) problem(name, 'several true/false answers');
        else answers.set(question, { kind: 'truth', value: chosen[0] === 'true' });
        continue;
      }
      const options = chosen.map((t) => /^o(\d{1,3})$/.exec(t)).map((m) => (m ? Number(m[1]) : undefined));
      if (options.some((o) => o === undefined)) problem(name, 'unknown option');
      else if (new Set(options).size !== options.length) problem(name, 'repeated option');
      else answers.set(question, { kind: 'options', options: options as number[] });
      continue;
    }
    const item = Number(match[2]);
    if (chosen.length > 1) {
      problem(name, 'several answers for one item');
      continue;
    }
    if (!chosen.length) continue;
    const pair = /^c(\d{1,3})$/.exec(chosen[0]);
    const place = /^\d{1,3}$/.test(chosen[0]) ? Number(chosen[0]) : undefined;
    if (!pair && place === undefined) {
      problem(name, 'unknown answer');
      continue;
    }
    const kind = pair ? 'pairs' : 'places';
    if (existing && existing.kind !== kind) {
      problem(name, 'items of different kinds');
      continue;
    }
    if (existing?.kind === 'pairs') existing.pairs.set(item, Number(pair![1]));
    else if (existing?.kind === 'places') existing.places.set(item, place!);
    else answers.set(question, pair ? { kind: 'pairs', pairs: new Map([[item, Number(pair[1])]]) } : { kind: 'places', places: new Map([[item, place!]]) });
  }
  return { answers, problems };
}

/** The form fields that would send `answers` (the reverse of decodeQuizForm; tests fill forms with it). */
export function encodeQuizForm(answers: QuizFormAnswers): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const [question, answer] of answers) {
    switch (answer.kind) {
      case 'options':
        for (const k of answer.options) fields.push([questionField(question), optionValue(k)]);
        break;
      case 'truth':
        fields.push([questionField(question), String(answer.value)]);
        break;
      case 'places':
        for (const [item, place] of answer.places) fields.push([itemField(question, item), placeValue(place)]);
        break;
      case 'pairs':
        for (const [item, j] of answer.pairs) fields.push([itemField(question, item), choiceValue(j)]);
        break;
    }
  }
  return fields;
}

/** Whether the learner's answer to `question` chose the option/place/choice the page shows (to keep a refused form). */
export function isChosen(
  answers: QuizFormAnswers | undefined,
  question: number,
  control: { option?: number; truth?: boolean; item?: number; place?: number; choice?: number },
): boolean {
  const answer = answers?.get(question);
  if (!answer) return false;
  switch (answer.kind) {
    case 'options':
      return control.option !== undefined && answer.options.includes(control.option);
    case 'truth':
      return control.truth === answer.value;
    case 'places':
      return control.item !== undefined && answer.places.get(control.item) === control.place;
    case 'pairs':
      return control.item !== undefined && answer.pairs.get(control.item) === control.choice;
  }
}
