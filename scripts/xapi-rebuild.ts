// npm run xapi:rebuild — rebuilds learning progress and other derived data from the stored xAPI statements.
import { rebuildProjections } from '../src/xapi/rebuild.service.js';
import { migrateStatementKeys, migrateStatementPartitions } from '../src/xapi/xapi-startup.js';
import { runPlatformScript } from './platform-script.js';

runPlatformScript(async (platform, databaseKind) => {
  // A rebuild may run before the upgraded server first started: the replay reads statements by their current keys.
  await migrateStatementKeys(platform);
  await migrateStatementPartitions(platform);
  const result = await rebuildProjections(platform.statements.projectors);
  return `Replayed ${result.statements} statements into ${result.projectors.length ? result.projectors.join(', ') : 'no projectors'} (${databaseKind}).`;
});
