// npm run reports:rebuild — rebuilds HR's training standings (the matrix's read model) of every organisation.
import { Organisation } from '../src/organisations/organisation.model.js';
import { rebuildOfficeStandings } from '../src/reports/training-standings.js';
import { runPlatformScript } from './platform-script.js';

runPlatformScript(async (platform, databaseKind) => {
  // Every organisation (a CLI, never a request): each rebuild scans that office's enrolments.
  const organisations = await Organisation.find({}).select('_id name').lean<Array<{ _id: unknown; name: string }>>();
  let enrolments = 0;
  for (const organisation of organisations) enrolments += await rebuildOfficeStandings(platform, String(organisation._id));
  return `Rebuilt the training standings of ${organisations.length} organisations from ${enrolments} enrolments (${databaseKind}).`;
});
