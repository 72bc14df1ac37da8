// /pulpit ("Mój pulpit"): the learner's dashboard after sign-in, and their due dates as an iCalendar download.
import { Router, type Request, type Response } from 'express';
import { requireUser } from '../auth/require-user.js';
import type { Platform } from '../platform.js';
import { dashboardPage, DUE_DATES_CALENDAR_PATH } from './dashboard.presenter.js';
import { learnerDashboard } from './dashboard.service.js';
import { dueDatesCalendar } from './due-dates-calendar.js';

/** The dashboard's address: where people land after signing in (auth/login.routes.ts AFTER_LOGIN_PATH). */
export const DASHBOARD_PATH = '/pulpit';

async function showDashboard(platform: Platform, req: Request, res: Response) {
  const dashboard = await learnerDashboard(platform.catalogue, req.user!, platform.clock.now());
  res.render('learning/dashboard', { title: req.t('learning:dashboard.title'), dashboard: dashboardPage(dashboard, platform.catalogue, req.t) });
}

async function downloadDueDates(platform: Platform, req: Request, res: Response) {
  const now = platform.clock.now();
  const { assigned } = await learnerDashboard(platform.catalogue, req.user!, now);
  const text = dueDatesCalendar({
    assigned,
    now,
    baseUrl: platform.config.BASE_URL,
    calendarName: req.t('learning:dashboard.calendarName'),
    summaryOf: (title) => req.t('learning:dashboard.calendarSummary', { title, interpolation: { escapeValue: false } }),
    reminderOf: (title) => req.t('learning:dashboard.calendarReminder', { title, interpolation: { escapeValue: false } }),
  });
  res
    .set('Content-Type', 'text/calendar; charset=utf-8')
    .set('Content-Disposition', 'attachment; filename="terminy-szkolen.ics"')
    .set('Cache-Control', 'private, no-store')
    .send(text);
}

/** The dashboard pages; both need a signed-in person and show only their own courses. */
export function dashboardRouter(platform: Platform): Router {
  const router = Router();
  router.get(DASHBOARD_PATH, requireUser, (req, res) => showDashboard(platform, req, res));
  router.get(DUE_DATES_CALENDAR_PATH, requireUser, (req, res) => downloadDueDates(platform, req, res));
  return router;
}
