// The e-mail that carries a newly issued certificate, in the learner's language (locales/<lng>/certificates.json).
import type { TFunction } from 'i18next';
import { formatDate } from '../calendar/calendar.js';
import { translatorFor } from '../http/i18n.js';

/** A translate function for the certificates namespace outside a request (services have no req.t). */
export function certificateTranslator(language: string | undefined): TFunction {
  return translatorFor('certificates', language);
}

export interface IssuedMailFacts {
  learnerName: string;
  courseTitle: string;
  code: string;
  completedAt: Date;
  verificationUrl: string;
  listUrl: string;
  language: string | undefined;
  /** True when this certificate replaces an earlier one (name corrected). */
  reissued: boolean;
}

/** Subject and plain text of the "your certificate" mail. */
export function issuedMail(facts: IssuedMailFacts): { subject: string; text: string } {
  const t = certificateTranslator(facts.language);
  const values = { ...facts, completedOn: formatDate(facts.completedAt, facts.language) };
  return {
    subject: t(facts.reissued ? 'mail.reissuedSubject' : 'mail.issuedSubject', values),
    text: [
      t('mail.greeting', values),
      '',
      t(facts.reissued ? 'mail.reissuedBody' : 'mail.issuedBody', values),
      '',
      t('mail.codeLine', values),
      t('mail.verifyLine', values),
      t('mail.listLine', values),
      '',
      t('mail.signature'),
    ].join('\n'),
  };
}

export interface RecertificationMailFacts {
  learnerName: string;
  courseTitle: string;
  code: string;
  completedAt: Date;
  /** The version the certificate is of, and the version that changed the law. */
  certificateVersion: string;
  version: string;
  /** The author's note on what changed; the mail says so when there is none. */
  note?: string;
  courseUrl: string;
  language: string | undefined;
}

/** Subject and plain text of the "the law changed, take the course again" mail. */
export function recertificationMail(facts: RecertificationMailFacts): { subject: string; text: string } {
  const t = certificateTranslator(facts.language);
  const values = { ...facts, completedOn: formatDate(facts.completedAt, facts.language) };
  return {
    subject: t('mail.recertificationSubject', values),
    text: [
      t('mail.greeting', values),
      '',
      t('mail.recertificationBody', values),
      '',
      facts.note ? t('mail.recertificationNote', values) : t('mail.recertificationNoNote'),
      '',
      t('mail.recertificationValid', values),
      t('mail.recertificationCourseLine', values),
      '',
      t('mail.signature'),
    ].join('\n'),
  };
}
