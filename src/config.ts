// Reads and validates the environment once; nothing else in the code reads process.env.
import { isIP } from 'node:net';
import path from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';
import { decodeSecretsKey } from './secrets/secret-box.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** The names express's `trust proxy` knows for address ranges (proxy-addr). */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IPv4/IPv6 address, optionally with a /prefix, or one of PROXY_RANGE_NAMES. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: which X-Forwarded-For entries come from proxies of ours. `false` (none), a hop count (`1` = one
 * proxy in front), or a comma-separated list of proxy addresses/CIDRs (`10.0.0.5, 10.1.0.0/16, loopback`);
 * this is what express's `trust proxy` accepts. `true` is kept as the word `true` (loadConfig decides).
 */
const trustProxySetting = z
  .string()
  .trim()
  .transform((value, context): false | true | number | string[] => {
    const lower = value.toLowerCase();
    if (['false', 'no', '0'].includes(lower)) return false;
    if (['true', 'yes'].includes(lower)) return true;
    if (/^\d{1,2}$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    const wrong = entries.filter((entry) => !isProxyAddress(entry));
    if (wrong.length === 0) return entries;
    context.addIssue({
      code: 'custom',
      message: `expected false, the number of proxies in front (e.g. 1), or proxy addresses/CIDRs such as 10.0.0.5,10.1.0.0/16 (not an address: ${wrong.join(', ')})`,
    });
    return z.NEVER;
  });

/** Whether croner accepts the pattern (a paused job is built and thrown away). */
function isCronPattern(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Public address of the platform: links in e-mails, certificate QR codes, xAPI actor homePage. */
  BASE_URL: z.url({ message: 'expected an absolute URL such as https://akademia.example.pl' }).optional(),
  /** A real MongoDB; when unset the embedded FerretDB is started. */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, { message: 'expected a mongodb:// or mongodb+srv:// connection string' })
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  FERRETDB_BIN: z.string().min(1).optional(),
  /**
   * How long a request waits for an unreachable database before it is answered 503 with Retry-After, in ms.
   * Raise it on a MongoDB replica set whose elections take longer than you want clients to retry.
   */
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: z.coerce.number({ message: 'expected a whole number of milliseconds' }).int().min(100).max(60_000).default(1500),
  SESSION_SECRET: z.string().min(32, { message: 'expected at least 32 characters' }).optional(),
  /** Seals the secrets kept in the database (the badge signing key): 32 bytes, hex or base64 (secrets/secret-box.ts). */
  SECRETS_KEY: z
    .string()
    .refine((value) => decodeSecretsKey(value) !== undefined, { message: 'expected 32 random bytes as 64 hex characters (openssl rand -hex 32) or base64' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** SMTP connection, e.g. smtp://mailpit:1025. Unset: mail is kept in the outbox collection only. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, { message: 'expected smtp://host:port or smtps://…' })
    .optional(),
  MAIL_FROM: z.string().min(3).default('Akademia JST <no-reply@akademia-jst.local>'),
  /** How often the mail sender looks for due messages in the outbox, in seconds (with SMTP_URL only). */
  MAIL_SEND_INTERVAL_SECONDS: z.coerce.number({ message: 'expected a whole number of seconds' }).int().min(1).max(3600).default(5),
  /** Address for accessibility problems and requests, shown in the accessibility statement (set it in production). */
  ACCESSIBILITY_CONTACT_EMAIL: z.email({ message: 'expected an e-mail address' }).default('dostepnosc@akademia-jst.local'),
  /** The accessibility coordinator of the operator and a phone number, named in the accessibility statement. */
  ACCESSIBILITY_COORDINATOR: z.string().trim().min(1).max(200).optional(),
  ACCESSIBILITY_PHONE: z.string().trim().min(3).max(40).optional(),
  /**
   * Who runs this installation, as the public pages (privacy notice, terms, contact) name it: its name, address,
   * e-mail and phone, and whether it is a processor for the offices (the usual case: each office is the controller of
   * its staff's training data) or a controller itself.
   */
  OPERATOR_NAME: z.string().trim().min(1).max(300).default('Operator platformy Akademia JST'),
  OPERATOR_ADDRESS: z.string().trim().min(1).max(300).optional(),
  OPERATOR_EMAIL: z.email({ message: 'expected an e-mail address' }).default('kontakt@akademia-jst.local'),
  OPERATOR_PHONE: z.string().trim().min(3).max(40).optional(),
  OPERATOR_ROLE: z.enum(['processor', 'controller'], { message: 'expected processor or controller' }).default('processor'),
  /** The operator's data protection officer (inspektor ochrony danych). */
  IOD_NAME: z.string().trim().min(1).max(200).optional(),
  IOD_EMAIL: z.email({ message: 'expected an e-mail address' }).default('iod@akademia-jst.local'),
  IOD_PHONE: z.string().trim().min(3).max(40).optional(),
  /** Base IRI of the platform's xAPI activity ids; defaults to BASE_URL + /xapi/activities. */
  XAPI_ACTIVITY_BASE: z.url({ message: 'expected an absolute IRI' }).optional(),
  XAPI_BASIC_USER: z.string().min(1).optional(),
  XAPI_BASIC_PASSWORD: z.string().min(8, { message: 'expected at least 8 characters' }).optional(),
  /**
   * Requests per minute one address may make to the LRS with one client key (429 above; 0 = no limit). 12,000
   * (200 a second for a whole minute) so that no real client meets it: a bulk sync pages with `more` one page after
   * another and a bulk upload sends up to XAPI_MAX_STATEMENTS_PER_REQUEST statements per request, so both are held
   * back by the LRS's answers long before this; an office's learners behind one NAT address share one bucket per
   * key. It stops a client stuck in a loop without pause. The old 1,200 throttled an ordinary sync into 429s; secret
   * guessing is held by XAPI_AUTH_FAILURES_PER_MINUTE instead. README "Sizing the LRS limits".
   */
  XAPI_RATE_LIMIT_PER_MINUTE: z.coerce.number({ message: 'expected a whole number' }).int().min(0).default(12000),
  /**
   * Failed authentications (401: unknown key or wrong secret) per minute one address may make with one client key;
   * then 429 until the minute is over, before any secret is checked. Each wrong secret costs an scrypt (about 0.1 s
   * of CPU), and a client with the right secret never fails, so 30 is plenty for a mistyped secret and stops guessing.
   */
  XAPI_AUTH_FAILURES_PER_MINUTE: z.coerce.number({ message: 'expected a whole number' }).int().min(1).default(30),
  /** Largest LRS request body (statement batch with attachments, document) in megabytes; 413 above. */
  XAPI_MAX_BODY_MB: z.coerce.number({ message: 'expected a whole number' }).int().min(1).max(1024).default(20),
  /** Most statements one request may carry (POST batch); 413 above, so one client cannot hold the store for minutes. */
  XAPI_MAX_STATEMENTS_PER_REQUEST: z.coerce.number({ message: 'expected a whole number' }).int().min(1).max(10000).default(500),
  /** Load the demo organisation and users on first start (default: yes on the embedded database, never in production). */
  SEED_DEMO: booleanFlag.optional(),
  COURSES_DIR: z.string().min(1).default('./courses'),
  /** Which proxies in front may tell the client's address (X-Forwarded-For): false, a hop count or addresses. */
  TRUST_PROXY: trustProxySetting.default(false),
  /** Sign-ups per hour from one address, whatever e-mail is typed (429 above); high, for offices behind one NAT. */
  SIGNUP_RATE_LIMIT_PER_HOUR: z.coerce.number({ message: 'expected a whole number' }).int().min(1).default(100),
  /** Requests per minute one address may make to the public certificate verification pages and uploads. */
  VERIFY_RATE_LIMIT_PER_MINUTE: z.coerce.number({ message: 'expected a whole number' }).int().min(1).default(30),
  /** When expired sessions are deleted (cron); every 10 minutes by default. */
  /** A cmi5 AU session with no request for this long (and no `terminated`) is closed as `abandoned` (src/cmi5/). */
  CMI5_SESSION_TIMEOUT_MINUTES: z.coerce.number({ message: 'expected a whole number' }).int().min(5).max(10_080).default(240),
  SESSION_CLEANUP_CRON: z.string().trim().default('*/10 * * * *').refine(isCronPattern, { message: "expected a cron pattern such as '*/10 * * * *'" }),
  /** When HR reminders of due courses are e-mailed (cron, Europe/Warsaw time), or `off`. Default: weekdays 08:00. */
  REMINDER_CRON: z
    .string()
    .trim()
    .default('0 8 * * 1-5')
    .refine((value) => value === 'off' || isCronPattern(value), { message: "expected a cron pattern such as '0 8 * * 1-5', or off" }),
  /** When the retention job deletes what its periods say (cron, Europe/Warsaw time), or `off`. Default: 03:15 daily. */
  RETENTION_CRON: z
    .string()
    .trim()
    .default('15 3 * * *')
    .refine((value) => value === 'off' || isCronPattern(value), { message: "expected a cron pattern such as '15 3 * * *', or off" }),
  /** When the LDAP directories are synchronised (cron, Europe/Warsaw time), or `off`. Default: 02:30 daily. */
  LDAP_SYNC_CRON: z
    .string()
    .trim()
    .default('30 2 * * *')
    .refine((value) => value === 'off' || isCronPattern(value), { message: "expected a cron pattern such as '30 2 * * *', or off" }),
  // Retention periods in days (README, "Retention" gives each default's reason).
  /** A leaver's (deactivated) account is erased this long after it was deactivated. */
  RETENTION_DEACTIVATED_ACCOUNT_DAYS: z.coerce.number({ message: 'expected a whole number of days' }).int().min(1).max(36500).default(1825),
  /** An invitation never accepted or a registration never approved is deleted this long after it was made. */
  RETENTION_UNFINISHED_ACCOUNT_DAYS: z.coerce.number({ message: 'expected a whole number of days' }).int().min(1).max(36500).default(90),
  /** The answers of a submitted quiz attempt are cleared this long after it (the score and the result stay). */
  RETENTION_ATTEMPT_ANSWERS_DAYS: z.coerce.number({ message: 'expected a whole number of days' }).int().min(1).max(36500).default(730),
  /** Statements stored this long ago have their learner replaced by a pseudonym. */
  RETENTION_IDENTIFIABLE_STATEMENTS_DAYS: z.coerce.number({ message: 'expected a whole number of days' }).int().min(1).max(36500).default(1825),
  /** Delivered or failed outbox messages are deleted this long after they were queued. */
  RETENTION_MAIL_DAYS: z.coerce.number({ message: 'expected a whole number of days' }).int().min(1).max(36500).default(30),
  /** Audit trail entries are deleted this long after they were written. */
  RETENTION_AUDIT_DAYS: z.coerce.number({ message: 'expected a whole number of days' }).int().min(1).max(36500).default(1825),
  /** Access trail entries (who viewed whose data) are deleted this long after they were written. */
  RETENTION_ACCESS_TRAIL_DAYS: z.coerce.number({ message: 'expected a whole number of days' }).int().min(1).max(36500).default(730),
});

export type Config = Omit<z.infer<typeof ConfigSchema>, 'BASE_URL' | 'XAPI_ACTIVITY_BASE' | 'TRUST_PROXY'> & {
  /** What express's `trust proxy` gets: false, a hop count, or proxy addresses/CIDRs (never `true`). */
  TRUST_PROXY: false | number | string[];
  BASE_URL: string;
  XAPI_ACTIVITY_BASE: string;
  DATA_DIR: string;
  COURSES_DIR: string;
  isProduction: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates an environment (process.env by default) and returns the typed config or throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are how compose files and shells say "unset".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(cleaned[String(issue.path[0])])})`));
  }
  const values = parsed.data;
  const isProduction = values.NODE_ENV === 'production';
  const missingInProduction = [
    ...(values.SESSION_SECRET ? [] : ['SESSION_SECRET: required in production (at least 32 random characters)']),
    // The badge signing key is sealed under it: a key made up per start would lose the badges' key at the next.
    ...(values.SECRETS_KEY ? [] : ['SECRETS_KEY: required in production (openssl rand -hex 32; keep it with the backups, apart from them)']),
    // Every xAPI statement carries IRIs built on BASE_URL, and statements are immutable: a guessed address
    // (localhost) would be stored for good, so production never guesses it.
    ...(values.BASE_URL ? [] : ['BASE_URL: required in production (the public address, e.g. https://akademia.gmina.pl)']),
  ];
  if (isProduction && missingInProduction.length) throw new ConfigError(missingInProduction);
  // The demo accounts' passwords are in the README: a production installation must never get them.
  if (isProduction && values.SEED_DEMO) {
    throw new ConfigError(['SEED_DEMO: demo data (public passwords) is refused in production; unset it or set SEED_DEMO=false']);
  }
  // `true` trusts every X-Forwarded-For entry, so a client names its own address and escapes every rate
  // limit (issue 10). Production refuses it; elsewhere it is read as one proxy in front, what it meant in practice.
  if (isProduction && values.TRUST_PROXY === true) {
    throw new ConfigError([
      'TRUST_PROXY: true is refused in production: it lets any client choose its address (X-Forwarded-For) and escape the rate limits. Set the number of proxies in front (usually TRUST_PROXY=1) or their addresses (e.g. TRUST_PROXY=10.0.0.5,10.1.0.0/16)',
    ]);
  }
  if (Boolean(values.XAPI_BASIC_USER) !== Boolean(values.XAPI_BASIC_PASSWORD)) {
    throw new ConfigError(['XAPI_BASIC_USER and XAPI_BASIC_PASSWORD: set both or neither']);
  }
  // Outside production the address the server listens on is a fair guess (development, tests).
  const baseUrl = (values.BASE_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, '');
  return {
    ...values,
    BASE_URL: baseUrl,
    TRUST_PROXY: values.TRUST_PROXY === true ? 1 : values.TRUST_PROXY,
    // Unset outside production: the platform keeps one in DATA_DIR (auth/session-secret.ts), so that this
    // module only ever reads the environment and a restart does not sign everyone out.
    SESSION_SECRET: values.SESSION_SECRET,
    XAPI_ACTIVITY_BASE: (values.XAPI_ACTIVITY_BASE ?? `${baseUrl}/xapi/activities`).replace(/\/+$/, ''),
    DATA_DIR: path.resolve(values.DATA_DIR),
    COURSES_DIR: path.resolve(values.COURSES_DIR),
    isProduction,
  };
}

/** For entry points (server, CLIs): the config, or the list of bad variables on stderr and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}
