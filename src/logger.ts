// The application logger (pino). Secrets are redacted wherever they might appear.
import { pino } from 'pino';

export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.passwordConfirm', '*.token', '*.secret', '*._csrf'];

export function createLogger(level: string) {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

export type Logger = ReturnType<typeof createLogger>;
