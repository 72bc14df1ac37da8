// The frame of a maintenance script that works on the platform: config, logger, database, platform; closes the
// database whatever happens and exits non-zero on failure, so each script holds only its own work.
import { loadConfigOrExit } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/logger.js';
import { createPlatform, type Platform } from '../src/platform.js';

/** Runs `work` on a platform over the configured database and prints the line it returns. */
export function runPlatformScript(work: (platform: Platform, databaseKind: string) => Promise<string>): void {
  const main = async () => {
    const config = loadConfigOrExit();
    const logger = createLogger(config.LOG_LEVEL);
    const database = await openDatabase(config);
    try {
      console.log(await work(await createPlatform(config, logger), database.kind));
    } finally {
      await database.close();
    }
  };
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
