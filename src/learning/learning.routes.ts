// Learner pages: the dashboard (dashboard.routes.ts), catalogue, course page and enrolment, "Moje szkolenia", the lesson player and knowledge checks.
import { Router, type Request, type Response } from 'express';
import { requireUser } from '../auth/require-user.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { courseOfEnrolment, courseOfLearner, courseOpenTo, courseOpenToVisitors, coursesOpenTo, coursesOpenToVisitors } from './catalogue.service.js';
import { enrolLearner, findEnrolment, learnerEnrolments, moveEnrolmentToVersion, progressOf } from './enrolment.service.js';
import { CheckBody, CheckParams, CourseParams, LessonParams } from './learning.schemas.js';
import { sendToCoursePage } from './enrolment-gate.js';
import { carriedSlot, setFlash } from '../http/flash.js';
import { catalogueStatus, courseCard, coursePage, courseUrl, enrolmentCard, lessonUrl, quizUrl, visitorCoursePage } from './learning.presenter.js';
import { lessonPage } from './lesson.presenter.js';
import { answerKnowledgeCheck, finishingOfLessons, finishLesson, lessonWithProgress, viewLesson, type CheckFeedback } from './lesson.service.js';
import { completionRuleOf, missingSteps } from '../courses/completion-rule.js';
import { quizRouter } from './quiz.routes.js';
import { dashboardRouter } from './dashboard.routes.js';
import type { Platform } from '../platform.js';
import { certificateStandingsOfEnrolments } from '../certificates/certificates.read.js';
import { studioLinkFor } from '../studio/studio.read.js';

async function showCatalogue(platform: Platform, req: Request, res: Response) {
  const open = await coursesOpenTo(platform, req.user!);
  const rows = await learnerEnrolments(
    req.user!,
    open.map((course) => course.id),
  );
  const byCourse = new Map(rows.map((row) => [row.enrolment.courseId, row]));
  // A revoked or expired certificate ends the completion: the certificates' read API says which (by `_id` lists).
  const standings = await certificateStandingsOfEnrolments(
    req.user!.organisationId,
    rows.map((row) => row.enrolment._id),
  );
  const now = platform.clock.now();
  const courses = open.map((course) => {
    const row = byCourse.get(course.id);
    const certificate = row ? standings.get(row.enrolment._id.toHexString()) : undefined;
    return { ...courseCard(course), trainingStatus: catalogueStatus(course, row?.enrolment, row?.progress ?? null, req.t, now, certificate) };
  });
  res.render('learning/catalogue', { title: req.t('learning:catalogue.title'), courses });
}

/** The catalogue of a visitor who is not signed in: the public courses (learning.policy.ts visitorCourseAccess). */
function showPublicCatalogue(platform: Platform, req: Request, res: Response) {
  const courses = coursesOpenToVisitors(platform).map((course) => courseCard(course));
  res.render('learning/catalogue', { title: req.t('learning:catalogue.title'), courses, visitor: true });
}

/** A public course's page for a visitor: what it is, and signing in to enrol (lessons and the quiz need it). */
function showPublicCourse(platform: Platform, req: Request, res: Response) {
  const { courseId } = inputOf<CourseParams>(res, 'params');
  const course = courseOpenToVisitors(platform, courseId);
  res.render('learning/course', { title: course.title, course: visitorCoursePage(course, req.t), visitor: true });
}

async function showCourse(platform: Platform, req: Request, res: Response) {
  const { courseId } = inputOf<CourseParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  const enrolment = await findEnrolment(req.user!, course.id);
  const progress = enrolment ? await progressOf(enrolment) : null;
  const missing = enrolment
    ? missingSteps(completionRuleOf(course), { lessonsCompleted: progress?.lessonsCompleted ?? [], checksAnswered: progress?.checksAnswered ?? [] })
    : undefined;
  const lessons = enrolment && missing ? await finishingOfLessons(platform, { course, enrolment, progress, lessons: missing.lessons.map((required) => required.lesson) }) : [];
  // The enrolment's latest certificate (a few `_id` reads): a change of law since the completion is shown here.
  const certificate = enrolment ? (await certificateStandingsOfEnrolments(req.user!.organisationId, [enrolment._id])).get(enrolment._id.toHexString()) : undefined;
  // An enrolment on an older version may move on to the newest (a re-take after a change of law).
  const newest = platform.catalogue.get(course.id);
  const newerVersion = enrolment && newest && newest.version !== course.version ? { version: newest.version, action: `${courseUrl(course.id)}/nowa-wersja` } : undefined;
  // Its authors find their way back to the studio from the course as learners see it.
  const studioLink = await studioLinkFor(req.user!, course.id);
  res.render('learning/course', {
    title: course.title,
    course: coursePage(course, enrolment, progress, req.t, missing && { lessons, checks: missing.checks }, certificate, platform.clock.now()),
    newerVersion,
    studioLink,
  });
}

async function enrol(platform: Platform, req: Request, res: Response) {
  const { courseId } = inputOf<CourseParams>(res, 'params');
  // A new enrolment gets the newest version; an existing one (enrolLearner returns it) keeps its own.
  const course = await courseOpenTo(platform, req.user!, courseId);
  const { enrolment, created } = await enrolLearner(platform, { learner: req.user!, course });
  setFlash(req, 'success', req.t(created ? 'learning:course.enrolled' : 'learning:course.alreadyEnrolled', { title: course.title }));
  const studied = courseOfEnrolment(platform.catalogue, enrolment) ?? course;
  res.redirect(303, studied.lessons[0] ? lessonUrl(studied.id, studied.lessons[0].id) : courseUrl(studied.id));
}

async function showMyCourses(platform: Platform, req: Request, res: Response) {
  // Every loaded course is asked (a course since closed to the office still shows), plus the learner's own list.
  const rows = await learnerEnrolments(
    req.user!,
    platform.catalogue.list().map((course) => course.id),
  );
  // Each enrolment's latest certificate (by `_id` lists), for a change of law since the completion.
  const standings = await certificateStandingsOfEnrolments(
    req.user!.organisationId,
    rows.map((row) => row.enrolment._id),
  );
  const now = platform.clock.now();
  const enrolments = rows.map(({ enrolment, progress }) =>
    enrolmentCard(courseOfEnrolment(platform.catalogue, enrolment), enrolment, progress, req.t, now, standings.get(enrolment._id.toHexString())),
  );
  res.render('learning/my-courses', { title: req.t('learning:myCourses.title'), enrolments });
}

/** A knowledge check just answered: left by its POST for the lesson page its redirect leads to, shown there once. */
interface AnsweredCheck {
  courseId: string;
  lessonId: string;
  feedback: CheckFeedback;
}

const answeredCheckSlot = carriedSlot<AnsweredCheck>('answeredCheck');

async function showLesson(platform: Platform, req: Request, res: Response) {
  const { courseId, lessonId } = inputOf<LessonParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  if (!(await findEnrolment(req.user!, course.id))) {
    sendToCoursePage(req, res, course.id);
    return;
  }
  // The page after answering a check shows its feedback (once: F5 shows the lesson as it is, and records nothing again).
  const answered = req.method === 'GET' ? answeredCheckSlot.take(req) : undefined;
  const feedback = answered?.courseId === course.id && answered.lessonId === lessonId ? answered.feedback : undefined;
  // A HEAD request (link checkers, prefetch) reads the lesson without recording that it was read; nor does the page
  // after a check, which is the same reading going on.
  const quietly = req.method === 'HEAD' || feedback !== undefined;
  const visit = quietly ? lessonWithProgress(platform, { learner: req.user!, course, lessonId }) : viewLesson(platform, { learner: req.user!, course, lessonId });
  const { lesson, progress, finishing } = await visit;
  res.render('learning/lesson', { title: `${lesson.title} – ${course.title}`, page: lessonPage({ course, lesson, progress, finishing, feedback, t: req.t }) });
}

/** "Zakończ lekcję": finished, on to the next lesson (or the test); too early, the lesson again saying how long is left. */
async function finish(platform: Platform, req: Request, res: Response) {
  const { courseId, lessonId } = inputOf<LessonParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  if (!(await findEnrolment(req.user!, course.id))) {
    sendToCoursePage(req, res, course.id);
    return;
  }
  const outcome = await finishLesson(platform, { learner: req.user!, course, lessonId });
  if (!outcome.finished) {
    const { lesson, progress, finishing } = outcome.visit;
    res.status(409).render('learning/lesson', { title: `${lesson.title} – ${course.title}`, page: lessonPage({ course, lesson, progress, finishing, tooEarly: true, t: req.t }) });
    return;
  }
  setFlash(req, 'success', req.t('learning:completion.finishedNotice'));
  const index = course.lessons.findIndex((lesson) => lesson.id === lessonId);
  const next = course.lessons[index + 1];
  res.redirect(303, next ? lessonUrl(course.id, next.id) : quizUrl(course.id));
}

/** The lesson with one knowledge check refused (nothing or something invalid chosen): its field error. */
async function renderLessonWithCheckError(platform: Platform, req: Request, res: Response, form: FormView) {
  const { courseId, lessonId, checkId } = inputOf<CheckParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  const { lesson, progress, finishing } = await lessonWithProgress(platform, { learner: req.user!, course, lessonId });
  const message = form.errors.answer;
  const checkError = message ? { checkId, message, chosen: [form.values.answer ?? []].flat() } : undefined;
  res.render('learning/lesson', {
    title: `${lesson.title} – ${course.title}`,
    page: lessonPage({ course, lesson, progress, finishing, checkError, t: req.t }),
  });
}

/** The knowledge check form; refused, it is the lesson again with the check marked. */
function checkFormOf(platform: Platform) {
  return defineForm({ schema: CheckBody, lists: ['answer'], show: (req, res, form) => renderLessonWithCheckError(platform, req, res, form) });
}

/**
 * Grades a knowledge check, then post/redirect/get: the lesson, scrolled to the check, shows the feedback
 * (carried in the session). F5 there reloads the lesson and records no second answer.
 */
async function answerCheck(platform: Platform, checkForm: ReturnType<typeof checkFormOf>, req: Request, res: Response) {
  const { courseId, lessonId, checkId } = inputOf<CheckParams>(res, 'params');
  const course = await courseOfLearner(platform, req.user!, courseId);
  const feedback = await answerKnowledgeCheck(platform, { learner: req.user!, course, lessonId, checkId, answer: checkForm.input(res).answer });
  answeredCheckSlot.leave(req, { courseId: course.id, lessonId, feedback });
  res.redirect(303, `${lessonUrl(course.id, lessonId)}#sprawdz-${encodeURIComponent(feedback.checkId)}`);
}

/** "Przejdź na nową wersję": the enrolment moves on to the newest version, then its first lesson. */
async function moveToNewestVersion(platform: Platform, req: Request, res: Response) {
  const { courseId } = inputOf<CourseParams>(res, 'params');
  const newest = await courseOpenTo(platform, req.user!, courseId);
  const moved = await moveEnrolmentToVersion(platform, { learner: req.user!, course: newest });
  setFlash(req, moved ? 'success' : 'info', req.t(moved ? 'learning:course.movedToVersion' : 'learning:course.alreadyNewest', { version: newest.version }));
  res.redirect(303, courseUrl(newest.id));
}

/**
 * The learner's pages. The catalogue and a course page are open to visitors who are not signed in (the public
 * courses only, so that anyone sees what is on offer); enrolling, the lessons, the quiz and everything else need a
 * signed-in person (requireUser sends a visitor to the login page, which says why).
 */
export function learningRouter(platform: Platform): Router {
  const router = Router();
  const checkForm = checkFormOf(platform);
  router.get('/szkolenia', (req, res) => (req.user ? showCatalogue(platform, req, res) : showPublicCatalogue(platform, req, res)));
  router.get('/moje-szkolenia', requireUser, (req, res) => showMyCourses(platform, req, res));
  router.get('/szkolenia/:courseId', validate(CourseParams, 'params'), (req, res) => (req.user ? showCourse(platform, req, res) : showPublicCourse(platform, req, res)));
  router.post('/szkolenia/:courseId/zapis', requireUser, validate(CourseParams, 'params'), (req, res) => enrol(platform, req, res));
  router.post('/szkolenia/:courseId/nowa-wersja', requireUser, validate(CourseParams, 'params'), (req, res) => moveToNewestVersion(platform, req, res));
  router.get('/szkolenia/:courseId/lekcje/:lessonId', requireUser, validate(LessonParams, 'params'), (req, res) => showLesson(platform, req, res));
  router.post('/szkolenia/:courseId/lekcje/:lessonId/zakoncz', requireUser, validate(LessonParams, 'params'), (req, res) => finish(platform, req, res));
  router.post(
    '/szkolenia/:courseId/lekcje/:lessonId/sprawdz/:checkId',
    requireUser,
    validate(CheckParams, 'params'),
    checkForm.accept,
    (req: Request, res: Response) => answerCheck(platform, checkForm, req, res),
    checkForm.refuse,
  );
  router.use(quizRouter(platform));
  router.use(dashboardRouter(platform));
  return router;
}
