// npm run operator:create -- --email <e> --name "<full name>": the platform organisation (once) and an invited operator.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/logger.js';
import { createOperator } from '../src/organisations/operator.service.js';
import { AppointAdministratorBody } from '../src/organisations/organisation.schemas.js';
import { createPlatform } from '../src/platform.js';

const USAGE = 'Usage: npm run operator:create -- --email operator@example.pl --name "Imię Nazwisko"';

/** Creates the operator and returns the exit code (0 done, 2 bad arguments, 3 the address has an account). */
async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // The same rules as the appointment form: a real address, a name fit for mails.
  const parsed = AppointAdministratorBody.safeParse({ email: values.email ?? '', fullName: values.name ?? '' });
  if (!parsed.success) {
    console.error(
      `operator:create: ${parsed.error.issues.map((issue) => `--${issue.path.join('.') === 'fullName' ? 'name' : 'email'} is missing or invalid`).join('; ')}\n${USAGE}`,
    );
    return 2;
  }
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config);
  try {
    const platform = await createPlatform(config, logger);
    const outcome = await createOperator(platform, { email: parsed.data.email, fullName: parsed.data.fullName });
    if (!outcome.invited) {
      console.error(`operator:create: ${parsed.data.email} already has an account; nothing was changed.`);
      return 3;
    }
    console.log(`operator:create: invited ${parsed.data.fullName} <${parsed.data.email}> as the platform operator.`);
    console.log(`The invitation was queued for mail${config.SMTP_URL ? '' : ' (no SMTP_URL is set: it will not be delivered)'}.`);
    console.log('One-time link to choose the password (valid 7 days, do not share it):');
    console.log(`  ${outcome.link}`);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
