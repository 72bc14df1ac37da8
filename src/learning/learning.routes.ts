// Learner pages: catalogue, course page and enrolment, "Moje szkolenia", the lesson player and knowledge checks.
import { Router, type Request, type Response } from 'express';
import { requireUser } from '../auth/require-user.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { courseOpenTo, coursesOpenTo, loadedCourse } from './catalogue.service.js';
import { enrolLearner, enrolledCourseIds, findEnrolment, learnerEnrolments, progressOf } from './enrolment.service.js';
import { CheckBody, CheckParams, CourseParams, LessonParams } from './learning.schemas.js';
import { sendToCoursePage } from './enrolment-gate.js';
import { setFlash } from '../http/flash.js';
import { courseCard, coursePage, courseUrl, enrolmentCard, lessonUrl } from './learning.presenter.js';
import { lessonPage } from './lesson.presenter.js';
import { answerKnowledgeCheck, lessonWithProgress, viewLesson, type CheckFeedback } from './lesson.service.js';
import { quizRouter } from './quiz.routes.js';
// Registers the LearningProgress projector with the statement store as soon as the app is built.
import './progress.projector.js';

async function showCatalogue(req: Request, res: Response) {
  const enrolled = await enrolledCourseIds(req.user!);
  const courses = coursesOpenTo(req.user!).map((course) => ({ ...courseCard(course, req.t), enrolled: enrolled.has(course.id) }));
  res.render('learning/catalogue', { title: req.t('learning:catalogue.title'), courses });
}

async function showCourse(req: Request, res: Response) {
  const { courseId } = inputOf<CourseParams>(res, 'params');
  const course = courseOpenTo(req.user!, courseId);
  const enrolment = await findEnrolment(req.user!, course.id);
  const progress = enrolment ? await progressOf(enrolment) : null;
  res.render('learning/course', { title: course.title, course: coursePage(course, enrolment, progress, req.t) });
}

async function enrol(req: Request, res: Response) {
  const { courseId } = inputOf<CourseParams>(res, 'params');
  const course = courseOpenTo(req.user!, courseId);
  const { created } = await enrolLearner({ learner: req.user!, course });
  setFlash(req, 'success', req.t(created ? 'learning:course.enrolled' : 'learning:course.alreadyEnrolled', { title: course.title }));
  res.redirect(303, course.lessons[0] ? lessonUrl(course.id, course.lessons[0].id) : courseUrl(course.id));
}

async function showMyCourses(req: Request, res: Response) {
  const rows = await learnerEnrolments(req.user!);
  const enrolments = rows.map(({ enrolment, progress }) => enrolmentCard(loadedCourse(enrolment.courseId), enrolment, progress, req.t));
  res.render('learning/my-courses', { title: req.t('learning:myCourses.title'), enrolments });
}

async function showLesson(req: Request, res: Response) {
  const { courseId, lessonId } = inputOf<LessonParams>(res, 'params');
  const course = courseOpenTo(req.user!, courseId);
  if (!(await findEnrolment(req.user!, course.id))) {
    sendToCoursePage(req, res, course.id);
    return;
  }
  // A HEAD request (link checkers, prefetch) reads the lesson without recording that it was read.
  const visit = req.method === 'HEAD' ? lessonWithProgress : viewLesson;
  const { lesson, progress } = await visit({ learner: req.user!, course, lessonId });
  res.render('learning/lesson', { title: `${lesson.title} – ${course.title}`, page: lessonPage({ course, lesson, progress, t: req.t }) });
}

/** The lesson with one knowledge check's feedback (just answered) or its field error (refused). */
async function renderLessonWithCheck(req: Request, res: Response, outcome: { feedback?: CheckFeedback; form?: FormView }) {
  const { courseId, lessonId, checkId } = inputOf<CheckParams>(res, 'params');
  const course = courseOpenTo(req.user!, courseId);
  const { lesson, progress } = await lessonWithProgress({ learner: req.user!, course, lessonId });
  const message = outcome.form?.errors.answer;
  const checkError = message ? { checkId, message, chosen: [outcome.form?.values.answer ?? []].flat() } : undefined;
  res.render('learning/lesson', {
    title: `${lesson.title} – ${course.title}`,
    page: lessonPage({ course, lesson, progress, feedback: outcome.feedback, checkError, t: req.t }),
  });
}

const checkForm = defineForm({ schema: CheckBody, lists: ['answer'], show: (req, res, form) => renderLessonWithCheck(req, res, { form }) });

/** Grades a knowledge check and shows the lesson again, scrolled (by the form's #anchor) to the feedback. */
async function answerCheck(req: Request, res: Response) {
  const { courseId, lessonId, checkId } = inputOf<CheckParams>(res, 'params');
  const course = courseOpenTo(req.user!, courseId);
  const feedback = await answerKnowledgeCheck({ learner: req.user!, course, lessonId, checkId, answer: checkForm.input(res).answer });
  await renderLessonWithCheck(req, res, { feedback });
}

/** The learner's pages; every one needs a signed-in person. */
export function learningRouter(): Router {
  const router = Router();
  router.get('/szkolenia', requireUser, showCatalogue);
  router.get('/moje-szkolenia', requireUser, showMyCourses);
  router.get('/szkolenia/:courseId', requireUser, validate(CourseParams, 'params'), showCourse);
  router.post('/szkolenia/:courseId/zapis', requireUser, validate(CourseParams, 'params'), enrol);
  router.get('/szkolenia/:courseId/lekcje/:lessonId', requireUser, validate(LessonParams, 'params'), showLesson);
  router.post('/szkolenia/:courseId/lekcje/:lessonId/sprawdz/:checkId', requireUser, validate(CheckParams, 'params'), checkForm.accept, answerCheck, checkForm.refuse);
  router.use(quizRouter());
  return router;
}
