// The studio's sharing page /studio/:courseId/udostepnianie: who the course is open to (wiring only).
import { Router, type Request, type Response } from 'express';
import { requireRole } from '../auth/require-user.js';
import { setFlash } from '../http/flash.js';
import { defineForm } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { sharingPage } from './course-sharing.presenter.js';
import { SharingBody } from './course-sharing.schemas.js';
import { changeCourseSharing, sharingOfCourse } from './course-sharing.service.js';
import { studioUrl } from './studio.presenter.js';
import { StudioCourseParams } from './studio.schemas.js';

/** The sharing page's path of a course. */
export function sharingUrl(courseId: string): string {
  return studioUrl(courseId, '/udostepnianie');
}

/** The sharing page, for authors of the owning organisation (another's course is a 404: studioCourseOf). */
export function courseSharingRouter(platform: Platform): Router {
  const router = Router();
  const author = requireRole('author');
  const params = validate(StudioCourseParams, 'params');

  const sharingForm = defineForm({
    schema: SharingBody,
    keep: ['audience'],
    lists: ['offices'],
    order: ['audience', 'offices'],
    // The radio group and the offices are fieldsets: their first control carries the field's name as its id.
    show: async (req, res, form) => {
      const state = await sharingOfCourse(req.user!, inputOf<StudioCourseParams>(res, 'params').courseId);
      res.render('studio/sharing', { title: req.t('studio:sharing.title', { title: state.title }), page: sharingPage(state, form, req.t), ...form });
    },
  });

  router.get('/studio/:courseId/udostepnianie', author, params, async (req, res) => {
    const state = await sharingOfCourse(req.user!, inputOf<StudioCourseParams>(res, 'params').courseId);
    await sharingForm.show(req, res, { values: { audience: state.audience, offices: state.offices } });
  });

  router.post(
    '/studio/:courseId/udostepnianie',
    author,
    params,
    sharingForm.accept,
    async (req: Request, res: Response) => {
      const { courseId } = inputOf<StudioCourseParams>(res, 'params');
      const changed = await changeCourseSharing(platform, req.user!, courseId, sharingForm.input(res));
      setFlash(req, changed ? 'success' : 'info', req.t(changed ? 'studio:sharing.saved' : 'studio:sharing.unchanged'));
      res.redirect(303, sharingUrl(courseId));
    },
    sharingForm.refuse,
  );
  return router;
}
