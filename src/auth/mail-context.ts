// The mail context of an account page: the platform's mailer, the public address and the page's language.
import type { Response } from 'express';
import type { Config } from '../config.js';
import type { WindowCounters } from '../db/window-counter.js';
import type { PlatformEvents } from '../events/platform-events.js';
import type { Mailer } from '../mail/mail.service.js';
import type { MailContext } from './registration.service.js';

/** What the account pages need from the platform (a Platform fits). */
export interface AccountPagesDeps {
  config: Pick<Config, 'BASE_URL' | 'SIGNUP_RATE_LIMIT_PER_HOUR'>;
  mailer: Mailer;
  /** The database counters of the rate limits and the sign-in lock-out. */
  counters: WindowCounters;
  /** person.changed when a registration joins an office at once (open join policy). */
  events: PlatformEvents;
}

/** Mails sent from this request use the language the page was shown in. */
export function mailContextOf(deps: AccountPagesDeps, res: Response): MailContext {
  return { mailer: deps.mailer, events: deps.events, baseUrl: deps.config.BASE_URL, language: res.locals.lang === 'en' ? 'en' : 'pl' };
}
