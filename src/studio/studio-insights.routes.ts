// What an author reads about a course: the differences between two versions (or the draft) and the learners' results.
import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/require-user.js';
import type { Course } from '../courses/course.types.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { diffCourses } from './course-diff.js';
import { courseInsights } from './course-insights.js';
import { manifestOf } from './draft-files.js';
import { courseHeading } from './studio.presenter.js';
import { StudioCourseParams } from './studio.schemas.js';
import { checkDraft, studioCourseOf } from './studio.service.js';

const author = requireRole('author');
/** The draft's pseudo-version in the choice of versions to compare. */
const DRAFT = 'robocza';
const VersionChoice = z
  .string()
  .max(40)
  .regex(/^[0-9A-Za-z.+-]+$/)
  .optional()
  .catch(undefined);
const DiffQuery = z.object({ od: VersionChoice, do: VersionChoice });
const InsightsQuery = z.object({ wersja: VersionChoice });

export function studioInsightsRouter(platform: Platform): Router {
  const router = Router();

  router.get('/studio/:courseId/roznice', author, validate(StudioCourseParams, 'params'), validate(DiffQuery, 'query'), async (req, res) => {
    const { courseId } = inputOf<StudioCourseParams>(res, 'params');
    const query = inputOf<z.infer<typeof DiffQuery>>(res, 'query');
    const studio = await studioCourseOf(req.user!, courseId);
    const published = studio.versions.map((version) => version.version).reverse();
    const check = await checkDraft(platform, studio);
    // The draft joins the choice when it passes the checks (a broken draft has no lessons to compare).
    const choices = [...(check.ok ? [DRAFT] : []), ...published];
    const courseOf = (choice: string | undefined): Course | undefined =>
      choice === DRAFT ? (check.ok ? check.course : undefined) : choice ? platform.catalogue.version(courseId, choice) : undefined;
    const newerChoice = query.do && choices.includes(query.do) ? query.do : choices[0];
    const olderChoice = query.od && choices.includes(query.od) ? query.od : choices.find((choice) => choice !== newerChoice);
    const older = courseOf(olderChoice);
    const newer = courseOf(newerChoice);
    const diff = older && newer ? diffCourses(older, newer) : undefined;
    const label = (choice: string) => (choice === DRAFT ? req.t('studio:diff.draft') : choice);
    const title = typeof manifestOf(studio.files).title === 'string' ? String(manifestOf(studio.files).title) : courseId;
    res.render('studio/diff', {
      title: req.t('studio:diff.title', { title }),
      ...courseHeading(studio),
      olderOptions: choices.map((choice) => ({ value: choice, label: label(choice), selected: choice === olderChoice })),
      newerOptions: choices.map((choice) => ({ value: choice, label: label(choice), selected: choice === newerChoice })),
      diff: diff && { ...diff, olderVersion: label(olderChoice!), newerVersion: label(newerChoice) },
    });
  });

  router.get('/studio/:courseId/wyniki', author, validate(StudioCourseParams, 'params'), validate(InsightsQuery, 'query'), async (req, res) => {
    const { courseId } = inputOf<StudioCourseParams>(res, 'params');
    const { wersja } = inputOf<z.infer<typeof InsightsQuery>>(res, 'query');
    const studio = await studioCourseOf(req.user!, courseId);
    const versions = studio.versions.map((version) => version.version).reverse();
    const version = wersja && versions.includes(wersja) ? wersja : undefined;
    const title = typeof manifestOf(studio.files).title === 'string' ? String(manifestOf(studio.files).title) : courseId;
    // Before the first publication there is nothing to count.
    const insights = platform.catalogue.get(courseId) ? await courseInsights(platform, { courseId, version }) : undefined;
    res.render('studio/insights', {
      title: req.t('studio:insights.title', { title }),
      ...courseHeading(studio),
      versionOptions: versions.map((choice) => ({ value: choice, label: choice, selected: choice === version })),
      insights,
    });
  });
  return router;
}
