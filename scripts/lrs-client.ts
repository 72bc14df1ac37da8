// npm run lrs:client -- create | list | trust | delete: LRS clients of one organisation (see USAGE).
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { AppError, NotFoundError } from '../src/http/errors.js';
import { createLrsClient, deleteLrsClient, listLrsClients, organisationIdBySlug, setTrustedCourses } from '../src/xapi/lrs-client.service.js';

const USAGE = `Usage:
  npm run lrs:client -- create --org <organisation-slug> [--name <name>] [--read-only | --write-only] [--trust-course <course-id>]...
  npm run lrs:client -- list --org <organisation-slug>
  npm run lrs:client -- trust --org <organisation-slug> --key <client-key> [--trust-course <course-id>]...
  npm run lrs:client -- delete --org <organisation-slug> --key <client-key>

--trust-course (repeatable): the client's statements about that course count towards learners' progress and
HR reports. Without it they are stored and served but move no progress. "trust" replaces the list (none given: none).`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      key: { type: 'string' },
      name: { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      'write-only': { type: 'boolean', default: false },
      'trust-course': { type: 'string', multiple: true, default: [] },
    },
  });
  const command = positionals[0];
  const needsKey = command === 'delete' || command === 'trust';
  if (!['create', 'list', 'trust', 'delete'].includes(command ?? '') || !values.org || (needsKey && !values.key) || (values['read-only'] && values['write-only'])) {
    console.error(USAGE);
    process.exit(64); // EX_USAGE
  }
  const config = loadConfigOrExit();
  const database = await openDatabase(config);
  try {
    const organisationId = await organisationIdBySlug(values.org);
    const trustedCourseIds = values['trust-course'];
    if (needsKey) {
      const client = (await listLrsClients(organisationId)).find((candidate) => candidate.key === values.key);
      if (!client) throw new NotFoundError(`No LRS client with the key "${values.key}" in ${values.org}.`);
      if (command === 'trust') {
        await setTrustedCourses(organisationId, client.clientId, trustedCourseIds);
        console.log(
          `LRS client ${values.key} is trusted for: ${trustedCourseIds.length ? trustedCourseIds.join(', ') : 'no course'}. Run npm run xapi:rebuild to apply it to statements already stored.`,
        );
        return;
      }
      await deleteLrsClient(organisationId, client.clientId);
      console.log(`LRS client ${values.key} deleted; its key no longer works.`);
      return;
    }
    if (command === 'list') {
      for (const client of await listLrsClients(organisationId)) {
        const access = `${client.canRead ? 'read' : ''}${client.canRead && client.canWrite ? '+' : ''}${client.canWrite ? 'write' : ''}`;
        console.log(`${client.key}\t${client.name}\t${access}\ttrusted for: ${client.trustedCourseIds.length ? client.trustedCourseIds.join(', ') : '-'}`);
      }
      return;
    }
    const created = await createLrsClient({
      organisationId,
      name: values.name ?? `CLI ${new Date().toISOString().slice(0, 10)}`,
      canRead: !values['write-only'],
      canWrite: !values['read-only'],
      trustedCourseIds,
    });
    console.log(`LRS client created for ${values.org}. The secret is shown only now — store it safely.`);
    console.log(`Endpoint: ${config.BASE_URL}/xapi/`);
    console.log(`Key:      ${created.key}`);
    console.log(`Secret:   ${created.secret}`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof AppError ? error.message : error);
  process.exit(1);
});
