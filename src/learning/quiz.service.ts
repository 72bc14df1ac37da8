// The final quiz: attempts (limit and cool-down), the random draw, grading on the server, and what a pass sets off.
import semver from 'semver';
import { formatTime, renewalDue } from '../calendar/calendar.js';
import type { Course, Question } from '../courses/course.types.js';
import { claimOnce, releaseClaim } from '../db/claims.js';
import { BadRequestError, ConflictError, NotFoundError } from '../http/errors.js';
import type { PlatformEvents } from '../events/platform-events.js';
import type { LearningRecorder } from '../xapi/learning-recorder.js';
import { courseCompleted, questionAnswered, quizScored, type LearningContext } from '../xapi/learning-statements.js';
import { completionRuleOf, missingSteps, ruleMet, type MissingSteps } from '../courses/completion-rule.js';
import { coursePassedEvent } from './course-passed.js';
import { progressOf, requireEnrolment } from './enrolment.service.js';
import type { EnrolmentDoc } from './enrolment.model.js';
import type { Learner } from './learner.js';
import { assertOwnEnrolment } from './learning.policy.js';
import { QuizAttempt, type QuizAttemptDoc } from './quiz-attempt.model.js';
import { QuizAttemptGrant, type QuizAttemptGrantDoc } from './quiz-attempt-grant.model.js';
import { decodeQuizForm, encodeQuizForm, type QuizFormAnswers } from './quiz-form.js';
import { drawQuestions, gradeAnswer, resolveQuizAnswers, scoreAttempt, type DrawnQuestion } from './quiz-grading.js';
import { isDuplicateKeyError } from '../db/database-errors.js';
import mongoose from 'mongoose';
import { attemptKey, grantKey, insertKey, keyedItems, type NextItem } from './enrolment-keys.js';

/** Why a new attempt cannot start now. */
export type QuizBlock =
  | { reason: 'passed' }
  | { reason: 'incomplete'; missing: MissingSteps }
  | { reason: 'max_attempts'; used: number; max: number }
  | { reason: 'cooldown'; availableAt: Date; time: string; minutesLeft: number; cooldownMinutes: number };

export interface QuizStanding {
  enrolment: EnrolmentDoc;
  /** Submitted attempts, oldest first. */
  submitted: QuizAttemptDoc[];
  /** An attempt started and not yet submitted: starting again resumes it. */
  open?: QuizAttemptDoc;
  /** Submitted attempts that count towards maxAttempts (those since an expired pass, or all). */
  counted: number;
  /** A pass stands (and, for courses with validityMonths, has not expired). */
  passed: boolean;
  /** The course's pass has expired (validityMonths) or HR set a new due date after it: the learner may take the quiz again to renew it. */
  renewalDue: boolean;
  block?: QuizBlock;
  /** HR's grants for this enrolment (extra attempts, lifted cool-downs), oldest first, used or not. */
  grants: QuizAttemptGrantDoc[];
  /** When the cool-down after the last failed attempt ends, while it runs (lifted or not). */
  cooldownEndsAt?: Date;
  /** The unused grants the next start uses up (an extra attempt beyond the limit, a lifted cool-down). */
  usesGrants: QuizAttemptGrantDoc[];
  /** The block in Polish, for the ConflictError a start meets (pages translate `block` themselves). */
  blockedReason?: string;
  /** What the course's completion rule still asks for before the test may start (nothing once met). */
  missing: MissingSteps;
  /** The number the next attempt gets, and its id when a start that died left its key (the next start uses it). */
  nextAttempt: NextItem;
  /** The same for HR's next grant. */
  nextGrant: NextItem;
}

/** The drawn questions of an attempt, decoded from their stored JSON. */
export function drawnQuestionsOf(attempt: QuizAttemptDoc): DrawnQuestion[] {
  return attempt.questions.map((q) => ({
    questionId: q.questionId,
    itemOrder: JSON.parse(q.itemOrder) as string[],
    choiceOrder: JSON.parse(q.choiceOrder) as string[],
  }));
}

function describeBlock(block: QuizBlock): string {
  switch (block.reason) {
    case 'passed':
      return 'Test został już zaliczony.';
    case 'incomplete':
      return `Test końcowy można rozpocząć po ukończeniu lekcji: ${block.missing.lessons.map((required) => required.lesson.title).join(', ') || '–'}${block.missing.checks.length ? ` i odpowiedzi na pytania sprawdzające (${block.missing.checks.length})` : ''}.`;
    case 'max_attempts':
      return `Wykorzystano wszystkie podejścia do testu (${block.used} z ${block.max}). Skontaktuj się z działem kadr, jeśli potrzebujesz kolejnego.`;
    case 'cooldown':
      return `Kolejne podejście będzie możliwe o ${block.time} (za ${block.minutesLeft} min). Przerwa po niezaliczonym teście trwa ${block.cooldownMinutes} min.`;
  }
}

/**
 * Where the learner stands with the quiz: attempts so far, and whether (and why not) a new one may start.
 * A pass closes the quiz; for a course whose certificates expire (validityMonths) it opens again once the
 * pass has expired, and the attempt limit and cool-down then count from that pass on.
 */
export async function quizStanding(params: { learner: Learner; course: Course; now?: Date }): Promise<QuizStanding> {
  const { learner, course, now = new Date() } = params;
  const enrolment = await requireEnrolment(learner, course);
  const [attempts, grants, progress] = await Promise.all([
    keyedItems(enrolment, attemptKey, (id) => QuizAttempt.findById(id).lean<QuizAttemptDoc>()),
    keyedItems(enrolment, grantKey, (id) => QuizAttemptGrant.findById(id).lean<QuizAttemptGrantDoc>()),
    progressOf(enrolment),
  ]);
  const missing = missingSteps(completionRuleOf(course), { lessonsCompleted: progress?.lessonsCompleted ?? [], checksAnswered: progress?.checksAnswered ?? [] });
  return standingOf(course, enrolment, attempts, grants, missing, now);
}

function standingOf(
  course: Course,
  enrolment: EnrolmentDoc,
  keyedAttempts: { items: QuizAttemptDoc[]; next: NextItem },
  keyedGrants: { items: QuizAttemptGrantDoc[]; next: NextItem },
  missing: MissingSteps,
  now: Date,
): QuizStanding {
  const attempts = keyedAttempts.items;
  const grants = keyedGrants.items;
  const submitted = attempts.filter((a) => a.submittedAt);
  const open = attempts.find((a) => !a.submittedAt);
  const lastPass = submitted.filter((a) => a.passed).at(-1);
  // The same rule as the certificate's validUntil and "Moje szkolenia": the pass counts until its validity ends.
  // A due date set after the pass (HR's recurring assignment reopened it, or HR assigned the course again) opens
  // the test too, so the learner can renew before the validity ends, or at all on a course without validityMonths.
  const reopened = Boolean(lastPass?.submittedAt && enrolment.dueDate && enrolment.dueSetAt && enrolment.dueSetAt.getTime() > lastPass.submittedAt.getTime());
  // An enrolment moved on to a newer version (a change of law: moveEnrolmentToVersion) takes that version's test again.
  const onNewerVersion = Boolean(
    lastPass && semver.valid(lastPass.courseVersion) && semver.valid(enrolment.courseVersion) && semver.gt(enrolment.courseVersion, lastPass.courseVersion),
  );
  const due = reopened || onNewerVersion || renewalDue(lastPass?.submittedAt, course.validityMonths, now);
  const counted = lastPass ? submitted.filter((a) => a.number > lastPass.number) : submitted;
  const standing: QuizStanding = {
    enrolment,
    submitted,
    counted: counted.length,
    open,
    passed: Boolean(lastPass) && !due,
    renewalDue: due,
    grants,
    usesGrants: [],
    missing,
    nextAttempt: keyedAttempts.next,
    nextGrant: keyedGrants.next,
  };
  const unused = (kind: QuizAttemptGrantDoc['kind']) => grants.find((grant) => grant.kind === kind && !grant.usedAt);
  const { maxAttempts, cooldownMinutes } = course.quiz;
  const last = counted.at(-1);
  const uses: QuizAttemptGrantDoc[] = [];
  if (!standing.passed && last?.submittedAt && cooldownMinutes > 0) {
    const availableAt = new Date(last.submittedAt.getTime() + cooldownMinutes * 60_000);
    if (availableAt > now) standing.cooldownEndsAt = availableAt;
  }
  if (standing.passed) {
    standing.block = { reason: 'passed' };
  } else if (!ruleMet(missing)) {
    // The completion rule comes first: neither an attempt nor HR's grant opens the test before the lessons.
    standing.block = { reason: 'incomplete', missing };
  } else {
    // An extra attempt opens the limit by one; the cool-down still applies unless HR lifted it too.
    if (maxAttempts !== undefined && counted.length >= maxAttempts) {
      const extra = unused('extra_attempt');
      if (extra) uses.push(extra);
      else standing.block = { reason: 'max_attempts', used: counted.length, max: maxAttempts };
    }
    const availableAt = standing.cooldownEndsAt;
    if (!standing.block && availableAt) {
      const lift = unused('cooldown_lift');
      if (lift) {
        uses.push(lift);
      } else {
        const minutesLeft = Math.ceil((availableAt.getTime() - now.getTime()) / 60_000);
        standing.block = { reason: 'cooldown', availableAt, time: formatTime(availableAt), minutesLeft, cooldownMinutes };
      }
    }
  }
  // Nothing is used up while the start is refused anyway.
  if (!standing.block) standing.usesGrants = uses;
  if (standing.block) standing.blockedReason = describeBlock(standing.block);
  return standing;
}

/**
 * Starts an attempt: draws the questions and stores the draw. An attempt already open is resumed
 * rather than redrawn (so reloading cannot fish for easier questions). A limit or cool-down is a ConflictError.
 */
export async function startQuizAttempt(params: { learner: Learner; course: Course; now?: Date }): Promise<QuizAttemptDoc> {
  const standing = await quizStanding(params);
  if (standing.passed) throw new ConflictError(standing.blockedReason!);
  if (standing.open) return standing.open;
  if (standing.blockedReason) throw new ConflictError(standing.blockedReason);
  const { enrolment } = standing;
  const organisationId = enrolment.organisationId;
  // Each grant allows one start: a unique-key claim decides which start uses it (two tabs, two instances).
  const won: string[] = [];
  const releaseWon = async () => {
    for (const key of won) await releaseClaim(key, organisationId);
  };
  for (const grant of standing.usesGrants) {
    const key = grantClaimKey(grant);
    if (!(await claimOnce(key, organisationId))) {
      await releaseWon();
      // Another start used the grant a moment ago: it has the attempt (resume it) or the grant is gone.
      const again = await quizStanding(params);
      if (again.open) return again.open;
      throw new ConflictError(again.blockedReason ?? 'Podejście do testu jest właśnie rozpoczynane. Odśwież stronę za chwilę.');
    }
    won.push(key);
  }
  // The attempt's key is inserted first: its unique `_id` decides which of two starts at once draws attempt n.
  const { number } = standing.nextAttempt;
  const attemptId = standing.nextAttempt.itemId ?? new mongoose.Types.ObjectId();
  if (!standing.nextAttempt.itemId) {
    const key = { _id: attemptKey(enrolment._id, number), organisationId, enrolmentId: enrolment._id, itemId: attemptId };
    if (!(await insertKey(key))) {
      await releaseWon();
      const again = await quizStanding(params);
      if (again.open) return again.open;
      throw new ConflictError('Podejście do testu jest właśnie rozpoczynane. Odśwież stronę za chwilę.');
    }
  }
  let attempt: QuizAttemptDoc;
  try {
    const created = await QuizAttempt.create({
      _id: attemptId,
      organisationId,
      enrolmentId: enrolment._id,
      userId: enrolment.userId,
      courseId: params.course.id,
      courseVersion: params.course.version,
      number,
      questions: drawQuestions(params.course.quiz).map((q) => ({
        questionId: q.questionId,
        itemOrder: JSON.stringify(q.itemOrder),
        choiceOrder: JSON.stringify(q.choiceOrder),
      })),
      startedAt: params.now ?? new Date(),
    });
    attempt = created.toObject() as unknown as QuizAttemptDoc;
  } catch (error) {
    // The grants were not used: give them back for the next start.
    await releaseWon();
    // Two starts finishing the same key at once: the other one created it; resume it.
    if (isDuplicateKeyError(error)) {
      const again = await quizStanding(params);
      if (again.open) return again.open;
    }
    throw error;
  }
  for (const grant of standing.usesGrants) {
    // By `_id` alone: with the organisation the filter would be a scan on FerretDB (the grant is this enrolment's).
    await QuizAttemptGrant.updateOne({ _id: grant._id }, { $set: { usedAt: attempt.startedAt, usedForAttempt: number } });
  }
  return attempt;
}

/** The claim that lets exactly one start use a grant. */
function grantClaimKey(grant: QuizAttemptGrantDoc): string {
  return `quiz-grant:${grant._id.toHexString()}`;
}

/** One of the learner's own attempts in this course, or NotFoundError. */
export async function findQuizAttempt(params: { learner: Learner; course: Course; attemptId: string }): Promise<QuizAttemptDoc> {
  // By `_id` alone (with the organisation it is a scan on FerretDB); the organisation is checked here instead.
  const found = await QuizAttempt.findById(params.attemptId).lean<QuizAttemptDoc>();
  const attempt = found && String(found.organisationId) === String(params.learner.organisationId) ? found : null;
  if (!attempt || attempt.courseId !== params.course.id) throw new NotFoundError('Nie znaleziono podejścia do testu.');
  assertOwnEnrolment(params.learner, attempt);
  return attempt;
}

function questionsById(course: Course): Map<string, Question> {
  return new Map(course.quiz.questions.map((q) => [q.id, q]));
}

const ALREADY_SENT = 'To podejście do testu zostało już wysłane. Rozpocznij nowe podejście.';

/** The answers saved in an open attempt, by position (as the form sent them; checked against the draw when saved). */
export function savedAnswersOf(attempt: QuizAttemptDoc): QuizFormAnswers {
  const body: Record<string, string[]> = {};
  for (const { field, value } of attempt.savedAnswers ?? []) (body[field] ??= []).push(value);
  return decodeQuizForm(body).answers;
}

export interface SaveQuizAnswersParams {
  learner: Learner;
  course: Course;
  attemptId: string;
  /** The whole form as decoded by quiz-form.ts: it replaces what was saved before (a cleared question is cleared). */
  answers: QuizFormAnswers;
  now?: Date;
}

/**
 * Saves the learner's answers into the open attempt, without grading and without using an attempt. Every answer
 * is checked against the attempt's draw first: one that does not fit is a ValidationError on its question's field
 * and nothing is saved (one `$set` of the whole list, so never half of a form).
 */
export async function saveQuizAnswers(params: SaveQuizAnswersParams): Promise<void> {
  const attempt = await findQuizAttempt(params);
  if (attempt.submittedAt) throw new BadRequestError(ALREADY_SENT);
  resolveQuizAnswers(params.answers, drawnQuestionsOf(attempt), questionsById(params.course));
  const savedAnswers = encodeQuizForm(params.answers).map(([field, value]) => ({ field, value }));
  const answersSavedAt = params.now ?? new Date();
  // By `_id` alone (fast on FerretDB); findQuizAttempt checked the organisation and the owner. A save racing the
  // submission lands on a graded attempt and changes nothing that counts: grading read the answers already.
  await QuizAttempt.updateOne({ _id: attempt._id }, { $set: { savedAnswers, answersSavedAt } });
}

export interface SubmitQuizParams {
  learner: Learner;
  course: Course;
  attemptId: string;
  now?: Date;
}

/** The refusal of an attempt with no answer (pages show their own translation, learning:review.nothingAnswered). */
export const NOTHING_ANSWERED =
  'Nie zapisano żadnej odpowiedzi. Odpowiedz na co najmniej jedno pytanie, zanim wyślesz test; to podejście pozostaje otwarte i nie zostało policzone.';

/** What grading a quiz needs from the platform (a Platform fits). */
export interface QuizDeps {
  recorder: LearningRecorder;
  events: PlatformEvents;
}

/**
 * Grades the answers saved in the attempt (saveQuizAnswers) on the server and records one `answered` per question,
 * then `passed` or `failed`, and on a pass `completed` and the certificate. An attempt with no answer at all is not
 * graded: a ConflictError, the attempt stays open and nothing is recorded or counted (an accidental click costs
 * nothing). The attempt is claimed as submitted first (a second submission is a 400), and released again if the
 * statements cannot be stored.
 */
export async function submitQuizAttempt(deps: QuizDeps, params: SubmitQuizParams): Promise<QuizAttemptDoc> {
  const { learner, course } = params;
  const attempt = await findQuizAttempt(params);
  if (attempt.submittedAt) throw new BadRequestError(ALREADY_SENT);
  const enrolment = await requireEnrolment(learner, course);

  const questions = questionsById(course);
  const drawn = drawnQuestionsOf(attempt);
  // Checked when saved; checked again because the course may have changed since (a question removed).
  const answers = resolveQuizAnswers(savedAnswersOf(attempt), drawn, questions);
  const graded = drawn.map((slot) => {
    const question = questions.get(slot.questionId);
    // A question removed from the course since the draw counts as neither right nor wrong.
    if (!question) return { questionId: slot.questionId, response: '', answered: false, success: false, points: 0, maxPoints: 0 };
    return gradeAnswer(question, answers.get(question.id));
  });
  if (!graded.some((g) => g.answered)) throw new ConflictError(NOTHING_ANSWERED);
  const score = scoreAttempt(graded, course.passThreshold);
  const submittedAt = params.now ?? new Date();

  // A unique-key claim decides which of two simultaneous submissions is graded (a conditional update on
  // `submittedAt` let both through on FerretDB).
  const claimKey = `submit:${attempt._id.toHexString()}`;
  if (!(await claimOnce(claimKey, attempt.organisationId))) throw new BadRequestError(ALREADY_SENT);
  const release = async () => {
    await QuizAttempt.updateOne({ _id: attempt._id }, { $unset: { submittedAt: 1, results: 1, scoreRaw: 1, scoreMax: 1, scoreScaled: 1, passed: 1 } });
    await releaseClaim(claimKey, attempt.organisationId);
  };
  let claimed: QuizAttemptDoc | null;
  try {
    // `_id` alone: the attempt was read above and checked to be the learner's.
    claimed = await QuizAttempt.findOneAndUpdate(
      { _id: attempt._id },
      { $set: { submittedAt, results: graded, scoreRaw: score.raw, scoreMax: score.max, scoreScaled: score.scaled, passed: score.passed } },
      { new: true },
    ).lean<QuizAttemptDoc>();
  } catch (error) {
    await release();
    throw error;
  }
  if (!claimed) {
    // The attempt was deleted in the meantime: nothing to grade, and nothing to hold the claim for.
    await releaseClaim(claimKey, attempt.organisationId);
    throw new NotFoundError('Nie znaleziono podejścia do testu.');
  }

  const attemptId = String(attempt._id);
  const statements = (ctx: LearningContext) => [
    ...graded.flatMap((g) => {
      const question = questions.get(g.questionId);
      return question ? [questionAnswered(ctx, question, { response: g.answered ? g.response : undefined, success: g.success, parent: 'quiz', attemptId })] : [];
    }),
    quizScored(ctx, { passed: score.passed, scaled: score.scaled, raw: score.raw, min: score.min, max: score.max, attemptId }),
    ...(score.passed ? [courseCompleted(ctx, { scaled: score.scaled, raw: score.raw, min: score.min, max: score.max })] : []),
  ];
  try {
    await deps.recorder.record({ learner, course, registration: enrolment.registration }, statements);
  } catch (error) {
    // Release the claim so that the learner can send the attempt again.
    await release();
    throw error;
  }

  if (score.passed) {
    // Certificates listen; a failure there is logged by the bus and leaves the pass standing.
    await deps.events.emit('course.passed', coursePassedEvent({ learner, courseId: course.id, enrolment, scorePercent: score.percent, completedAt: submittedAt }));
  }
  return claimed;
}
