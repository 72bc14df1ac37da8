// The final quiz pages: overview and start, the attempt form, submission and the result.
import { Router, type Request, type Response } from 'express';
import { requireUser } from '../auth/require-user.js';
import { ConflictError } from '../http/errors.js';
import { inputOf, validate } from '../http/validate.js';
import { courseOpenTo } from './catalogue.service.js';
import { findEnrolment } from './enrolment.service.js';
import { sendToCoursePage } from './enrolment-gate.js';
import { AttemptParams, CourseParams, QuizBody } from './learning.schemas.js';
import { quizUrl } from './learning.presenter.js';
import { blockMessage, quizForm, quizOverview, quizResult } from './quiz.presenter.js';
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

async function showAttempt(platform: Platform, req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = courseOpenTo(platform.catalogue, req.user!, courseId);
  const attempt = await findQuizAttempt({ learner: req.user!, course, attemptId });
  if (attempt.submittedAt) {
    res.redirect(303, `${quizUrl(course.id)}/${attemptId}/wynik`);
    return;
  }
  res.render('learning/quiz-attempt', { title: `${req.t('learning:quiz.title')} – ${course.title}`, attempt: quizForm(course, attempt, req.t) });
}

async function submitAttempt(platform: Platform, req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = courseOpenTo(platform.catalogue, req.user!, courseId);
  await submitQuizAttempt(platform, { learner: req.user!, course, attemptId, form: inputOf<QuizBody>(res) });
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
  router.get('/szkolenia/:courseId/test', requireUser, validate(CourseParams, 'params'), (req, res) => showQuiz(platform, req, res));
  router.post('/szkolenia/:courseId/test', requireUser, validate(CourseParams, 'params'), (req, res) => startAttempt(platform, req, res));
  router.get('/szkolenia/:courseId/test/:attemptId', requireUser, validate(AttemptParams, 'params'), (req, res) => showAttempt(platform, req, res));
  router.post('/szkolenia/:courseId/test/:attemptId', requireUser, validate(AttemptParams, 'params'), validate(QuizBody), (req, res) => submitAttempt(platform, req, res));
  router.get('/szkolenia/:courseId/test/:attemptId/wynik', requireUser, validate(AttemptParams, 'params'), (req, res) => showResult(platform, req, res));
  return router;
}
