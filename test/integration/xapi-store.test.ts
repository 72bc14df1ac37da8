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
import { XapiStatement, organisationsWithStatements, statementKey, statementsOf } from '../../src/xapi/statement.model.js';
import { StatementStore } from '../../src/xapi/statement.service.js';
import { createXapiVocabulary } from '../../src/xapi/xapi-vocabulary.js';
import { findStatement, queryStatements, type StatementFilter } from '../../src/xapi/statement-query.service.js';
import { ensureEnvironmentLrsClientTask, migrateStatementKeys, migrateStatementPartitions } from '../../src/xapi/xapi-startup.js';
import { hasLrsFact } from '../../src/xapi/lrs-fact.model.js';
import { partitionName } from '../../src/db/partitions.js';

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
    const doc = await (await statementsOf(organisationId)).findOne({ _id: statementKey(organisationId, id) }).lean();
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
    const docs = await (await statementsOf(organisation._id)).find({ organisationId: organisation._id }).sort({ stored: 1, _id: 1 }).lean();
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
    expect(await (await statementsOf(organisation._id)).countDocuments({ _id: statementKey(organisation._id.toHexString(), id) })).to.equal(1);
    // The projector after the broken one still saw the statement.
    expect(seen.map((s) => s.id)).to.include(id);
  });

  it('rebuild resets every projector and replays all statements in stored order', async () => {
    const organisation = await buildOrganisation();
    await storeStatements([statement('http://example.com/verbs/first')], { organisationId: organisation._id.toHexString() });
    await storeStatements([statement('http://example.com/verbs/second')], { organisationId: organisation._id.toHexString() });
    let total = 0;
    for (const office of await organisationsWithStatements()) total += await (await statementsOf(office)).countDocuments({ organisationId: office });
    expect(total).to.be.greaterThan(2);
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
    const log = await statementsOf(organisationId);
    expect(await log.countDocuments({ _id: statementKey(organisationId, loser) })).to.equal(0);
    expect(await log.countDocuments({ _id: { $in: [winner, shared].map((id) => statementKey(organisationId, id)) } })).to.equal(2);
  });

  it('marks the target voided when the voiding statement arrives, and stores a late target as voided', async () => {
    const organisationId = (await buildOrganisation())._id.toHexString();
    const [target] = await storeStatements([statement()], { organisationId });
    const log = await statementsOf(organisationId);
    const actor = statement().actor;
    await storeStatements([{ actor, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: target } }], { organisationId });
    expect((await log.findOne({ _id: statementKey(organisationId, target) }).lean())?.voided).to.equal(true);
    const late = randomUUID();
    await storeStatements([{ actor, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: late } }], { organisationId });
    await storeStatements([{ ...statement(), id: late }], { organisationId });
    expect((await log.findOne({ _id: statementKey(organisationId, late) }).lean())?.voided).to.equal(true);
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
    const log = await statementsOf(organisationId);
    // Two statements as the previous version stored them: `_id` = the statement id, no statementId/authorityKey,
    // in the shared collection (before the per-organisation split).
    const legacy = (await log.findById(statementKey(organisationId, current)).lean())!;
    const { statementId: _statementId, authorityKey: _authorityKey, ...oldShape } = legacy;
    const [first, second] = [randomUUID(), randomUUID()];
    const oldDoc = (id: string) => ({ ...oldShape, _id: id, json: JSON.stringify({ ...JSON.parse(legacy.json), id }) });
    await XapiStatement.collection.insertMany([oldDoc(first), oldDoc(second)] as never[]);
    // An earlier run was interrupted after copying the second one but before deleting its old document.
    await XapiStatement.collection.insertOne({ ...oldDoc(second), _id: statementKey(organisationId, second), statementId: second, authorityKey: 'kept' } as never);
    await mongoose.connection.db!.collection('xapi_migrations').deleteMany({});

    expect(await migrateStatementKeys({ logger })).to.equal(2);
    // Then out of the shared collection into the office's own (what start-up runs next).
    expect(await migrateStatementPartitions({ logger })).to.equal(2);
    for (const id of [first, second]) {
      expect(await XapiStatement.collection.countDocuments({ _id: id as never }), 'old document gone').to.equal(0);
      expect((await findStatement(organisationId, id, false)).id).to.equal(id);
    }
    const moved = (await log.findById(statementKey(organisationId, first)).lean())!;
    expect(moved.authorityKey).to.equal(`account|https://akademia.example.pl/xapi/clients|akademia-jst`);
    expect((await log.findById(statementKey(organisationId, second)).lean())?.authorityKey).to.equal('kept');
    // Done: the next start does not look again, and the statements stored meanwhile are untouched.
    expect(await migrateStatementKeys({ logger })).to.equal(0);
    expect(await log.countDocuments({ organisationId: organisation._id })).to.equal(3);
    expect(await XapiStatement.collection.countDocuments({})).to.equal(0);
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

describe('xapi/statement.model: one statement log per organisation (db/partitions)', () => {
  useTestDatabase(import.meta.url);
  const logger = createLogger('silent');
  const vocabulary = createXapiVocabulary({ baseUrl: 'https://akademia.example.pl', activityBase: 'https://akademia.example.pl/xapi/activities' });
  const store = new StatementStore({ vocabulary, projectors: [], logger });
  const filter = (overrides: Partial<StatementFilter>): StatementFilter => ({ relatedActivities: false, relatedAgents: false, ascending: false, limit: 0, ...overrides });
  const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

  it("keeps each office's statements in its own collection, never visible in another office's queries", async () => {
    const [a, b] = [(await buildOrganisation())._id.toHexString(), (await buildOrganisation())._id.toHexString()];
    const sharedId = randomUUID();
    const registration = randomUUID();
    const ofA = { ...statement(), id: sharedId, context: { registration } };
    const ofB = { ...statement('http://example.com/verbs/other'), id: sharedId, actor: ofA.actor, context: { registration } };
    await store.store([ofA], { organisationId: a });
    // The same id and the same learner in office B: a different statement, no conflict.
    await store.store([ofB], { organisationId: b });
    const names = (await mongoose.connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).to.include.members([partitionName(XapiStatement, a), partitionName(XapiStatement, b)]);
    expect(await XapiStatement.collection.countDocuments({}), 'nothing in the shared collection').to.equal(0);
    expect(await organisationsWithStatements()).to.include.members([a, b]);

    for (const [office, verb] of [
      [a, 'http://adlnet.gov/expapi/verbs/experienced'],
      [b, 'http://example.com/verbs/other'],
    ] as const) {
      const key = `account|https://akademia.example.pl|${ofA.actor.account.name}`;
      for (const query of [
        filter({}),
        filter({ agentKey: key }),
        filter({ registration }),
        filter({ activity: 'http://example.com/activities/a' }),
        filter({ since: new Date(0) }),
      ]) {
        const { rows } = await queryStatements(office, query);
        expect(rows.map((row) => JSON.parse(row.json).verb.id)).to.deep.equal([verb]);
      }
      expect(JSON.parse((await findStatement(office, sharedId, false)).json).verb.id).to.equal(verb);
    }
  });

  it('marks an office as having StatementRefs before storing one, and follows them only there', async () => {
    const [withRefs, without] = [(await buildOrganisation())._id.toHexString(), (await buildOrganisation())._id.toHexString()];
    const registration = randomUUID();
    const [target] = await store.store([{ ...statement(), context: { registration } }], { organisationId: withRefs });
    await store.store([{ ...statement(), context: { registration } }], { organisationId: without });
    expect(await hasLrsFact(withRefs, 'statement-refs')).to.equal(false);
    const [ref] = await store.store([{ ...statement('http://example.com/verbs/refers'), object: { objectType: 'StatementRef', id: target } }], { organisationId: withRefs });
    expect(await hasLrsFact(withRefs, 'statement-refs')).to.equal(true);
    expect(await hasLrsFact(without, 'statement-refs')).to.equal(false);
    // The referring statement has no registration of its own, yet matches the filter through its target.
    const { rows } = await queryStatements(withRefs, filter({ registration }));
    expect(rows.map((row) => row.id)).to.deep.equal([ref, target]);
    expect((await queryStatements(without, filter({ registration }))).rows).to.have.length(1);
    // A voiding statement is a StatementRef too: the voided target disappears, its voiding statement matches.
    const [voiding] = await store.store([{ ...statement(VOIDED), object: { objectType: 'StatementRef', id: target } }], { organisationId: withRefs });
    expect((await queryStatements(withRefs, filter({ registration }))).rows.map((row) => row.id)).to.deep.equal([voiding, ref]);
  });

  it('moves statements out of the shared collection into their offices, idempotently and after an interrupted run', async () => {
    const [a, b] = [(await buildOrganisation())._id.toHexString(), (await buildOrganisation())._id.toHexString()];
    // Statements as the previous version stored them: in the shared collection, one of them a StatementRef.
    const [kept, plain, refOfB] = [randomUUID(), randomUUID(), randomUUID()];
    const [template] = await store.store([statement()], { organisationId: a });
    const stored = (await (await statementsOf(a)).findById(statementKey(a, template)).lean())!;
    const oldDoc = (organisationId: string, id: string, extra: Record<string, unknown> = {}) => ({
      ...stored,
      _id: statementKey(organisationId, id),
      statementId: id,
      organisationId: new mongoose.Types.ObjectId(organisationId),
      json: JSON.stringify({ ...JSON.parse(stored.json), id }),
      ...extra,
    });
    await XapiStatement.collection.insertMany([oldDoc(a, kept), oldDoc(a, plain), oldDoc(b, refOfB, { targetId: template })] as never[]);
    // An earlier run was killed after copying `kept` into the partition but before deleting it from the shared one.
    await (await statementsOf(a)).collection.insertOne({ ...oldDoc(a, kept), authorityKey: 'copied-before' } as never);
    expect(await hasLrsFact(b, 'statement-refs')).to.equal(false);

    const runs = await Promise.allSettled([migrateStatementPartitions({ logger }), migrateStatementPartitions({ logger })]);
    expect(runs.map((run) => run.status)).to.deep.equal(['fulfilled', 'fulfilled']);
    expect(await XapiStatement.collection.countDocuments({})).to.equal(0);
    expect(await migrateStatementPartitions({ logger }), 'nothing left on the next start').to.equal(0);
    expect(await (await statementsOf(a)).countDocuments({ organisationId: a })).to.equal(3);
    expect((await (await statementsOf(a)).findById(statementKey(a, kept)).lean())?.authorityKey).to.equal('copied-before');
    expect((await findStatement(a, plain, false)).id).to.equal(plain);
    expect((await findStatement(b, refOfB, false)).id).to.equal(refOfB);
    expect(await (await statementsOf(b)).countDocuments({ organisationId: b })).to.equal(1);
    expect(await hasLrsFact(b, 'statement-refs')).to.equal(true);
  });

  it('rebuilds from every office log and sets a missing StatementRef marker', async () => {
    const seen: StoredStatement[] = [];
    const recording: Projector = { name: 'test-recorder', reset: async () => void (seen.length = 0), apply: async (statements) => void seen.push(...statements) };
    const [a, b] = [(await buildOrganisation())._id.toHexString(), (await buildOrganisation())._id.toHexString()];
    const [target] = await store.store([statement()], { organisationId: a });
    await store.store([statement(), statement()], { organisationId: b });
    await store.store([{ ...statement(), object: { objectType: 'StatementRef', id: target } }], { organisationId: a });
    await mongoose.connection.db!.collection('xapi_lrs_facts').deleteMany({});
    await rebuildProjections([recording]);
    expect(seen.filter((s) => s.organisationId === a)).to.have.length(2);
    expect(seen.filter((s) => s.organisationId === b)).to.have.length(2);
    expect(await hasLrsFact(a, 'statement-refs')).to.equal(true);
    expect(await hasLrsFact(b, 'statement-refs')).to.equal(false);
  });
});
