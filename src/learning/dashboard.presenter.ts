// Turns the learner's dashboard (dashboard.service.ts) into plain view models for views/learning/dashboard.hbs.
import type { PersonCertificateSummary } from '../certificates/certificates.read.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { DashboardCourse, LearnerDashboard } from './dashboard.service.js';
import { continueUrl, courseUrl, legalChangeView, progressPercent } from './learning.presenter.js';
import { trainingStatusKey, type TrainingStatus } from './training-status.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** The label of a status, from the one vocabulary (common:trainingStatus.*). */
function statusLabel(status: TrainingStatus, t: Translate): string {
  return t(`common:trainingStatus.${status}`);
}

/** One course on the dashboard: its status, dates, progress and what to do next. */
export function dashboardCourseCard(entry: DashboardCourse, t: Translate) {
  const { course, enrolment, progress, facts, status } = entry;
  const unfinished = status !== 'completed' && status !== 'renewal_due';
  // "Kontynuuj" where the learner left off for a course under way (overdue ones too); a course not opened yet starts.
  const action = !course ? undefined : facts.started && unfinished ? 'continue' : !facts.started && !facts.completedAt ? 'start' : undefined;
  return {
    id: enrolment._id.toHexString(),
    title: course?.title ?? enrolment.courseId,
    // Course content keeps its own language on an English page (lang attribute, WCAG 3.1.2).
    language: course?.language ?? 'pl',
    available: Boolean(course),
    url: course ? courseUrl(course.id) : undefined,
    percent: course ? progressPercent(course, progress) : 0,
    status,
    statusLabel: t(trainingStatusKey(status, Boolean(facts.recertification))),
    legalChange: status === 'renewal_due' ? legalChangeView(facts.recertification, t) : undefined,
    dueDate: facts.dueDate ?? undefined,
    completedAt: facts.completedAt ?? undefined,
    validUntil: facts.validUntil ?? undefined,
    lastActivityAt: progress?.lastActivityAt ?? undefined,
    continueUrl: action === 'continue' && course ? continueUrl(course, progress) : undefined,
    startUrl: action === 'start' && course ? continueUrl(course, progress) : undefined,
  };
}

/** The status word of a certificate, from the same vocabulary: a valid one is a completion that counts. */
const CERTIFICATE_STATUS: Record<PersonCertificateSummary['status'], TrainingStatus> = {
  valid: 'completed',
  expired: 'expired',
  revoked: 'revoked',
  superseded: 'revoked',
};

/** One recent certificate: its number, dates, status and links (PDF, public verification page). */
export function dashboardCertificateCard(certificate: PersonCertificateSummary, catalogue: CourseCatalogue, t: Translate) {
  const course = catalogue.get(certificate.courseId);
  const status = CERTIFICATE_STATUS[certificate.status];
  return {
    id: certificate.id,
    code: certificate.code,
    title: course?.title ?? certificate.courseId,
    language: course?.language ?? 'pl',
    issuedAt: certificate.issuedAt,
    validUntil: certificate.validUntil,
    status,
    statusLabel: statusLabel(status, t),
    revoked: certificate.status === 'revoked',
    pdfUrl: certificate.pdfUrl,
    verifyUrl: certificate.verifyUrl,
  };
}

/** The whole page. */
export function dashboardPage(dashboard: LearnerDashboard, catalogue: CourseCatalogue, t: Translate) {
  const assigned = dashboard.assigned.map((entry) => dashboardCourseCard(entry, t));
  const others = dashboard.others.map((entry) => dashboardCourseCard(entry, t));
  return {
    assigned,
    others,
    certificates: dashboard.certificates.map((certificate) => dashboardCertificateCard(certificate, catalogue, t)),
    empty: !assigned.length && !others.length,
    calendarUrl: DUE_DATES_CALENDAR_PATH,
  };
}

/** Where the learner downloads their due dates as an iCalendar file. */
export const DUE_DATES_CALENDAR_PATH = '/pulpit/terminy.ics';
