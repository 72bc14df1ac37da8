// Interface language: Polish first, English second (i18next). Strings live in locales/<lng>/<feature>.json.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type InitOptions, type TFunction } from 'i18next';
import { LanguageDetector, handle } from 'i18next-http-middleware';

export const LANGUAGES = ['pl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Each feature keeps its strings in its own namespace file, locales/<lng>/<feature>.json,
 * used as t('feature:key'); common.json is the default namespace.
 */
function loadLocale(language: Language): Record<string, Record<string, unknown>> {
  const dir = path.resolve('locales', language);
  return Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>]),
  );
}

function sharedOptions(): InitOptions {
  const resources = Object.fromEntries(LANGUAGES.map((language) => [language, loadLocale(language)]));
  return {
    supportedLngs: [...LANGUAGES],
    fallbackLng: 'pl',
    preload: [...LANGUAGES],
    resources,
    defaultNS: 'common',
    ns: Object.keys(resources.pl),
    showSupportNotice: false,
    // Handlebars escapes what pages show; mail and PDFs are plain text.
    interpolation: { escapeValue: false },
  };
}

let outsideRequests: ReturnType<typeof i18next.createInstance> | undefined;

/**
 * A translate function for code that runs outside a request (mail, certificates): the same locale
 * files, fixed to one namespace and to Polish unless `language` is 'en'.
 */
export function translatorFor(namespace: string, language: string | undefined): TFunction {
  if (!outsideRequests) {
    outsideRequests = i18next.createInstance();
    // Synchronous: the resources are in memory, so init completes before it returns.
    void outsideRequests.init({ ...sharedOptions(), initAsync: false, lng: 'pl' });
  }
  return outsideRequests.getFixedT(language === 'en' ? 'en' : 'pl', namespace);
}

/** Initialises i18next once and returns the Express middleware that sets req.t / res.locals.t. */
export async function createI18nMiddleware() {
  const instance = i18next.createInstance();
  await instance.use(LanguageDetector).init({
    ...sharedOptions(),
    detection: {
      // Polish unless the person chose English (?lang=en, remembered in a cookie); the browser's
      // Accept-Language is not consulted because the office interface is Polish by default.
      order: ['querystring', 'cookie'],
      lookupQuerystring: 'lang',
      lookupCookie: 'lang',
      caches: ['cookie'],
      cookieSameSite: 'lax',
    },
  });
  return { i18n: instance, middleware: handle(instance) };
}
