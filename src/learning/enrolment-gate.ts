// Pages of a course the learner has not enrolled on lead to its course page, where the enrol button is.
import type { Request, Response } from 'express';
import { setFlash } from '../http/flash.js';
import { courseUrl } from './learning.presenter.js';

/** Redirects to the course page with a notice asking the learner to enrol first. */
export function sendToCoursePage(req: Request, res: Response, courseId: string): void {
  setFlash(req, 'info', req.t('learning:course.enrolFirst'));
  res.redirect(303, courseUrl(courseId));
}
