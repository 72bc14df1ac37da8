// Turns a person's HR record into plain objects for the page (dates in Warsaw time, labels translated).
import { formatDate, formatDateTime } from '../calendar/calendar.js';
import { presentOrganisationCertificate } from '../certificates/certificate.presenter.js';
import type { CertificateDoc } from '../certificates/certificate.model.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { FormView } from '../http/forms.js';
import type { QuizGrantKind } from '../learning/quiz-attempt-grant.model.js';
import type { QuizGrantSummary } from '../learning/learning.read.js';
import { trainingStatusKey } from '../learning/training-status.js';
import type { PersonEnrolment, PersonRecord } from './person-record.service.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** The exception forms' kinds as they appear in paths and field ids. */
export const EXCEPTION_PATHS: Record<QuizGrantKind, string> = { extra_attempt: 'dodatkowa', cooldown_lift: 'bez-przerwy' };

/** A form sent back with its field messages: which one it was and what was typed. */
export interface RefusedException {
  kind: QuizGrantKind;
  courseId: string;
  form: FormView;
}

export function personUrl(userId: string): string {
  return `/kadry/osoby/${userId}`;
}

/** The id of a reason field, unique on the page (course ids are [a-z0-9-]). */
export function reasonFieldId(kind: QuizGrantKind, courseId: string): string {
  return `${EXCEPTION_PATHS[kind]}-${courseId}-reason`;
}

function percentOf(scaled: number | undefined): number {
  return Math.floor((scaled ?? 0) * 100 + 1e-9);
}

function grantView(grant: QuizGrantSummary, t: Translate, language: string | undefined) {
  return {
    kindLabel: t(`person-record:grants.${grant.kind}`),
    reason: grant.reason,
    grantedBy: grant.grantedByName,
    grantedAt: formatDateTime(grant.grantedAt, language),
    used: grant.usedForAttempt
      ? t('person-record:grants.usedIn', { number: grant.usedForAttempt, date: formatDateTime(grant.usedAt ?? grant.grantedAt, language) })
      : t('person-record:grants.unused'),
  };
}

function exceptionForm(userId: string, kind: QuizGrantKind, courseId: string, refused: RefusedException | undefined) {
  const mine = refused && refused.kind === kind && refused.courseId === courseId ? refused.form : undefined;
  const fieldId = reasonFieldId(kind, courseId);
  return {
    action: `${personUrl(userId)}/proby/${EXCEPTION_PATHS[kind]}`,
    fieldId,
    hintId: `${fieldId}-hint`,
    errorId: `${fieldId}-error`,
    value: typeof mine?.values.reason === 'string' ? mine.values.reason : '',
    error: mine?.errors.reason ?? mine?.errors.courseId,
  };
}

function enrolmentView(userId: string, item: PersonEnrolment, t: Translate, language: string | undefined, refused: RefusedException | undefined) {
  const { enrolment, progress, course, quiz } = item;
  const lessons = course?.lessons.length ?? 0;
  // Finished lessons ("Zakończ lekcję" after the reading-time floor), what the completion rule counts; opened ones do not.
  const finished = course ? (progress?.lessonsCompleted ?? []).filter((id) => course.lessons.some((lesson) => lesson.id === id)).length : 0;
  const maxAttempts = course?.quiz.maxAttempts;
  const completedAt = progress?.completedAt ?? progress?.passedAt ?? undefined;
  return {
    courseId: enrolment.courseId,
    courseTitle: item.courseTitle,
    courseLanguage: course?.language ?? 'pl',
    status: item.status,
    statusLabel:
      item.status === 'completed' && completedAt
        ? t('reports:status.completedOn', { date: formatDate(completedAt, language) })
        : t(trainingStatusKey(item.status, Boolean(item.recertification))),
    // Why the course must be taken again: the version that changed the law, since when, and what changed.
    legalChange: item.recertification && {
      label: t('person-record:enrolments.legalChangeValue', { version: item.recertification.byVersion, date: formatDate(item.recertification.requiredSince, language) }),
      note: item.recertification.note,
    },
    progressLabel: lessons ? t('person-record:enrolments.lessonsFinished', { finished, total: lessons, percent: Math.round((finished * 100) / lessons) }) : '–',
    enrolledAt: formatDate(enrolment.enrolledAt, language),
    dueDate: enrolment.dueDate ? formatDate(enrolment.dueDate, language) : undefined,
    assignment: enrolment.assignedBy
      ? t('person-record:enrolments.assignedBy', { name: item.assignedByName ?? t('person-record:enrolments.someoneFormer'), date: formatDate(enrolment.enrolledAt, language) })
      : t('person-record:enrolments.selfEnrolled'),
    reminders: item.reminders
      ? t('person-record:enrolments.reminders', { count: item.reminders.sentCount, date: formatDateTime(item.reminders.lastSentAt, language) })
      : t('person-record:enrolments.noReminders'),
    attemptsRule:
      maxAttempts !== undefined
        ? t('person-record:attempts.used', { used: quiz?.counted ?? 0, max: maxAttempts })
        : t('person-record:attempts.unlimited', { used: quiz?.counted ?? 0 }),
    blocked:
      quiz?.block && quiz.block.reason !== 'passed'
        ? t(`person-record:attempts.blocked.${quiz.block.reason}`, { time: quiz.cooldownEndsAt ? formatDateTime(quiz.cooldownEndsAt, language) : '' })
        : undefined,
    attempts: item.attempts.map((attempt) => ({
      number: attempt.number,
      startedAt: formatDateTime(attempt.startedAt, language),
      submittedAt: attempt.submittedAt ? formatDateTime(attempt.submittedAt, language) : undefined,
      score: attempt.submittedAt ? `${percentOf(attempt.scoreScaled)}% (${attempt.scoreRaw ?? 0}/${attempt.scoreMax ?? 0})` : undefined,
      outcome: attempt.submittedAt ? t(attempt.passed ? 'person-record:attempts.passed' : 'person-record:attempts.failed') : t('person-record:attempts.open'),
      passed: Boolean(attempt.passed),
    })),
    grants: item.grants.map((grant) => grantView(grant, t, language)),
    // An exception is offered only where it changes something (the service checks again on submission).
    canGrantExtra: Boolean(course && quiz && !quiz.passed && maxAttempts !== undefined && !item.grants.some((g) => g.kind === 'extra_attempt' && !g.usedAt)),
    canLiftCooldown: Boolean(quiz?.cooldownEndsAt && !item.grants.some((g) => g.kind === 'cooldown_lift' && !g.usedAt)),
    extraForm: exceptionForm(userId, 'extra_attempt', enrolment.courseId, refused),
    liftForm: exceptionForm(userId, 'cooldown_lift', enrolment.courseId, refused),
  };
}

/** A certificate's history in words: issued, replacing one, replaced, revoked. */
function certificateEvents(certificate: CertificateDoc, t: Translate, language: string | undefined): string[] {
  const events = [t('person-record:certificates.issued', { date: formatDateTime(certificate.issuedAt, language) })];
  if (certificate.supersedes) events.push(t('person-record:certificates.reissued', { code: certificate.supersedes }));
  if (certificate.supersededAt)
    events.push(t('person-record:certificates.superseded', { date: formatDateTime(certificate.supersededAt, language), code: certificate.supersededBy ?? '–' }));
  if (certificate.recertification)
    events.push(
      t('person-record:certificates.recertification', {
        date: formatDateTime(certificate.recertification.requiredSince, language),
        version: certificate.recertification.byVersion,
      }),
    );
  if (certificate.revokedAt)
    events.push(t('person-record:certificates.revoked', { date: formatDateTime(certificate.revokedAt, language), reason: certificate.revocationReason ?? '–' }));
  return events;
}

/** The person page's view model; `refused` is an exception form sent back with its messages. */
export function presentPersonRecord(record: PersonRecord, catalogue: Pick<CourseCatalogue, 'languageOf'>, t: Translate, language: string | undefined, refused?: RefusedException) {
  const { person } = record;
  const userId = person._id.toHexString();
  return {
    id: userId,
    fullName: person.fullName,
    email: person.email,
    departmentName: record.departmentName,
    position: person.position ?? undefined,
    employeeNumber: person.employeeNumber ?? undefined,
    deactivated: person.status === 'deactivated',
    deactivatedAt: person.deactivatedAt ? formatDate(person.deactivatedAt, language) : undefined,
    statusLabel: t(`person-record:person.status.${person.status ?? 'active'}`),
    editUrl: `${personUrl(userId)}/edycja`,
    enrolments: record.enrolments.map((item) => enrolmentView(userId, item, t, language, refused)),
    completions: record.completions.map((completion) => ({
      courseTitle: completion.courseTitle,
      courseLanguage: catalogue.languageOf(completion.courseId),
      completedOn: formatDate(completion.completedAt, language),
      certificateCode: completion.certificateCode,
      validUntil: completion.validUntil ? formatDate(completion.validUntil, language) : undefined,
      state: completion.revokedAt
        ? t('person-record:history.revokedOn', { date: formatDate(completion.revokedAt, language) })
        : completion.validUntil && completion.validUntil.getTime() <= record.generatedAt.getTime()
          ? t('common:trainingStatus.expired')
          : t('person-record:history.valid'),
      revoked: Boolean(completion.revokedAt),
    })),
    certificates: record.certificates.map((certificate) => ({
      ...presentOrganisationCertificate(certificate, catalogue, record.generatedAt),
      events: certificateEvents(certificate, t, language),
    })),
  };
}
