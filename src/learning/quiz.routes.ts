// The final quiz pages: overview and start, the attempt form, submission and the result.
import { Router, type Request, type Response } from 'express';
import { requireUser } from '../auth/require-user.js';
import { BadRequestError, ConflictError } from '../http/errors.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { courseOpenTo } from './catalogue.service.js';
import { findEnrolment } from './enrolment.service.js';
import { sendToCoursePage } from './enrolment-gate.js';
import { AttemptParams, CourseParams, QuizBody } from './learning.schemas.js';
import { quizUrl } from './learning.presenter.js';
import { blockMessage, quizForm, quizOverview, quizResult } from './quiz.presenter.js';
import { decodeQuizForm, questionAnchor, questionOfField } from './quiz-form.js';
import { findQuizAttempt, quizStanding, startQuizAttempt, submitQuizAttempt } from './quiz.service.js';
import type { Platform } from '../platform.js';

async function showQuiz(platform: Platform, req: Request, res: Response) {
  const course = courseOpenTo(platform.catalogue, req.user!, inputOf<CourseParams>(res, 'params').courseId);
  if (!(await findEnrolment(req.user!, course.id))) {
    sendToCoursePage(req, res, course.id);
    return;
  }
  const standing = await quizStanding({ learner: req.user!, course });
  res.render('learning/quiz', { title: `${req.t('learning:quiz.title')} – ${course.title}`, quiz: quizOverview(course, standing, req.t) });
}

async function startAttempt(platform: Platform, req: Request, res: Response) {
  const course = courseOpenTo(platform.catalogue, req.user!, inputOf<CourseParams>(res, 'params').courseId);
  try {
    const attempt = await startQuizAttempt({ learner: req.user!, course });
    res.redirect(303, `${quizUrl(course.id)}/${String(attempt._id)}`);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // The limit or cool-down is shown on the quiz page itself, with the reason.
    const standing = await quizStanding({ learner: req.user!, course });
    res.status(409).render('learning/quiz', {
      title: `${req.t('learning:quiz.title')} – ${course.title}`,
      quiz: quizOverview(course, standing, req.t),
      startError: blockMessage(standing, req.t) ?? (standing.passed ? undefined : error.message),
    });
  }
}

/** The attempt's form: blank, or sent back with what was chosen and each refused question marked. */
async function renderAttempt(platform: Platform, req: Request, res: Response, form: FormView) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = courseOpenTo(platform.catalogue, req.user!, courseId);
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
    attempt: quizForm(course, attempt, req.t, { answers: decodeQuizForm(req.body).answers, errors: form.errors }),
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
  const course = courseOpenTo(platform.catalogue, req.user!, courseId);
  const attempt = await findQuizAttempt({ learner: req.user!, course, attemptId });
  if (attempt.submittedAt) {
    res.redirect(303, `${quizUrl(course.id)}/${attemptId}/wynik`);
    return;
  }
  await attemptForm.show(req, res);
}

async function submitAttempt(platform: Platform, attemptForm: AttemptForm, req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = courseOpenTo(platform.catalogue, req.user!, courseId);
  await submitQuizAttempt(platform, { learner: req.user!, course, attemptId, answers: attemptForm.input(res) });
  res.redirect(303, `${quizUrl(course.id)}/${attemptId}/wynik`);
}

async function showResult(platform: Platform, req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = courseOpenTo(platform.catalogue, req.user!, courseId);
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
    (req: Request, res: Response) => submitAttempt(platform, attemptForm, req, res),
    attemptForm.refuse,
  );
  router.get('/szkolenia/:courseId/test/:attemptId/wynik', requireUser, validate(AttemptParams, 'params'), (req, res) => showResult(platform, req, res));
  return router;
}
