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

async function showQuiz(req: Request, res: Response) {
  const course = courseOpenTo(req.user!, inputOf<CourseParams>(res, 'params').courseId);
  if (!(await findEnrolment(req.user!, course.id))) {
    sendToCoursePage(req, res, course.id);
    return;
  }
  const standing = await quizStanding({ learner: req.user!, course });
  res.render('learning/quiz', { title: `${req.t('learning:quiz.title')} – ${course.title}`, quiz: quizOverview(course, standing, req.t) });
}

async function startAttempt(req: Request, res: Response) {
  const course = courseOpenTo(req.user!, inputOf<CourseParams>(res, 'params').courseId);
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
async function renderAttempt(req: Request, res: Response, form: FormView) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = courseOpenTo(req.user!, courseId);
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

const attemptForm = defineForm({ schema: QuizBody, show: renderAttempt });

async function showAttempt(req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = courseOpenTo(req.user!, courseId);
  const attempt = await findQuizAttempt({ learner: req.user!, course, attemptId });
  if (attempt.submittedAt) {
    res.redirect(303, `${quizUrl(course.id)}/${attemptId}/wynik`);
    return;
  }
  await attemptForm.show(req, res);
}

async function submitAttempt(req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = courseOpenTo(req.user!, courseId);
  await submitQuizAttempt({ learner: req.user!, course, attemptId, answers: attemptForm.input(res), logger: req.log });
  res.redirect(303, `${quizUrl(course.id)}/${attemptId}/wynik`);
}

async function showResult(req: Request, res: Response) {
  const { courseId, attemptId } = inputOf<AttemptParams>(res, 'params');
  const course = courseOpenTo(req.user!, courseId);
  const attempt = await findQuizAttempt({ learner: req.user!, course, attemptId });
  if (!attempt.submittedAt) {
    res.redirect(303, `${quizUrl(course.id)}/${attemptId}`);
    return;
  }
  res.render('learning/quiz-result', { title: `${req.t('learning:result.title')} – ${course.title}`, result: quizResult(course, attempt, req.t) });
}

/** Quiz routes, mounted by learningRouter. */
export function quizRouter(): Router {
  const router = Router();
  router.get('/szkolenia/:courseId/test', requireUser, validate(CourseParams, 'params'), showQuiz);
  router.post('/szkolenia/:courseId/test', requireUser, validate(CourseParams, 'params'), startAttempt);
  router.get('/szkolenia/:courseId/test/:attemptId', requireUser, validate(AttemptParams, 'params'), showAttempt);
  router.post('/szkolenia/:courseId/test/:attemptId', requireUser, validate(AttemptParams, 'params'), attemptForm.accept, submitAttempt, attemptForm.refuse);
  router.get('/szkolenia/:courseId/test/:attemptId/wynik', requireUser, validate(AttemptParams, 'params'), showResult);
  return router;
}
