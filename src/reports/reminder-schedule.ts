// The scheduled reminder run (REMINDER_CRON, Warsaw time): e-mails people whose assigned courses are due.
import { Cron } from 'croner';
import { PLATFORM_TIME_ZONE } from '../calendar/calendar.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ReportsDeps } from './reports.deps.js';
import { sendRemindersEverywhere } from './reminders.service.js';

/**
 * Schedules reminders for every organisation; none when REMINDER_CRON is `off`. The job does not keep
 * the process alive and never overlaps itself. Returns it (to stop it), or undefined when off.
 */
export function scheduleReminders(platform: Pick<ReportsDeps, 'catalogue' | 'mailer'> & { config: Pick<Config, 'REMINDER_CRON' | 'BASE_URL'>; logger: Logger }): Cron | undefined {
  const { config, logger } = platform;
  if (config.REMINDER_CRON === 'off') {
    logger.info('scheduled course reminders are off (REMINDER_CRON=off)');
    return undefined;
  }
  return new Cron(config.REMINDER_CRON, { timezone: PLATFORM_TIME_ZONE, unref: true, protect: true }, async () => {
    try {
      const result = await sendRemindersEverywhere(platform);
      logger.info(result, 'course reminders sent');
    } catch (error) {
      logger.error({ err: error }, 'course reminders failed; the next scheduled run tries again');
    }
  });
}
