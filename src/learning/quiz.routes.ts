// The final quiz pages: overview and start, the attempt form (saving as one goes), the review and sending, the result.
import { Router, type Request, type Response } from 'express';
import { requireUser } from '../auth/require-user.js';
import { BadRequestError, ConflictError } from '../http/errors.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { courseOfLearner } from './catalogue.service.js';
import { findEnrolment, progressOf } from './enrolment.service.js';
import { finishingOfLessons } from './lesson.service.js';
import { sendToCoursePage } from './enrolment-gate.js';
import { AttemptParams, CourseParams, QuizBody } from './learning.schemas.js';
import { courseUrl, quizUrl } from './learning.presenter.js';
import { blockMessage, quizForm, quizOverview, quizResult, quizReview } from './quiz.presenter.js';
import { decodeQuizForm, questionAnchor, questionOfField } from './quiz-form.js';
import { quizGrantContacts } from './quiz-grant.service.js';
import { findQuizAttempt, quizStanding, saveQuizAnswers, startQuizAttempt, submitQuizAttempt, type QuizStanding } from './quiz.service.js';
import type { Course } from '../courses/course.types.js';
import type { Platform } from '../platform.js';

/**
 * A course with no final test (an imported SCORM or cmi5 package: its SCOs or AUs assess the learner themselves):
 * its test's address leads back to the course page. True when it answered.
 */
function sentAwayFromMissingQuiz(res: Response, course: Course): boolean {
  if (course.quiz.questions.length > 0) return false;
  res.redirect(303, courseUrl(course.id));
  return true;
}

async function showQuiz(platform: Platform, req: Request, res: Response) {
  const course = await courseOfLearner(platform, req.user!, inputOf<CourseParams>(res, 'params').courseId);
  if (sentAwayFromMissingQuiz(res, course)) return;
  if (!(await findEnrolment(req.user!, course.id))) {
    sendToCoursePage(req, res, course.id);
    return;
  }
  const standing = await quizStanding({ learner: req.user!, course, now: platform.clock.now() });
  res.render('learning/quiz', { title: `${req.t('learning:quiz.title')} – ${course.title}`, quiz: await overviewOf(platform, course, standing, req) });
}

/** The overview's view model; out of attempts, it names the office's HR people who can grant another. */
async function overviewOf(platform: Platform, course: Course, standing: QuizStanding, req: Request) {
  const contacts = standing.block?.reason === 'max_attempts' ? await quizGrantContacts(req.user!.organisationId) : [];
  // Before the completion rule is met: each lesson still missing, with how long it still needs.
  const missingLessons =
    standing.block?.reason === 'incomplete'
      ? await finishingOfLessons(platform, {
          course,
          enrolment: standing.enrolment,
          progress: await progressOf(standing.enrolment),
          lessons: standing.missing.lessons.map((required) => required.lesson),
        })
      : [];
  return quizOverview(course, standing, req.t, contacts, missingLessons);
}

async function startAttempt(platform: Platform, req: Request, res: Response) {
  const course = await courseOfLearner(platform, req.user!, inputOf<CourseParams>(res, 'params').courseId);
  if (sentAwayFromMissingQuiz(res, course)) return;
  try {
    const attempt = await startQuizAttempt({ learner: req.user!, course, now: platform.clock.now() });
    res.redirect(303, `${quizUrl(course.id)}/${String(attempt._id)}`);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // The limit or cool-down is shown on the quiz page itself, with the reason.
    const standing = await quizStanding({ learner: req.user!, course, now: platform.clock.now() });
    res.status(409).render('learning/quiz', {
      title: `${req.t('learning:quiz.title')} – ${course.title}`,
      quiz: await overviewOf(platform, course, standing, req),
      startError: blockMessage(standing, req.t) ?? (standing.passed ? undefined : error.message),
    });
  }
}

/** The attempt's form: blank, or sent back with what was chosen and each refused question marked. */
async function renderAttempt(platform: Platform, req: Request, res: Response, form: FormView) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  const attempt = await findQuizAttempt({ learner: req.user!, course, attemptId });
  // A refused body for an attempt already sent is not a form to fix: the same answer as a second submission.
  if (attempt.submittedAt) throw new BadRequestError('To podejście do testu zostało już wysłane. Rozpocznij nowe podejście.');
  // Summary entries link to their question; a field of no question on the page links to the first one.
  const anchorOf = (field: string) => {
    const question = questionOfField(field);
    return questionAnchor(question !== undefined && question < attempt.questions.length ? question : 0);
  };
  const errorSummary = form.errorSummary
    .map((entry) => ({ field: anchorOf(entry.field), message: entry.message }))
    .filter((entry, index, all) => all.findIndex((e) => e.field === entry.field && e.message === entry.message) === index);
  res.render('learning/quiz-attempt', {
    title: `${req.t('learning:quiz.title')} – ${course.title}`,
    // Refused: what was sent, marked; otherwise what is saved in the attempt.
    attempt: quizForm(course, attempt, req.t, Object.keys(form.errors).length ? { answers: decodeQuizForm(req.body).answers, errors: form.errors } : undefined),
    errorSummary,
  });
}

/** The attempt form; refused, it is the attempt again with what was chosen. */
function attemptFormOf(platform: Platform) {
  return defineForm({ schema: QuizBody, show: (req, res, form) => renderAttempt(platform, req, res, form) });
}

type AttemptForm = ReturnType<typeof attemptFormOf>;

async function showAttempt(platform: Platform, attemptForm: AttemptForm, req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  const attempt = await findQuizAttempt({ learner: req.user!, course, attemptId });
  if (attempt.submittedAt) {
    res.redirect(303, `${quizUrl(course.id)}/${attemptId}/wynik`);
    return;
  }
  await attemptForm.show(req, res);
}

/** Saves the form into the attempt; then the form again with a confirmation, or the review page (the main button). */
async function saveAnswers(platform: Platform, attemptForm: AttemptForm, req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  const { answers, intent } = attemptForm.input(res);
  await saveQuizAnswers({ learner: req.user!, course, attemptId, answers, now: platform.clock.now() });
  // The page's own script saves on each change and wants no page back (nor a notice left for the next page).
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ saved: answers.size, message: req.t('learning:quiz.savedCount', { count: answers.size }) });
    return;
  }
  if (intent === 'save') {
    setFlash(req, 'success', req.t('learning:quiz.savedCount', { count: answers.size }));
    res.redirect(303, `${quizUrl(course.id)}/${attemptId}`);
    return;
  }
  res.redirect(303, `${quizUrl(course.id)}/${attemptId}/podsumowanie`);
}

/** The review page before sending; `submitError` when sending was refused (nothing answered). */
async function renderReview(platform: Platform, req: Request, res: Response, submitError?: string) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  const attempt = await findQuizAttempt({ learner: req.user!, course, attemptId });
  if (attempt.submittedAt) {
    res.redirect(303, `${quizUrl(course.id)}/${attemptId}/wynik`);
    return;
  }
  res.render('learning/quiz-review', { title: `${req.t('learning:review.title')} – ${course.title}`, review: quizReview(course, attempt), submitError });
}

/** "Zakończ i wyślij": grades the saved answers; an attempt with none is refused on the review page, still open. */
async function submitAttempt(platform: Platform, req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  try {
    await submitQuizAttempt(platform, { learner: req.user!, course, attemptId, now: platform.clock.now() });
  } catch (error) {
    // The only ConflictError of a submission: nothing answered. Nothing was recorded or counted.
    if (!(error instanceof ConflictError)) throw error;
    res.status(409);
    await renderReview(platform, req, res, req.t('learning:review.nothingAnswered'));
    return;
  }
  res.redirect(303, `${quizUrl(course.id)}/${attemptId}/wynik`);
}

async function showResult(platform: Platform, req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  const attempt = await findQuizAttempt({ learner: req.user!, course, attemptId });
  if (!attempt.submittedAt) {
    res.redirect(303, `${quizUrl(course.id)}/${attemptId}`);
    return;
  }
  res.render('learning/quiz-result', { title: `${req.t('learning:result.title')} – ${course.title}`, result: quizResult(course, attempt, req.t) });
}

/** Quiz routes, mounted by learningRouter. */
export function quizRouter(platform: Platform): Router {
  const router = Router();
  const attemptForm = attemptFormOf(platform);
  router.get('/szkolenia/:courseId/test', requireUser, validate(CourseParams, 'params'), (req, res) => showQuiz(platform, req, res));
  router.post('/szkolenia/:courseId/test', requireUser, validate(CourseParams, 'params'), (req, res) => startAttempt(platform, req, res));
  router.get('/szkolenia/:courseId/test/:attemptId', requireUser, validate(AttemptParams, 'params'), (req, res) => showAttempt(platform, attemptForm, req, res));
  router.post(
    '/szkolenia/:courseId/test/:attemptId',
    requireUser,
    validate(AttemptParams, 'params'),
    attemptForm.accept,
    (req: Request, res: Response) => saveAnswers(platform, attemptForm, req, res),
    attemptForm.refuse,
  );
  router.get('/szkolenia/:courseId/test/:attemptId/podsumowanie', requireUser, validate(AttemptParams, 'params'), (req, res) => renderReview(platform, req, res));
  router.post('/szkolenia/:courseId/test/:attemptId/podsumowanie', requireUser, validate(AttemptParams, 'params'), (req, res) => submitAttempt(platform, req, res));
  router.get('/szkolenia/:courseId/test/:attemptId/wynik', requireUser, validate(AttemptParams, 'params'), (req, res) => showResult(platform, req, res));
  return router;
}
