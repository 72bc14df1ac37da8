// The office admin's /urzad/szkolenia: the courses shared with the office, each hidden from its staff or brought back.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { requireRole } from '../auth/require-user.js';
import { setFlash } from '../http/flash.js';
import { inputOf, validate } from '../http/validate.js';
import { CourseParams } from '../learning/learning.schemas.js';
import { officeCourses, setCourseHidden, type OfficeCoursesDeps } from './office-courses.service.js';

const PATH = '/urzad/szkolenia';

/** Adds "Szkolenia urzędu" to the header for admins. */
export function officeCoursesNavLink(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.roles.includes('admin')) {
    const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
    links.push({ href: PATH, label: req.t('organisations:courses.nav') });
  }
  next();
}

/** The page and its two posts (post/redirect/get; no confirmation: each is undone by the other). */
export function officeCoursesRouter(platform: OfficeCoursesDeps): Router {
  const router = Router();
  const admin = requireRole('admin');
  const params = validate(CourseParams, 'params');

  router.get(PATH, admin, async (req, res) => {
    const courses = await officeCourses(platform, req.user!.organisationId);
    res.render('organisations/courses', { title: req.t('organisations:courses.title'), courses });
  });

  for (const [action, hidden] of [
    ['ukryj', true],
    ['przywroc', false],
  ] as const) {
    router.post(`${PATH}/:courseId/${action}`, admin, params, async (req, res) => {
      const { courseId } = inputOf<CourseParams>(res, 'params');
      const actor = { id: req.user!.id, fullName: req.user!.fullName };
      const { title, changed } = await setCourseHidden(platform, { organisationId: req.user!.organisationId, courseId, hidden, actor });
      const message = changed ? (hidden ? 'organisations:courses.hiddenDone' : 'organisations:courses.restoredDone') : 'organisations:courses.unchanged';
      setFlash(req, changed ? 'success' : 'info', req.t(message, { title }));
      res.redirect(303, PATH);
    });
  }
  return router;
}
