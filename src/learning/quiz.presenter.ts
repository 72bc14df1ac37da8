// Turns quiz attempts into view models: the overview, the form (no answers in it) and the graded result.
import type { Course, Question } from '../courses/course.types.js';
import { describeCompletionRule } from '../courses/completion-rule.js';
import { courseUrl, missingStepsView, quizUrl, type MissingLesson } from './learning.presenter.js';
import type { QuizAttemptDoc } from './quiz-attempt.model.js';
import { choiceValue, isChosen, itemField, optionValue, placeValue, questionAnchor, questionField, type QuizFormAnswers } from './quiz-form.js';
import type { QuizGrantContact } from './quiz-grant.service.js';
import { drawnQuestionsOf, savedAnswersOf, type QuizStanding } from './quiz.service.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

function percentOf(scaled: number | null | undefined): number {
  return Math.floor((scaled ?? 0) * 100 + 1e-9);
}

function attemptUrl(courseId: string, attemptId: unknown): string {
  return `${quizUrl(courseId)}/${String(attemptId)}`;
}

/** Why a new attempt cannot start, in the page's language. */
export function blockMessage(standing: QuizStanding, t: Translate): string | undefined {
  const block = standing.block;
  if (!block || block.reason === 'passed') return undefined;
  if (block.reason === 'incomplete') return t('learning:quiz.blockedIncomplete');
  if (block.reason === 'max_attempts') return t('learning:quiz.blockedMaxAttempts', { used: block.used, max: block.max });
  return t('learning:quiz.blockedCooldown', { time: block.time, minutes: block.minutesLeft, cooldown: block.cooldownMinutes });
}

/**
 * The submitted attempts of the current round, and those of rounds before a renewal. A round ends with a pass;
 * while that pass stands it is the current round (so "used" counts the attempts that led to it), and once it has
 * expired a new round starts after it — the same attempts quizStanding's `counted` holds then.
 */
function attemptRounds(standing: QuizStanding): { current: QuizAttemptDoc[]; earlier: QuizAttemptDoc[] } {
  const passes = standing.submitted.filter((a) => a.passed);
  const lastPass = passes.at(-1);
  const after = !lastPass ? 0 : standing.passed ? (passes.at(-2)?.number ?? 0) : lastPass.number;
  return { current: standing.submitted.filter((a) => a.number > after), earlier: standing.submitted.filter((a) => a.number <= after) };
}

/**
 * The quiz's start page: rules, attempts so far, and whether a new attempt may start. `contacts` are the office's
 * HR people, shown when every attempt is used (they can grant another).
 */
export function quizOverview(course: Course, standing: QuizStanding, t: Translate, contacts: QuizGrantContact[] = [], missingLessons: MissingLesson[] = []) {
  const { quiz } = course;
  const rounds = attemptRounds(standing);
  const attemptRow = (a: QuizAttemptDoc) => ({
    number: a.number,
    percent: percentOf(a.scoreScaled),
    passed: Boolean(a.passed),
    submittedAt: a.submittedAt,
    url: `${attemptUrl(course.id, a._id)}/wynik`,
  });
  const outOfAttempts = standing.block?.reason === 'max_attempts';
  return {
    // language: course content keeps its own language on an English page (lang attribute, WCAG 3.1.2).
    course: { id: course.id, title: course.title, url: courseUrl(course.id), language: course.language },
    questionsPerAttempt: Math.min(quiz.questionsPerAttempt, quiz.questions.length),
    passThreshold: course.passThreshold,
    maxAttempts: quiz.maxAttempts,
    cooldownMinutes: quiz.cooldownMinutes,
    // The attempts of the current round, the same rows as the table below it.
    attemptsUsed: rounds.current.length,
    renewalDue: standing.renewalDue,
    attempts: rounds.current.map(attemptRow),
    earlierAttempts: rounds.earlier.map(attemptRow),
    outOfAttempts,
    contacts: outOfAttempts ? contacts : [],
    open: standing.open ? { url: attemptUrl(course.id, standing.open._id), number: standing.open.number } : undefined,
    passed: standing.passed,
    canStart: !standing.block && !standing.open,
    // HR's exceptions, with their reason: the learner sees why the limit or the break does not apply.
    grants: standing.grants.map((grant) => ({
      message: t(grant.kind === 'extra_attempt' ? 'learning:quiz.grantedExtraAttempt' : 'learning:quiz.grantedCooldownLift', { reason: grant.reason }),
      used: grant.usedForAttempt ? t('learning:quiz.grantUsed', { number: grant.usedForAttempt }) : undefined,
    })),
    blockedReason: blockMessage(standing, t),
    rule: describeCompletionRule(course, t),
    // What the completion rule still asks for, with how long each lesson still needs.
    missing: standing.block?.reason === 'incomplete' ? missingStepsView(course, { lessons: missingLessons, checks: standing.missing.checks }, t) : undefined,
    startUrl: quizUrl(course.id),
  };
}

function questionMap(course: Course): Map<string, Question> {
  return new Map(course.quiz.questions.map((q) => [q.id, q]));
}

/** One question of the form: radios/checkboxes (`choice`) or one select per item (`selects`). */
export interface QuizFormQuestion {
  number: number;
  /** The fieldset's id, which the error summary links to. */
  anchor: string;
  /** The question's message when a refused form comes back. */
  error?: string;
  name: string;
  prompt: string;
  points: number;
  kind: Question['kind'];
  hint?: string;
  choice?: boolean;
  inputType?: 'radio' | 'checkbox';
  /** `language` is set on options that are course content (not on the interface's "true"/"false"). */
  choices?: { value: string; inputId: string; text: string; language?: string; checked: boolean }[];
  selects?: boolean;
  rows?: { name: string; inputId: string; label: string; options: { value: string; text: string; selected: boolean }[] }[];
}

/**
 * The attempt's form. Names and values come from the codec (quiz-form.ts): positions in the attempt's own
 * shuffled order, never course ids, and nothing about the right answers reaches the page. The form shows the
 * answers saved in the attempt; `refused` is a form sent back instead: what it had chosen, shown again, and the
 * translated message per question field.
 */
export function quizForm(course: Course, attempt: QuizAttemptDoc, t: Translate, refused?: { answers: QuizFormAnswers; errors: Record<string, string> }) {
  const answers = refused?.answers ?? savedAnswersOf(attempt);
  const questions = questionMap(course);
  const drawn = drawnQuestionsOf(attempt);
  const items = drawn.flatMap((slot, index): QuizFormQuestion[] => {
    const question = questions.get(slot.questionId);
    if (!question) return [];
    const name = questionField(index);
    const base: QuizFormQuestion = {
      number: index + 1,
      anchor: questionAnchor(index),
      name,
      prompt: question.prompt,
      points: question.points,
      kind: question.kind,
      error: refused?.errors[name],
    };
    const optionText = new Map((question.options ?? []).map((o) => [o.id, o.text]));
    switch (question.kind) {
      case 'single':
      case 'multiple':
        return [
          {
            ...base,
            choice: true,
            inputType: question.kind === 'multiple' ? 'checkbox' : 'radio',
            hint: question.kind === 'multiple' ? t('learning:quiz.multipleHint') : undefined,
            choices: slot.itemOrder.map((id, k) => ({
              value: optionValue(k),
              inputId: `${name}-${optionValue(k)}`,
              text: optionText.get(id) ?? '',
              language: course.language,
              checked: isChosen(answers, index, { option: k }),
            })),
          },
        ];
      case 'true-false':
        return [
          {
            ...base,
            choice: true,
            inputType: 'radio',
            choices: [
              { value: 'true', inputId: `${name}-true`, text: t('learning:check.true'), checked: isChosen(answers, index, { truth: true }) },
              { value: 'false', inputId: `${name}-false`, text: t('learning:check.false'), checked: isChosen(answers, index, { truth: false }) },
            ],
          },
        ];
      case 'ordering':
        return [
          {
            ...base,
            selects: true,
            hint: t('learning:quiz.orderingHint'),
            rows: slot.itemOrder.map((id, k) => ({
              name: itemField(index, k),
              inputId: `${name}-${k}`,
              label: optionText.get(id) ?? '',
              options: slot.itemOrder.map((_, position) => ({
                value: placeValue(position + 1),
                text: String(position + 1),
                selected: isChosen(answers, index, { item: k, place: position + 1 }),
              })),
            })),
          },
        ];
      case 'matching': {
        const pairs = new Map((question.pairs ?? []).map((p) => [p.id, p]));
        return [
          {
            ...base,
            selects: true,
            hint: t('learning:quiz.matchingHint'),
            rows: slot.itemOrder.map((id, k) => ({
              name: itemField(index, k),
              inputId: `${name}-${k}`,
              label: pairs.get(id)?.left ?? '',
              options: slot.choiceOrder.map((rightId, j) => ({
                value: choiceValue(j),
                text: pairs.get(rightId)?.right ?? '',
                selected: isChosen(answers, index, { item: k, choice: j }),
              })),
            })),
          },
        ];
      }
    }
  });
  return {
    // language: course content keeps its own language on an English page (lang attribute, WCAG 3.1.2).
    course: { id: course.id, title: course.title, url: courseUrl(course.id), language: course.language },
    number: attempt.number,
    action: attemptUrl(course.id, attempt._id),
    reviewUrl: `${attemptUrl(course.id, attempt._id)}/podsumowanie`,
    quizUrl: quizUrl(course.id),
    questions: items,
    total: items.length,
  };
}

/**
 * The review page before sending: every question of the attempt, answered (saved) or not, each unanswered one
 * linking back to its place in the form, and how many score 0 if sent now.
 */
export function quizReview(course: Course, attempt: QuizAttemptDoc) {
  const questions = questionMap(course);
  const saved = savedAnswersOf(attempt);
  const formUrl = attemptUrl(course.id, attempt._id);
  const items = drawnQuestionsOf(attempt).flatMap((slot, index) => {
    const question = questions.get(slot.questionId);
    if (!question) return [];
    return [{ number: index + 1, prompt: question.prompt, answered: saved.has(index), url: `${formUrl}#${questionAnchor(index)}` }];
  });
  const unanswered = items.filter((item) => !item.answered).length;
  return {
    // language: course content keeps its own language on an English page (lang attribute, WCAG 3.1.2).
    course: { id: course.id, title: course.title, url: courseUrl(course.id), language: course.language },
    number: attempt.number,
    questions: items,
    total: items.length,
    unanswered,
    answered: items.length - unanswered,
    nothingAnswered: unanswered === items.length,
    formUrl,
    submitAction: `${formUrl}/podsumowanie`,
    quizUrl: quizUrl(course.id),
  };
}

/** The learner's answer in words, from the stored xAPI response. */
function answerText(question: Question, response: string, t: Translate): string {
  if (!response) return t('learning:result.unanswered');
  const options = new Map((question.options ?? []).map((o) => [o.id, o.text]));
  const parts = response.split('[,]');
  switch (question.kind) {
    case 'true-false':
      return response === 'true' ? t('learning:check.true') : t('learning:check.false');
    case 'single':
    case 'multiple':
      return parts.map((id) => options.get(id) ?? id).join('; ');
    case 'ordering':
      return parts.map((id, index) => `${index + 1}. ${options.get(id) ?? id}`).join('; ');
    case 'matching': {
      const pairs = new Map((question.pairs ?? []).map((p) => [p.id, p]));
      return parts
        .map((part) => {
          const [left, right] = part.split('[.]');
          return `${pairs.get(left)?.left ?? left} → ${pairs.get(right)?.right ?? right}`;
        })
        .join('; ');
    }
  }
}

/** The graded attempt: score against the threshold, and per question the answer, verdict, explanation and legal reference. */
export function quizResult(course: Course, attempt: QuizAttemptDoc, t: Translate) {
  const questions = questionMap(course);
  return {
    // language: course content keeps its own language on an English page (lang attribute, WCAG 3.1.2).
    course: { id: course.id, title: course.title, url: courseUrl(course.id), language: course.language },
    number: attempt.number,
    passed: Boolean(attempt.passed),
    percent: percentOf(attempt.scoreScaled),
    raw: attempt.scoreRaw ?? 0,
    max: attempt.scoreMax ?? 0,
    passThreshold: course.passThreshold,
    quizUrl: quizUrl(course.id),
    questions: (attempt.results ?? []).flatMap((result, index) => {
      const question = questions.get(result.questionId);
      if (!question) return [];
      return [
        {
          number: index + 1,
          prompt: question.prompt,
          answer: answerText(question, result.response ?? '', t),
          // Chosen options are course content; "true"/"false" and "no answer" are interface words.
          answerLanguage: result.response && question.kind !== 'true-false' ? course.language : undefined,
          answered: result.answered,
          success: result.success,
          points: result.points,
          maxPoints: result.maxPoints,
          explanation: question.explanation,
          legalReference: question.legalReference,
        },
      ];
    }),
  };
}
