// The application logger (pino). Secrets are redacted wherever they might appear.
import { pino } from 'pino';

export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.passwordConfirm', '*.token', '*.secret', '*._csrf'];

/** The logger at `level`, to stdout, or to `destination` (a test that reads what was logged). */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

export type Logger = ReturnType<typeof createLogger>;
