// The studio's editing pages: the course settings (course.yaml), lessons with a server-rendered preview, the test's
// settings and its questions. Each saves and redirects (post/redirect/get); a refused form comes back with its fields.
import { Router, type Request, type Response } from 'express';
import { requireRole } from '../auth/require-user.js';
import { ConflictError, NotFoundError } from '../http/errors.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { lessonsOf, quizOf } from './draft-files.js';
import { courseHeading, kindChoices, manifestFormValues, presentProblems, questionFormRows, questionFormValues, questionRows, studioUrl } from './studio.presenter.js';
import { LessonBody, ManifestBody, MoveLessonBody, QuestionBody, QuizSettingsBody, StudioCourseParams, StudioLessonParams, StudioQuestionParams } from './studio.schemas.js';
import {
  checkDraft,
  moveDraftLesson,
  previewDraftLesson,
  removeDraftLesson,
  removeDraftQuestion,
  saveDraftLesson,
  saveDraftQuestion,
  studioCourseOf,
  updateDraftManifest,
  updateDraftQuiz,
} from './studio.service.js';
import type { StudioCourseDoc } from './studio-course.model.js';
import { manifestOf } from './draft-files.js';

const author = requireRole('author');
const MANIFEST_FIELDS = [
  'title',
  'summary',
  'audience',
  'objectives',
  'durationMinutes',
  'passThreshold',
  'legalStateDate',
  'validityMonths',
  'authorName',
  'licence',
  'tags',
  'minimumReadingSharePercent',
  'requireAllChecks',
];
const QUESTION_FIELDS = [
  'kind',
  'prompt',
  'points',
  'answer',
  'explanation',
  'legalReference',
  'scenario',
  ...Array.from({ length: 6 }, (_, i) => [`option${i + 1}`, `left${i + 1}`, `right${i + 1}`]).flat(),
];

function titleOf(course: StudioCourseDoc): string {
  const title = manifestOf(course.files).title;
  return typeof title === 'string' && title ? title : course._id;
}

/** The check's problems in one file of the course, for the box on that file's page. */
async function problemsIn(platform: Platform, req: Request, course: StudioCourseDoc, file: string | ((path: string) => boolean)) {
  const check = await checkDraft(platform, course);
  if (check.ok) return [];
  const matches = typeof file === 'string' ? (path: string) => path === file : file;
  return presentProblems(
    course._id,
    course.files,
    check.problems.filter((problem) => matches(problem.file)),
    req.t,
  );
}

export function studioEditorRouter(platform: Platform): Router {
  const router = Router();
  const courseParams = validate(StudioCourseParams, 'params');
  const lessonParams = validate(StudioLessonParams, 'params');
  const questionParams = validate(StudioQuestionParams, 'params');

  // --- the course settings (course.yaml) ---
  const manifestForm = defineForm({
    schema: ManifestBody,
    keep: MANIFEST_FIELDS,
    order: MANIFEST_FIELDS,
    show: async (req, res, form) => {
      const course = await studioCourseOf(req.user!, inputOf<StudioCourseParams>(res, 'params').courseId);
      res.render('studio/settings', {
        title: req.t('studio:settings.title', { title: titleOf(course) }),
        ...courseHeading(course),
        ...form,
        problems: await problemsIn(platform, req, course, 'course.yaml'),
      });
    },
  });
  router.get('/studio/:courseId/ustawienia', author, courseParams, async (req, res) => {
    const course = await studioCourseOf(req.user!, inputOf<StudioCourseParams>(res, 'params').courseId);
    await manifestForm.show(req, res, { values: manifestFormValues(course.files) });
  });
  router.post(
    '/studio/:courseId/ustawienia',
    author,
    courseParams,
    manifestForm.accept,
    async (req: Request, res: Response) => {
      const { courseId } = inputOf<StudioCourseParams>(res, 'params');
      await updateDraftManifest(req.user!, courseId, manifestForm.input(res));
      setFlash(req, 'success', req.t('studio:saved'));
      res.redirect(303, studioUrl(courseId, '/ustawienia'));
    },
    manifestForm.refuse,
  );

  // --- lessons ---
  async function showLesson(req: Request, res: Response, form: FormView, preview?: { html: string; problems: { where: string; message: string }[] }) {
    const { courseId, lessonId } = inputOf<{ courseId: string; lessonId?: string }>(res, 'params');
    const course = await studioCourseOf(req.user!, courseId);
    const lesson = lessonId ? lessonsOf(course.files).find((known) => known.id === lessonId) : undefined;
    if (lessonId && !lesson) throw new NotFoundError('Nie znaleziono lekcji.');
    res.render('studio/lesson', {
      title: req.t(lesson ? 'studio:lesson.editTitle' : 'studio:lesson.newTitle', { title: lesson?.title ?? '' }),
      ...courseHeading(course),
      lessonId,
      action: lessonId ? studioUrl(courseId, `/lekcje/${lessonId}`) : studioUrl(courseId, '/lekcje/nowa'),
      ...form,
      preview,
      problems: lesson ? await problemsIn(platform, req, course, lesson.path) : [],
    });
  }
  const lessonForm = defineForm({
    schema: LessonBody,
    keep: ['title', 'durationMinutes', 'body'],
    order: ['title', 'durationMinutes', 'body'],
    show: (req, res, form) => showLesson(req, res, form),
  });

  /** Preview shows the rendered lesson under the form as typed (nothing saved); save stores it and redirects. */
  async function saveOrPreview(req: Request, res: Response) {
    const { courseId, lessonId } = inputOf<{ courseId: string; lessonId?: string }>(res, 'params');
    const input = lessonForm.input(res);
    if (input.action === 'preview') {
      const rendered = await previewDraftLesson(platform, req.user!, courseId, input);
      const form = { values: { title: input.title, durationMinutes: String(input.durationMinutes), body: input.body }, errors: {}, errorSummary: [] };
      await showLesson(req, res, form, {
        html: rendered.html,
        problems: rendered.problems.map((problem) => ({ where: `${req.t('studio:lesson.line')} ${problem.line}`, message: problem.message })),
      });
      return;
    }
    const saved = await saveDraftLesson(req.user!, courseId, lessonId, input);
    setFlash(req, 'success', req.t('studio:saved'));
    res.redirect(303, studioUrl(courseId, `/lekcje/${saved}`));
  }

  router.get('/studio/:courseId/lekcje/nowa', author, courseParams, (req, res) => lessonForm.show(req, res, { values: { durationMinutes: '10' } }));
  router.post('/studio/:courseId/lekcje/nowa', author, courseParams, lessonForm.accept, saveOrPreview, lessonForm.refuse);
  router.get('/studio/:courseId/lekcje/:lessonId', author, lessonParams, async (req, res) => {
    const { courseId, lessonId } = inputOf<StudioLessonParams>(res, 'params');
    const course = await studioCourseOf(req.user!, courseId);
    const lesson = lessonsOf(course.files).find((known) => known.id === lessonId);
    if (!lesson) throw new NotFoundError('Nie znaleziono lekcji.');
    await lessonForm.show(req, res, { values: { title: lesson.title, durationMinutes: String(lesson.durationMinutes), body: lesson.body } });
  });
  router.post('/studio/:courseId/lekcje/:lessonId', author, lessonParams, lessonForm.accept, saveOrPreview, lessonForm.refuse);

  router.post('/studio/:courseId/lekcje/:lessonId/przesun', author, lessonParams, validate(MoveLessonBody), async (req, res) => {
    const { courseId, lessonId } = inputOf<StudioLessonParams>(res, 'params');
    await moveDraftLesson(req.user!, courseId, lessonId, inputOf<{ direction: 'up' | 'down' }>(res).direction);
    setFlash(req, 'success', req.t('studio:lesson.moved'));
    res.redirect(303, `${studioUrl(courseId)}#lekcje`);
  });

  router.get('/studio/:courseId/lekcje/:lessonId/usun', author, lessonParams, async (req, res) => {
    const { courseId, lessonId } = inputOf<StudioLessonParams>(res, 'params');
    const course = await studioCourseOf(req.user!, courseId);
    const lesson = lessonsOf(course.files).find((known) => known.id === lessonId);
    if (!lesson) throw new NotFoundError('Nie znaleziono lekcji.');
    res.render('studio/confirm-remove', {
      title: req.t('studio:remove.lessonTitle'),
      question: req.t('studio:remove.lessonQuestion'),
      subject: lesson.title,
      subjectLanguage: courseHeading(course).courseLanguage,
      action: studioUrl(courseId, `/lekcje/${lessonId}/usun`),
      back: studioUrl(courseId),
    });
  });
  router.post('/studio/:courseId/lekcje/:lessonId/usun', author, lessonParams, async (req, res) => {
    const { courseId, lessonId } = inputOf<StudioLessonParams>(res, 'params');
    try {
      await removeDraftLesson(req.user!, courseId, lessonId);
      setFlash(req, 'success', req.t('studio:remove.lessonDone'));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      setFlash(req, 'error', error.message);
    }
    res.redirect(303, `${studioUrl(courseId)}#lekcje`);
  });

  // --- the test: settings and questions ---
  const quizForm = defineForm({
    schema: QuizSettingsBody,
    keep: ['questionsPerAttempt', 'maxAttempts', 'cooldownMinutes', 'scenariosPerAttempt'],
    order: ['questionsPerAttempt', 'maxAttempts', 'cooldownMinutes', 'scenariosPerAttempt'],
    show: async (req, res, form) => {
      const course = await studioCourseOf(req.user!, inputOf<StudioCourseParams>(res, 'params').courseId);
      res.render('studio/quiz', {
        title: req.t('studio:quiz.title', { title: titleOf(course) }),
        ...courseHeading(course),
        ...form,
        questions: questionRows(course.files, course._id, req.t),
        kinds: kindChoices(undefined, req.t),
        problems: await problemsIn(platform, req, course, 'quiz.yaml'),
      });
    },
  });
  router.get('/studio/:courseId/test', author, courseParams, async (req, res) => {
    const course = await studioCourseOf(req.user!, inputOf<StudioCourseParams>(res, 'params').courseId);
    const quiz = quizOf(course.files);
    await quizForm.show(req, res, {
      values: {
        questionsPerAttempt: String(quiz.questionsPerAttempt ?? ''),
        maxAttempts: String(quiz.maxAttempts ?? ''),
        cooldownMinutes: String(quiz.cooldownMinutes ?? ''),
        scenariosPerAttempt: String(quiz.scenariosPerAttempt ?? ''),
      },
    });
  });
  router.post(
    '/studio/:courseId/test',
    author,
    courseParams,
    quizForm.accept,
    async (req: Request, res: Response) => {
      const { courseId } = inputOf<StudioCourseParams>(res, 'params');
      await updateDraftQuiz(req.user!, courseId, quizForm.input(res));
      setFlash(req, 'success', req.t('studio:saved'));
      res.redirect(303, studioUrl(courseId, '/test'));
    },
    quizForm.refuse,
  );

  const questionForm = defineForm({
    schema: QuestionBody,
    keep: QUESTION_FIELDS,
    lists: ['correct'],
    order: QUESTION_FIELDS,
    show: async (req, res, form) => {
      const { courseId, questionId } = inputOf<{ courseId: string; questionId?: string }>(res, 'params');
      const course = await studioCourseOf(req.user!, courseId);
      const kind = typeof form.values.kind === 'string' ? form.values.kind : typeof req.query.rodzaj === 'string' ? req.query.rodzaj : 'single';
      res.render('studio/question', {
        title: req.t(questionId ? 'studio:question.editTitle' : 'studio:question.newTitle'),
        ...courseHeading(course),
        action: questionId ? studioUrl(courseId, `/pytania/${encodeURIComponent(questionId)}`) : studioUrl(courseId, '/pytania/nowe'),
        ...form,
        kinds: kindChoices(kind, req.t),
        rows: questionFormRows(form.values),
        answerTrue: form.values.answer === 'true',
        answerFalse: form.values.answer === 'false',
      });
    },
  });
  router.get('/studio/:courseId/pytania/nowe', author, courseParams, (req, res) => questionForm.show(req, res, { values: { points: '1' } }));
  router.post(
    '/studio/:courseId/pytania/nowe',
    author,
    courseParams,
    questionForm.accept,
    async (req: Request, res: Response) => {
      const { courseId } = inputOf<StudioCourseParams>(res, 'params');
      await saveDraftQuestion(req.user!, courseId, undefined, questionForm.input(res));
      setFlash(req, 'success', req.t('studio:question.added'));
      res.redirect(303, studioUrl(courseId, '/test'));
    },
    questionForm.refuse,
  );
  router.get('/studio/:courseId/pytania/:questionId', author, questionParams, async (req, res) => {
    const { courseId, questionId } = inputOf<StudioQuestionParams>(res, 'params');
    const course = await studioCourseOf(req.user!, courseId);
    const question = quizOf(course.files).questions.find((known) => String(known.id) === questionId);
    if (!question) throw new NotFoundError('Nie znaleziono pytania.');
    await questionForm.show(req, res, { values: questionFormValues(question) });
  });
  router.post(
    '/studio/:courseId/pytania/:questionId',
    author,
    questionParams,
    questionForm.accept,
    async (req: Request, res: Response) => {
      const { courseId, questionId } = inputOf<StudioQuestionParams>(res, 'params');
      await saveDraftQuestion(req.user!, courseId, questionId, questionForm.input(res));
      setFlash(req, 'success', req.t('studio:saved'));
      res.redirect(303, studioUrl(courseId, `/pytania/${encodeURIComponent(questionId)}`));
    },
    questionForm.refuse,
  );
  router.get('/studio/:courseId/pytania/:questionId/usun', author, questionParams, async (req, res) => {
    const { courseId, questionId } = inputOf<StudioQuestionParams>(res, 'params');
    const course = await studioCourseOf(req.user!, courseId);
    const question = quizOf(course.files).questions.find((known) => String(known.id) === questionId);
    if (!question) throw new NotFoundError('Nie znaleziono pytania.');
    res.render('studio/confirm-remove', {
      title: req.t('studio:remove.questionTitle'),
      question: req.t('studio:remove.questionQuestion'),
      subject: question.prompt,
      subjectLanguage: courseHeading(course).courseLanguage,
      action: studioUrl(courseId, `/pytania/${encodeURIComponent(questionId)}/usun`),
      back: studioUrl(courseId, '/test'),
    });
  });
  router.post('/studio/:courseId/pytania/:questionId/usun', author, questionParams, async (req, res) => {
    const { courseId, questionId } = inputOf<StudioQuestionParams>(res, 'params');
    try {
      await removeDraftQuestion(req.user!, courseId, questionId);
      setFlash(req, 'success', req.t('studio:remove.questionDone'));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      setFlash(req, 'error', error.message);
    }
    res.redirect(303, studioUrl(courseId, '/test'));
  });

  return router;
}
