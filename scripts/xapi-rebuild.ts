// npm run xapi:rebuild — rebuilds learning progress and other derived data from the stored xAPI statements.
import { loadConfigOrExit } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/logger.js';
import { createPlatform } from '../src/platform.js';
import { rebuildProjections } from '../src/xapi/rebuild.service.js';
import { migrateStatementKeys, migrateStatementPartitions } from '../src/xapi/xapi-startup.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config);
  try {
    const platform = await createPlatform(config, logger);
    // A rebuild may run before the upgraded server first started: the replay reads statements by their current keys.
    await migrateStatementKeys(platform);
    await migrateStatementPartitions(platform);
    const result = await rebuildProjections(platform.statements.projectors);
    console.log(`Replayed ${result.statements} statements into ${result.projectors.length ? result.projectors.join(', ') : 'no projectors'} (${database.kind}).`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
