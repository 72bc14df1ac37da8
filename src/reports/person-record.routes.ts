// HR on one person: /kadry/osoby/:userId (the record) and the exceptions to the quiz rules (extra attempt, lifted cool-down).
import { Router, type Request, type Response } from 'express';
import { requireRole } from '../auth/require-user.js';
import { ConflictError } from '../http/errors.js';
import { setFlash } from '../http/flash.js';
import { defineForm, type FormView } from '../http/forms.js';
import { inputOf, validate } from '../http/validate.js';
import type { QuizGrantKind } from '../learning/quiz-attempt-grant.model.js';
import type { Platform } from '../platform.js';
import { accessBy } from '../events/platform-events.js';
import { EXCEPTION_PATHS, personUrl, presentPersonRecord, reasonFieldId, type RefusedException } from './person-record.presenter.js';
import { PersonParams, QuizExceptionBody } from './person-record.schemas.js';
import { grantQuizExceptionTo, personRecord } from './person-record.service.js';

/** The person page; with `refused`, one exception form comes back with its field message. */
async function renderPerson(platform: Platform, req: Request, res: Response, refused?: RefusedException): Promise<void> {
  const { userId } = inputOf<PersonParams>(res, 'params');
  const record = await personRecord(platform, { actor: req.user!, userId, now: platform.clock.now() });
  // Allowed (the service checked the office): the view goes into the access trail before the page is sent.
  await platform.events.emit('personalData.accessed', accessBy(req.user!, 'personRecord', [userId]));
  const person = presentPersonRecord(record, platform.catalogue, req.t, req.language, refused);
  // The summary links to the reason field of the form that was sent (every form on the page has its own).
  // A course the person is not enrolled on (a forged form) has no field: its message links to the courses.
  const anchor = refused && person.enrolments.some((e) => e.courseId === refused.courseId) ? reasonFieldId(refused.kind, refused.courseId) : 'enrolments';
  const errorSummary = refused ? refused.form.errorSummary.map((entry) => ({ field: anchor, message: entry.message })).slice(0, 1) : [];
  res.render('reports/person', { title: req.t('person-record:title', { name: person.fullName }), person, errorSummary });
}

/** The form of one kind of exception: refused, it is the person page with that form's message. */
function exceptionFormOf(platform: Platform, kind: QuizGrantKind) {
  return defineForm({
    schema: QuizExceptionBody,
    keep: ['reason', 'courseId'],
    show: (req, res, form: FormView) => {
      const courseId = typeof form.values.courseId === 'string' ? form.values.courseId : '';
      return renderPerson(platform, req, res, form.errorSummary.length ? { kind, courseId, form } : undefined);
    },
  });
}

/** The person page and its forms, for HR and office admins of the person's own office. */
export function personRecordRouter(platform: Platform): Router {
  const router = Router();
  const hr = requireRole('hr', 'admin');
  const params = validate(PersonParams, 'params');

  router.get('/kadry/osoby/:userId', hr, params, (req, res) => renderPerson(platform, req, res));

  for (const kind of ['extra_attempt', 'cooldown_lift'] as const) {
    const form = exceptionFormOf(platform, kind);
    router.post(
      `/kadry/osoby/:userId/proby/${EXCEPTION_PATHS[kind]}`,
      hr,
      params,
      form.accept,
      async (req: Request, res: Response) => {
        const { userId } = inputOf<PersonParams>(res, 'params');
        const { courseId, reason } = form.input(res);
        try {
          const granted = await grantQuizExceptionTo(platform, { actor: req.user!, userId, kind, courseId, reason });
          setFlash(req, 'success', req.t(`person-record:grants.done.${kind}`, { name: granted.fullName, course: granted.courseTitle }));
        } catch (error) {
          // Nothing to grant (passed, no cool-down, one already waiting): said on the page, nothing stored.
          if (!(error instanceof ConflictError)) throw error;
          setFlash(req, 'error', error.message);
        }
        res.redirect(303, personUrl(userId));
      },
      form.refuse,
    );
  }
  return router;
}
