// The e-mail that carries a newly issued certificate, in the learner's language (locales/<lng>/certificates.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { polishDate } from './certificate-pdf.js';

let instance: ReturnType<typeof i18next.createInstance> | undefined;

/** A translate function for the certificates namespace outside a request (services have no req.t). */
export function certificateTranslator(language: string | undefined): TFunction {
  if (!instance) {
    const read = (lng: string) => JSON.parse(readFileSync(path.resolve('locales', lng, 'certificates.json'), 'utf8')) as Record<string, unknown>;
    instance = i18next.createInstance();
    // Synchronous: the resources are in memory, so init completes before it returns.
    void instance.init({
      initAsync: false,
      lng: 'pl',
      fallbackLng: 'pl',
      supportedLngs: ['pl', 'en'],
      resources: { pl: { certificates: read('pl') }, en: { certificates: read('en') } },
      defaultNS: 'certificates',
      ns: ['certificates'],
      showSupportNotice: false,
      interpolation: { escapeValue: false }, // plain-text mail
    });
  }
  return instance.getFixedT(language === 'en' ? 'en' : 'pl', 'certificates');
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
  const values = { ...facts, completedOn: polishDate(facts.completedAt) };
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
