// Start-up work of the xAPI feature: the LRS client named by the environment, and the one-off statement migrations.
import mongoose from 'mongoose';
import { runOnce } from '../db/migrations.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { ensureEnvironmentLrsClient, organisationForEnvironmentClient } from './lrs-client.service.js';
import { agentKey } from './statement-keys.js';
import { setLrsFact } from './lrs-fact.model.js';
import { XapiStatement, statementKey, statementsOf } from './statement.model.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

/** Creates or updates the full-rights client XAPI_BASIC_USER / XAPI_BASIC_PASSWORD (first organisation). */
export async function ensureEnvironmentLrsClientTask({ config, logger }: { config: Config; logger: Logger }): Promise<void> {
  if (!config.XAPI_BASIC_USER || !config.XAPI_BASIC_PASSWORD) return;
  const organisationId = await organisationForEnvironmentClient();
  await ensureEnvironmentLrsClient({ key: config.XAPI_BASIC_USER, secret: config.XAPI_BASIC_PASSWORD, organisationId });
  logger.info({ key: config.XAPI_BASIC_USER }, 'LRS client from XAPI_BASIC_USER is ready');
}

/** Marks a finished migration, so later starts check one `_id` instead of scanning the statement log. */
const MIGRATIONS = 'xapi_migrations';
const STATEMENT_KEYS_MIGRATION = 'statement-keys-per-organisation';

interface LegacyStatement {
  _id: string;
  organisationId: mongoose.Types.ObjectId;
  json: string;
  [field: string]: unknown;
}

/**
 * Rewrites statements stored before statement ids became per organisation (`_id` = bare id) to the current
 * form (`_id` = `<organisationId>:<id>`, `statementId`, `authorityKey`). Idempotent and safe to interrupt:
 * each statement is copied under its new key first (an existing copy is kept), then the old document is
 * deleted; a finished run is marked so that later starts cost one look-up. Returns how many were moved.
 */
export async function migrateStatementKeys({ logger }: { logger: Pick<Logger, 'info'> }): Promise<number> {
  const done = await runOnce(MIGRATIONS, STATEMENT_KEYS_MIGRATION, async () => {
    // Cross-tenant by design: a one-off rewrite of every organisation's statements; each keeps its organisationId.
    // The raw collection: the documents to move do not have the fields the current schema requires.
    const statements = XapiStatement.collection;
    const legacyIds = (await statements.find({ statementId: { $exists: false } }, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id));
    let moved = 0;
    for (const legacyId of legacyIds) {
      const doc = (await statements.findOne({ _id: legacyId as never })) as LegacyStatement | null;
      if (!doc) continue;
      const { _id, ...rest } = doc;
      const authority = (JSON.parse(doc.json) as { authority?: unknown }).authority;
      try {
        await statements.insertOne({
          ...rest,
          _id: statementKey(doc.organisationId.toHexString(), _id) as never,
          statementId: _id.toLowerCase(),
          authorityKey: agentKey(authority) ?? '',
        });
      } catch (error) {
        // Copied by an earlier, interrupted run (or a second instance starting at the same time): keep that copy.
        if (!isDuplicateKeyError(error)) throw error;
      }
      await statements.deleteOne({ _id: legacyId as never });
      moved += 1;
    }
    if (moved) logger.info({ moved }, 'xAPI statements rewritten to per-organisation keys');
    return moved;
  });
  return done ?? 0;
}

/** Documents moved per round: read with a bare limit (pushed down to SQL on FerretDB), copied, then deleted. */
const PARTITION_MIGRATION_BATCH = 500;

/**
 * Moves the statements left in the shared collection `xapi_statements` (stored before the log was split per
 * organisation) into their organisation's own collection (statementsOf). Idempotent and safe to interrupt: a
 * document is first inserted into the partition (a duplicate key means an earlier run copied it: that copy is
 * kept), then deleted from the shared collection by `_id`; a re-run finds only what is left. The StatementRef
 * marker of an office is set before its statements with references arrive. Runs after migrateStatementKeys
 * (it moves documents in their current form). When nothing is left it costs one read of one document.
 * Returns how many were moved.
 */
export async function migrateStatementPartitions({ logger }: { logger: Pick<Logger, 'info'> }): Promise<number> {
  // Cross-tenant by design: the shared collection holds every organisation's old statements; each goes to its own.
  // The raw collection: documents are moved as they are, whatever fields an older version gave them.
  const shared = XapiStatement.collection;
  let moved = 0;
  for (;;) {
    const docs = (await shared.find({}, { limit: PARTITION_MIGRATION_BATCH }).toArray()) as unknown as LegacyStatement[];
    if (!docs.length) break;
    const byOrganisation = new Map<string, LegacyStatement[]>();
    for (const doc of docs) {
      const organisationId = String(doc.organisationId);
      byOrganisation.set(organisationId, [...(byOrganisation.get(organisationId) ?? []), doc]);
    }
    for (const [organisationId, group] of byOrganisation) {
      if (group.some((doc) => doc.targetId)) await setLrsFact(organisationId, 'statement-refs');
      const partition = (await statementsOf(organisationId)).collection;
      try {
        await partition.insertMany(group as never[], { ordered: false });
      } catch (error) {
        // Copied by an earlier, interrupted run (or a second instance migrating at the same time): keep that copy.
        const writeErrors = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors;
        if (!(writeErrors?.length && writeErrors.every((writeError) => writeError.code === 11000)) && !isDuplicateKeyError(error)) throw error;
      }
      // One delete per document by `_id` alone: `$in` would scan the shared collection once per round.
      for (let start = 0; start < group.length; start += 20) {
        await Promise.all(group.slice(start, start + 20).map((doc) => shared.deleteOne({ _id: doc._id as never })));
      }
      moved += group.length;
    }
  }
  if (moved) logger.info({ moved }, 'xAPI statements moved into per-organisation collections');
  return moved;
}
