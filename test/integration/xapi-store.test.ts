import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { useTestDatabase } from '../helpers/database.js';
import { buildOrganisation } from '../helpers/factories.js';
import { startTestServer, testConfig } from '../helpers/server.js';
import { createLogger } from '../../src/logger.js';
import { LrsClient } from '../../src/xapi/lrs-client.model.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import type { Projector, StoredStatement } from '../../src/xapi/projectors.js';
import { rebuildProjections } from '../../src/xapi/rebuild.service.js';
import { XapiStatement, statementKey } from '../../src/xapi/statement.model.js';
import { StatementStore } from '../../src/xapi/statement.service.js';
import { createXapiVocabulary } from '../../src/xapi/xapi-vocabulary.js';
import { findStatement } from '../../src/xapi/statement-query.service.js';
import { ensureEnvironmentLrsClientTask, migrateStatementKeys } from '../../src/xapi/xapi-startup.js';

const statement = (verb = 'http://adlnet.gov/expapi/verbs/experienced') => ({
  actor: { objectType: 'Agent', account: { homePage: 'https://akademia.example.pl', name: randomUUID() } },
  verb: { id: verb },
  object: { id: 'http://example.com/activities/a', definition: { extensions: { 'http://example.com/x.y': { 'k.z': true } } } },
});

describe('xapi/statement.service', () => {
  useTestDatabase(import.meta.url);
  const seen: StoredStatement[] = [];
  let resets = 0;
  const recording: Projector = {
    name: 'test-recorder',
    reset: async () => {
      resets += 1;
      seen.length = 0;
    },
    apply: async (statements) => {
      seen.push(...statements);
    },
  };
  const vocabulary = createXapiVocabulary({ baseUrl: 'https://akademia.example.pl', activityBase: 'https://akademia.example.pl/xapi/activities' });
  const logger = createLogger('silent');
  const store = new StatementStore({ vocabulary, projectors: [recording], logger });
  const storeStatements = (statements: unknown[], options: { organisationId: string }) => store.store(statements, options);

  it('persists the statement as a JSON string beside flat query fields and feeds projectors with the organisation', async () => {
    const organisation = await buildOrganisation();
    const organisationId = organisation._id.toHexString();
    const [id] = await storeStatements([statement()], { organisationId });
    const doc = await XapiStatement.findOne({ _id: statementKey(organisationId, id), organisationId: organisation._id }).lean();
    expect(doc?.statementId).to.equal(id);
    expect(doc?.json).to.be.a('string');
    expect(JSON.parse(doc!.json).object.definition.extensions['http://example.com/x.y']).to.deep.equal({ 'k.z': true });
    expect(doc?.activityIds).to.deep.equal(['http://example.com/activities/a']);
    expect(doc?.voided).to.equal(false);
    const received = seen.find((s) => s.id === id);
    expect(received?.organisationId).to.equal(organisationId);
    expect(received?.stored).to.be.a('string');
    expect(received?.authority).to.include({ objectType: 'Agent' });
  });

  it('gives each statement of a batch its own stored instant, so stored order is the order sent', async () => {
    const organisation = await buildOrganisation();
    const batch = Array.from({ length: 8 }, () => statement());
    const ids = await storeStatements(batch, { organisationId: organisation._id.toHexString() });
    const later = await storeStatements([statement()], { organisationId: organisation._id.toHexString() });
    const docs = await XapiStatement.find({ organisationId: organisation._id }).sort({ stored: 1, _id: 1 }).lean();
    expect(docs.map((doc) => doc.statementId)).to.deep.equal([...ids, ...later]);
    expect(new Set(docs.map((doc) => doc.stored.getTime())).size).to.equal(9);
    // The statement's own stored (and the timestamp the LRS filled in) match the indexed field.
    for (const doc of docs) {
      const json = JSON.parse(doc.json) as StoredStatement;
      expect(new Date(json.stored).getTime()).to.equal(doc.stored.getTime());
      expect(json.timestamp).to.equal(json.stored);
    }
  });

  it('does not fail the store when a projector throws: the statements stay and a rebuild repairs', async () => {
    const broken: Projector = { name: 'test-broken', reset: async () => undefined, apply: async () => Promise.reject(new Error('boom')) };
    const storeWithBroken = new StatementStore({ vocabulary, projectors: [broken, recording], logger });
    const organisation = await buildOrganisation();
    const [id] = await storeWithBroken.store([statement()], { organisationId: organisation._id.toHexString() });
    expect(await XapiStatement.countDocuments({ _id: statementKey(organisation._id.toHexString(), id) })).to.equal(1);
    // The projector after the broken one still saw the statement.
    expect(seen.map((s) => s.id)).to.include(id);
  });

  it('rebuild resets every projector and replays all statements in stored order', async () => {
    const organisation = await buildOrganisation();
    await storeStatements([statement('http://example.com/verbs/first')], { organisationId: organisation._id.toHexString() });
    await storeStatements([statement('http://example.com/verbs/second')], { organisationId: organisation._id.toHexString() });
    const total = await XapiStatement.countDocuments({}).setOptions({ acrossOrganisations: true });
    const before = resets;
    const result = await rebuildProjections(store.projectors);
    expect(resets).to.equal(before + 1);
    expect(result.statements).to.equal(total);
    expect(seen).to.have.length(total);
    const stored = seen.map((s) => Date.parse(s.stored));
    expect(stored).to.deep.equal([...stored].sort((a, b) => a - b));
    const verbs = seen.map((s) => s.verb.id);
    expect(verbs.indexOf('http://example.com/verbs/first')).to.be.lessThan(verbs.indexOf('http://example.com/verbs/second'));
  });

  it('leaves nothing of a batch that lost a race for a statement id (409), and all of the winner', async () => {
    const organisationId = (await buildOrganisation())._id.toHexString();
    const shared = randomUUID();
    const [onlyA, onlyB] = [randomUUID(), randomUUID()];
    const results = await Promise.allSettled([
      storeStatements(
        [
          { ...statement(), id: onlyA },
          { ...statement('http://example.com/verbs/a'), id: shared },
        ],
        { organisationId },
      ),
      storeStatements(
        [
          { ...statement(), id: onlyB },
          { ...statement('http://example.com/verbs/b'), id: shared },
        ],
        { organisationId },
      ),
    ]);
    const rejected = results.findIndex((result) => result.status === 'rejected');
    expect(results.filter((result) => result.status === 'rejected')).to.have.length(1);
    expect(((results[rejected] as PromiseRejectedResult).reason as { status: number }).status).to.equal(409);
    const [loser, winner] = rejected === 0 ? [onlyA, onlyB] : [onlyB, onlyA];
    expect(await XapiStatement.countDocuments({ _id: statementKey(organisationId, loser) })).to.equal(0);
    expect(await XapiStatement.countDocuments({ _id: { $in: [winner, shared].map((id) => statementKey(organisationId, id)) } })).to.equal(2);
  });

  it('marks the target voided when the voiding statement arrives, and stores a late target as voided', async () => {
    const organisationId = (await buildOrganisation())._id.toHexString();
    const [target] = await storeStatements([statement()], { organisationId });
    const actor = statement().actor;
    await storeStatements([{ actor, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: target } }], { organisationId });
    expect((await XapiStatement.findOne({ _id: statementKey(organisationId, target) }).lean())?.voided).to.equal(true);
    const late = randomUUID();
    await storeStatements([{ actor, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: late } }], { organisationId });
    await storeStatements([{ ...statement(), id: late }], { organisationId });
    expect((await XapiStatement.findOne({ _id: statementKey(organisationId, late) }).lean())?.voided).to.equal(true);
  });
});

describe('xapi/xapi-startup', () => {
  useTestDatabase(import.meta.url);

  it('creates the XAPI_BASIC_USER client with full rights, and updates its secret on the next start', async () => {
    const organisation = await buildOrganisation();
    const logger = createLogger('silent');
    const config = testConfig({ XAPI_BASIC_USER: 'moodle', XAPI_BASIC_PASSWORD: 'first-secret' });
    await ensureEnvironmentLrsClientTask({ config, logger });
    const server = await startTestServer();
    try {
      const auth = (secret: string) => `Basic ${Buffer.from(`moodle:${secret}`).toString('base64')}`;
      await request(server.url).get('/xapi/statements').set('X-Experience-API-Version', '1.0.3').set('Authorization', auth('first-secret')).expect(200);
      await ensureEnvironmentLrsClientTask({ config: testConfig({ XAPI_BASIC_USER: 'moodle', XAPI_BASIC_PASSWORD: 'second-secret' }), logger });
      await request(server.url).get('/xapi/statements').set('X-Experience-API-Version', '1.0.3').set('Authorization', auth('first-secret')).expect(401);
      await request(server.url).post('/xapi/statements').set('X-Experience-API-Version', '1.0.3').set('Authorization', auth('second-secret')).send(statement()).expect(200);
      const clients = await LrsClient.find({ key: 'moodle' }).setOptions({ acrossOrganisations: true }).lean();
      expect(clients).to.have.length(1);
      // It belongs to the first organisation (the demo one on a fresh install).
      expect(String((clients[0] as { organisationId?: unknown }).organisationId)).to.equal(organisation._id.toHexString());
      expect(clients[0].secretHash).not.to.contain('second-secret');
    } finally {
      await server.close();
    }
  });

  it("refuses XAPI_BASIC_USER equal to the platform's own authority name, which would pass the client off as the platform", async () => {
    await buildOrganisation();
    const config = testConfig({ XAPI_BASIC_USER: 'akademia-jst', XAPI_BASIC_PASSWORD: 'secret-of-some-length' });
    const error = await ensureEnvironmentLrsClientTask({ config, logger: createLogger('silent') }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect((error as { status?: number })?.status).to.equal(409);
    expect(await LrsClient.countDocuments({ key: 'akademia-jst' }).setOptions({ acrossOrganisations: true })).to.equal(0);
  });

  it('never stores the secret of a client created by an administrator', async () => {
    const organisation = await buildOrganisation();
    const created = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'admin-made' });
    const doc = await LrsClient.findOne({ key: created.key, organisationId: organisation._id }).lean();
    expect(doc?.secretHash).to.match(/^scrypt\$/);
    expect(JSON.stringify(doc)).not.to.contain(created.secret);
  });
});

describe('xapi/xapi-startup: migrateStatementKeys', () => {
  useTestDatabase(import.meta.url);

  it('rewrites statements stored with the bare id as `_id` to per-organisation keys, once, surviving an interrupted run', async () => {
    const logger = createLogger('silent');
    const vocabulary = createXapiVocabulary({ baseUrl: 'https://akademia.example.pl', activityBase: 'https://akademia.example.pl/xapi/activities' });
    const store = new StatementStore({ vocabulary, projectors: [], logger });
    const organisation = await buildOrganisation();
    const organisationId = organisation._id.toHexString();
    const [current] = await store.store([statement()], { organisationId });
    // Two statements as the previous version stored them: `_id` = the statement id, no statementId/authorityKey.
    const legacy = (await XapiStatement.findById(statementKey(organisationId, current)).lean())!;
    const { statementId: _statementId, authorityKey: _authorityKey, ...oldShape } = legacy;
    const [first, second] = [randomUUID(), randomUUID()];
    const oldDoc = (id: string) => ({ ...oldShape, _id: id, json: JSON.stringify({ ...JSON.parse(legacy.json), id }) });
    await XapiStatement.collection.insertMany([oldDoc(first), oldDoc(second)] as never[]);
    // An earlier run was interrupted after copying the second one but before deleting its old document.
    await XapiStatement.collection.insertOne({ ...oldDoc(second), _id: statementKey(organisationId, second), statementId: second, authorityKey: 'kept' } as never);
    await mongoose.connection.db!.collection('xapi_migrations').deleteMany({});

    expect(await migrateStatementKeys({ logger })).to.equal(2);
    for (const id of [first, second]) {
      expect(await XapiStatement.collection.countDocuments({ _id: id as never }), 'old document gone').to.equal(0);
      expect((await findStatement(organisationId, id, false)).id).to.equal(id);
    }
    const moved = (await XapiStatement.findById(statementKey(organisationId, first)).lean())!;
    expect(moved.authorityKey).to.equal(`account|https://akademia.example.pl/xapi/clients|akademia-jst`);
    expect((await XapiStatement.findById(statementKey(organisationId, second)).lean())?.authorityKey).to.equal('kept');
    // Done: the next start does not look again, and the statements stored meanwhile are untouched.
    expect(await migrateStatementKeys({ logger })).to.equal(0);
    expect(await XapiStatement.countDocuments({ organisationId: organisation._id })).to.equal(3);
  });

  it('lets two instances starting at once both finish the migration (the marker upsert races on FerretDB)', async () => {
    const logger = createLogger('silent');
    for (let round = 0; round < 5; round += 1) {
      await mongoose.connection.db!.collection('xapi_migrations').deleteMany({});
      const outcomes = await Promise.allSettled([migrateStatementKeys({ logger }), migrateStatementKeys({ logger }), migrateStatementKeys({ logger })]);
      expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'fulfilled', 'fulfilled']);
    }
  });
});
