// Mail wording in the recipient's language, from locales/<lng>/mail.json (services have no req.t).
import type { TFunction } from 'i18next';
import { translatorFor } from '../http/i18n.js';

/** A translate function for mail texts in `language` (Polish unless 'en'). */
export function mailTranslator(language: string | undefined): TFunction {
  return translatorFor('mail', language);
}
