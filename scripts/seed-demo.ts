// npm run seed:demo — creates the demo organisation and users (idempotent), then exits.
import { loadConfigOrExit } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/logger.js';
import { DEMO_USERS, seedDemo } from '../src/demo/demo-seed.js';
import { createPlatform } from '../src/platform.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // The demo passwords are public (README): never on a production installation.
  if (config.isProduction) {
    console.error('seed:demo: refused with NODE_ENV=production (the demo accounts have public passwords).');
    process.exit(78);
  }
  const logger = createLogger(config.LOG_LEVEL);
  // Starts the embedded FerretDB itself when MONGODB_URI is unset (same data directory as the server).
  const database = await openDatabase(config);
  try {
    // The same wiring as the server: the demo learner's statements carry this installation's BASE_URL.
    const result = await seedDemo(await createPlatform(config, logger));
    console.log(`Demo data ready (${database.kind}); new users: ${result.createdUsers.length ? result.createdUsers.join(', ') : 'none'}.`);
    console.log('Demo logins:');
    for (const user of DEMO_USERS) console.log(`  ${user.email.padEnd(34)} ${user.password.padEnd(20)} ${user.roles.join(', ')}`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
