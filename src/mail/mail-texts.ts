// Mail wording in the recipient's language, from locales/<lng>/mail.json (services have no req.t).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';

let instance: ReturnType<typeof i18next.createInstance> | undefined;

function loaded() {
  if (instance) return instance;
  const read = (language: string) => JSON.parse(readFileSync(path.resolve('locales', language, 'mail.json'), 'utf8')) as Record<string, unknown>;
  instance = i18next.createInstance();
  // Synchronous: the resources are in memory, so init completes before it returns.
  void instance.init({
    initAsync: false,
    lng: 'pl',
    fallbackLng: 'pl',
    supportedLngs: ['pl', 'en'],
    resources: { pl: { mail: read('pl') }, en: { mail: read('en') } },
    defaultNS: 'mail',
    ns: ['mail'],
    showSupportNotice: false,
    interpolation: { escapeValue: false }, // plain-text mail
  });
  return instance;
}

/** A translate function for mail texts in `language` (Polish unless 'en'). */
export function mailTranslator(language: string | undefined): TFunction {
  return loaded().getFixedT(language === 'en' ? 'en' : 'pl', 'mail');
}
