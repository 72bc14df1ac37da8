// The studio's course pages under /studio: the list, a new course, the overview, review, publishing and export.
// The editing pages (settings, lessons, test) are in studio-editor.routes.ts.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { requireRole } from '../auth/require-user.js';
import { warsawIsoDay } from '../calendar/calendar.js';
import { setFlash } from '../http/flash.js';
import { defineForm } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import { memberOfficesOf } from '../organisations/organisation.service.js';
import type { Platform } from '../platform.js';
import { packDraft } from './studio-archive.service.js';
import { studioListRow, studioOverview, studioUrl } from './studio.presenter.js';
import { CommentBody, NewCourseBody, PublishBody, StudioCourseParams } from './studio.schemas.js';
import { approveDraft, checkDraft, commentOnDraft, createStudioCourse, publishDraft, requestReview, studioCourseOf, studioCoursesOf, suggestedVersion } from './studio.service.js';
import { ConflictError } from '../http/errors.js';

/** Adds "Studio" to the header for authors. */
export function studioNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.roles.includes('author')) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string; personal?: boolean }>;
    // Personal: an author who is also HR or an admin still finds the studio in the header, not under Zarządzanie.
    links.push({ href: '/studio', label: req.t('studio:nav'), personal: true });
  }
  next();
}

const author = requireRole('author');

/** The flash for a refusal that is about the course's state (ConflictError), then back to the overview. */
async function orBackToOverview(req: Request, res: Response, courseId: string, work: () => Promise<string>): Promise<void> {
  try {
    setFlash(req, 'success', await work());
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    setFlash(req, 'error', error.message);
  }
  res.redirect(303, studioUrl(courseId));
}

export function studioRouter(platform: Platform): Router {
  const router = Router();

  const newCourseForm = defineForm({
    schema: NewCourseBody,
    keep: ['title', 'courseId'],
    order: ['title', 'courseId'],
    show: (req, res, form) => res.render('studio/new', { title: req.t('studio:new.title'), ...form }),
  });

  router.get('/studio', author, async (req, res) => {
    const courses = await studioCoursesOf(req.user!);
    res.render('studio/list', { title: req.t('studio:list.title'), courses: courses.map((course) => studioListRow(course, req.t, req.language)) });
  });

  router.get('/studio/nowe', author, (req, res) => newCourseForm.show(req, res));
  router.post(
    '/studio/nowe',
    author,
    newCourseForm.accept,
    async (req: Request, res: Response) => {
      const organisationName = (await memberOfficesOf(req.user!.organisationId))?.name;
      const created = await createStudioCourse({ ...platform, today: warsawIsoDay(platform.clock.now()) }, { ...req.user!, organisationName }, newCourseForm.input(res));
      setFlash(req, 'success', req.t('studio:new.created'));
      res.redirect(303, studioUrl(created._id));
    },
    newCourseForm.refuse,
  );

  router.get('/studio/:courseId', author, validate(StudioCourseParams, 'params'), async (req, res) => {
    const { courseId } = inputOf<StudioCourseParams>(res, 'params');
    const course = await studioCourseOf(req.user!, courseId);
    const check = await checkDraft(platform, course);
    const overview = studioOverview(course, check, req.user!, req.t, req.language);
    res.render('studio/course', { title: req.t('studio:course.title', { title: overview.title }), course: overview });
  });

  router.post('/studio/:courseId/recenzja', author, validate(StudioCourseParams, 'params'), async (req, res) => {
    const { courseId } = inputOf<StudioCourseParams>(res, 'params');
    await orBackToOverview(req, res, courseId, async () => {
      await requestReview(platform, req.user!, courseId);
      return req.t('studio:review.requested');
    });
  });

  router.post('/studio/:courseId/zatwierdzenie', author, validate(StudioCourseParams, 'params'), async (req, res) => {
    const { courseId } = inputOf<StudioCourseParams>(res, 'params');
    await orBackToOverview(req, res, courseId, async () => {
      await approveDraft(req.user!, courseId);
      return req.t('studio:review.approved');
    });
  });

  router.post('/studio/:courseId/komentarze', author, validate(StudioCourseParams, 'params'), validate(CommentBody), async (req, res) => {
    const { courseId } = inputOf<StudioCourseParams>(res, 'params');
    await commentOnDraft(req.user!, courseId, inputOf<CommentBody>(res));
    setFlash(req, 'success', req.t('studio:review.commented'));
    res.redirect(303, `${studioUrl(courseId)}#komentarze`);
  });

  const publishForm = defineForm({
    schema: PublishBody,
    keep: ['version', 'changeNote'],
    lists: ['legalChange'],
    order: ['version', 'legalChange', 'changeNote'],
    show: async (req, res, form) => {
      const { courseId } = inputOf<StudioCourseParams>(res, 'params');
      const course = await studioCourseOf(req.user!, courseId);
      const overview = studioOverview(course, await checkDraft(platform, course), req.user!, req.t, req.language);
      res.render('studio/publish', {
        title: req.t('studio:publish.title', { title: overview.title }),
        course: overview,
        ...form,
        values: { version: suggestedVersion(course), ...form.values },
        legalChangeChecked: [form.values.legalChange ?? []].flat().includes('on'),
      });
    },
  });
  router.get('/studio/:courseId/publikacja', author, validate(StudioCourseParams, 'params'), (req, res) => publishForm.show(req, res));
  router.post(
    '/studio/:courseId/publikacja',
    author,
    validate(StudioCourseParams, 'params'),
    publishForm.accept,
    async (req: Request, res: Response) => {
      const { courseId } = inputOf<StudioCourseParams>(res, 'params');
      await orBackToOverview(req, res, courseId, async () => {
        const published = await publishDraft(platform, req.user!, courseId, publishForm.input(res));
        return req.t('studio:publish.done', { version: published.version });
      });
    },
    publishForm.refuse,
  );

  router.get('/studio/:courseId/eksport', author, validate(StudioCourseParams, 'params'), async (req, res) => {
    const { courseId } = inputOf<StudioCourseParams>(res, 'params');
    const zip = await packDraft(platform, req.user!, courseId);
    res.type('application/zip').set('Content-Disposition', `attachment; filename="${courseId}.zip"`).send(zip);
  });

  return router;
}
