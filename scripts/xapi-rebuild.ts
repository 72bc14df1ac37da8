// npm run xapi:rebuild — rebuilds learning progress and other derived data from the stored xAPI statements.
import { createApp } from '../src/app.js';
import { loadConfigOrExit } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/logger.js';
import { rebuildProjections } from '../src/xapi/rebuild.service.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config);
  try {
    // Building the app registers every feature's projector (and sets the xAPI settings); it does not listen.
    await createApp({ config, logger });
    const result = await rebuildProjections();
    console.log(`Replayed ${result.statements} statements into ${result.projectors.length ? result.projectors.join(', ') : 'no projectors'} (${database.kind}).`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
