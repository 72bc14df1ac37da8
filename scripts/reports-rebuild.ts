// npm run reports:rebuild — rebuilds HR's training standings (the matrix's read model) of every organisation.
import { loadConfigOrExit } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/logger.js';
import { Organisation } from '../src/organisations/organisation.model.js';
import { createPlatform } from '../src/platform.js';
import { rebuildOfficeStandings } from '../src/reports/training-standings.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config);
  try {
    const platform = await createPlatform(config, logger);
    // Every organisation (a CLI, never a request): each rebuild scans that office's enrolments.
    const organisations = await Organisation.find({}).select('_id name').lean<Array<{ _id: unknown; name: string }>>();
    let enrolments = 0;
    for (const organisation of organisations) enrolments += await rebuildOfficeStandings(platform, String(organisation._id));
    console.log(`Rebuilt the training standings of ${organisations.length} organisations from ${enrolments} enrolments (${database.kind}).`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
