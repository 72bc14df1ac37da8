import { createHash, randomUUID } from 'node:crypto';
import type { Statement, StatementsResponse } from '@xapi/xapi';
import { expect } from 'chai';
import request from 'supertest';
import { useTestDatabase } from '../helpers/database.js';
import { statusOf, XAPI } from '../helpers/xapi-client.js';
import { buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';

// Under NodeNext the CommonJS default export is the module; its `default` is the XAPI class at run time and in types.

const VERSION = { 'X-Experience-API-Version': '1.0.3' };

const actor = { objectType: 'Agent' as const, mbox: 'mailto:tester@example.com', name: 'Tester' };
const verb = { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced', pl: 'przeczytał' } };
const activity = (id = 'http://example.com/activities/lesson-1') => ({
  objectType: 'Activity' as const,
  id,
  definition: { name: { 'en-US': 'Lesson one', pl: 'Lekcja pierwsza' }, description: { 'en-US': 'The first lesson' } },
});
const statement = (overrides: Record<string, unknown> = {}): Statement => ({ actor, verb, object: activity(), ...overrides });

describe('xapi/statements.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let xapi: XAPI;
  let auth: string;
  let otherAuth: string;

  before(async () => {
    server = await startTestServer();
    const organisation = await buildOrganisation();
    const other = await buildOrganisation();
    const client = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'test' });
    const otherClient = await createLrsClient({ organisationId: other._id.toHexString(), name: 'other' });
    auth = XAPI.toBasicAuth(client.key, client.secret);
    otherAuth = XAPI.toBasicAuth(otherClient.key, otherClient.secret);
    xapi = new XAPI({ endpoint: `${server.url}/xapi/`, auth });
  });
  after(async () => server.close());

  const raw = () => request(server.url);

  it('stores a statement with POST and returns it with id, stored, timestamp, authority and version set', async () => {
    const { data: ids } = await xapi.sendStatement({ statement: statement() });
    expect(ids).to.have.length(1);
    const { data: stored } = await xapi.getStatement({ statementId: ids[0] });
    expect(stored.id).to.equal(ids[0]);
    expect(stored.stored).to.be.a('string');
    expect(stored.timestamp).to.be.a('string');
    expect(stored.version).to.equal('1.0.0');
    expect(stored.authority).to.include({ objectType: 'Agent' });
    expect(stored.actor).to.deep.equal(actor);
  });

  it('returns the statement byte for byte as it was stored (format=exact), with the version and consistency headers', async () => {
    const id = randomUUID();
    await xapi.sendStatement({ statement: statement({ id, result: { extensions: { 'http://example.com/ext.with.dots': { 'a.b': 1 } } } }) });
    const first = await raw().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).expect(200);
    const second = await raw().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).expect(200);
    expect(first.text).to.equal(second.text);
    expect(JSON.parse(first.text).result.extensions['http://example.com/ext.with.dots']).to.deep.equal({ 'a.b': 1 });
    expect(first.headers['x-experience-api-version']).to.equal('1.0.3');
    expect(first.headers['x-experience-api-consistent-through']).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(first.headers['last-modified']).to.be.a('string');
  });

  it('PUT stores under the given id (204), accepts an identical re-PUT (204) and refuses a different one (409)', async () => {
    const id = randomUUID();
    const body = statement({ id });
    await raw().put(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).send(body).expect(204);
    await raw().put(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).send(body).expect(204);
    const conflict = await raw()
      .put(`/xapi/statements?statementId=${id}`)
      .set(VERSION)
      .set('Authorization', auth)
      .send({ ...body, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' } })
      .expect(409);
    expect(conflict.body.message).to.match(/cannot be changed/);
    const { data } = await xapi.getStatement({ statementId: id });
    expect(data.verb.id).to.equal(verb.id);
  });

  it('rejects a PUT whose statement id differs from statementId, and one without statementId', async () => {
    await raw()
      .put(`/xapi/statements?statementId=${randomUUID()}`)
      .set(VERSION)
      .set('Authorization', auth)
      .send(statement({ id: randomUUID() }))
      .expect(400);
    await raw().put('/xapi/statements').set(VERSION).set('Authorization', auth).send(statement()).expect(400);
  });

  it('stores nothing from a batch with one invalid statement', async () => {
    const good = randomUUID();
    const res = await raw()
      .post('/xapi/statements')
      .set(VERSION)
      .set('Authorization', auth)
      .send([statement({ id: good }), statement({ actor: { mbox: 'not-an-email' } })])
      .expect(400);
    expect(res.body.message).to.match(/index 1/);
    await raw().get(`/xapi/statements?statementId=${good}`).set(VERSION).set('Authorization', auth).expect(404);
  });

  it('rejects a batch with two statements of the same id', async () => {
    const id = randomUUID();
    await raw()
      .post('/xapi/statements')
      .set(VERSION)
      .set('Authorization', auth)
      .send([statement({ id }), statement({ id })])
      .expect(400);
  });

  const invalid: Array<[string, Record<string, unknown>]> = [
    ['an unknown property', { foo: 1 }],
    ['a null value', { result: null }],
    ['a string where a boolean is required', { result: { success: 'true' } }],
    ['an agent with two identifiers', { actor: { mbox: 'mailto:a@example.com', openid: 'http://example.com/a' } }],
    ['an agent without identifier', { actor: { name: 'Nobody' } }],
    ['a verb id without a scheme', { verb: { id: 'experienced' } }],
    ['a bad language tag', { verb: { id: verb.id, display: { 'not a tag': 'x' } } }],
    ['a mis-cased objectType', { object: { objectType: 'activity', id: 'http://example.com/a' } }],
    ['a score out of range', { result: { score: { scaled: 1.5 } } }],
    ['a bad duration', { result: { duration: '1 hour' } }],
    ['a bad timestamp', { timestamp: '2024-13-45' }],
    ['a version that is not 1.0.x', { version: '2.0.0' }],
    ['an invalid registration', { context: { registration: 'abc' } }],
    ['a group as object without objectType Group members', { object: { objectType: 'Group', member: [] } }],
    ['a voiding statement whose object is not a StatementRef', { verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } }],
    ['context.revision with an Agent object', { object: { objectType: 'Agent', mbox: 'mailto:b@example.com' }, context: { revision: '1' } }],
    ['a nested SubStatement', { object: { objectType: 'SubStatement', actor, verb, object: { objectType: 'SubStatement', actor, verb, object: activity() } } }],
    ['an attachment without content', { attachments: [{ usageType: 'http://example.com/u', display: { en: 'x' }, contentType: 'text/plain', length: 1, sha2: 'a'.repeat(64) }] }],
  ];
  for (const [what, overrides] of invalid) {
    it(`answers 400 with a helpful message for ${what}`, async () => {
      const res = await raw().post('/xapi/statements').set(VERSION).set('Authorization', auth).send(statement(overrides)).expect(400);
      expect(res.body.error).to.be.a('string');
      expect(res.body.message).to.be.a('string').and.not.equal('');
      expect(res.headers['x-experience-api-version']).to.equal('1.0.3');
    });
  }

  it('answers 400 without a version header, or with an unsupported one, and accepts 1.0', async () => {
    const missing = await raw().get('/xapi/statements').set('Authorization', auth).expect(400);
    expect(missing.body.message).to.match(/X-Experience-API-Version/);
    expect(missing.headers['x-experience-api-version']).to.equal('1.0.3');
    await raw().get('/xapi/statements').set('Authorization', auth).set('X-Experience-API-Version', '1.1.0').expect(400);
    await raw().get('/xapi/statements').set('Authorization', auth).set('X-Experience-API-Version', '0.95').expect(400);
    await raw().get('/xapi/statements').set('Authorization', auth).set('X-Experience-API-Version', '1.0').expect(200);
  });

  it('answers 401 without credentials and with a wrong secret', async () => {
    await raw().get('/xapi/statements').set(VERSION).expect(401);
    await raw().get('/xapi/statements').set(VERSION).set('Authorization', XAPI.toBasicAuth('nobody', 'wrong')).expect(401);
  });

  it('answers 400 for unknown or mis-cased parameters and for statementId with other filters', async () => {
    await raw().get('/xapi/statements?foo=bar').set(VERSION).set('Authorization', auth).expect(400);
    await raw().get('/xapi/statements?Limit=1').set(VERSION).set('Authorization', auth).expect(400);
    await raw()
      .get(`/xapi/statements?statementId=${randomUUID()}&verb=${encodeURIComponent(verb.id)}`)
      .set(VERSION)
      .set('Authorization', auth)
      .expect(400);
    await raw().get(`/xapi/statements?statementId=${randomUUID()}&voidedStatementId=${randomUUID()}`).set(VERSION).set('Authorization', auth).expect(400);
  });

  it('voids a statement: hidden from statementId and lists, returned by voidedStatementId; a voiding statement cannot be voided', async () => {
    const { data: ids } = await xapi.sendStatement({ statement: statement({ object: activity('http://example.com/activities/to-void') }) });
    const { data: voidIds } = await xapi.voidStatement({ actor, statementId: ids[0] });
    await raw().get(`/xapi/statements?statementId=${ids[0]}`).set(VERSION).set('Authorization', auth).expect(404);
    const { data: voided } = await xapi.getVoidedStatement({ voidedStatementId: ids[0] });
    expect(voided.id).to.equal(ids[0]);
    const { data: list } = await xapi.getStatements({ activity: 'http://example.com/activities/to-void' });
    // The voided statement is gone, the voiding statement targeting it still matches the filter.
    expect(list.statements.map((s) => s.id)).to.deep.equal([voidIds[0]]);
    expect(await statusOf(xapi.voidStatement({ actor, statementId: voidIds[0] }))).to.equal(400);
  });

  it('filters by agent, verb, activity, registration, related activities and related agents', async () => {
    const registration = randomUUID();
    const parent = 'http://example.com/activities/course-x';
    const learner = { objectType: 'Agent' as const, account: { homePage: 'https://akademia.example.pl', name: randomUUID() } };
    const { data: ids } = await xapi.sendStatements({
      statements: [
        statement({ actor: learner, context: { registration, contextActivities: { parent: { id: parent } } } }),
        statement({ actor: learner, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: activity(parent) }),
        statement({ context: { instructor: learner } }),
      ],
    });
    const idsOf = async (params: Record<string, unknown>) => (await xapi.getStatements(params)).data.statements.map((s) => s.id).sort();
    expect(await idsOf({ agent: learner })).to.deep.equal([ids[0], ids[1]].sort());
    expect(await idsOf({ agent: learner, related_agents: true })).to.deep.equal([...ids].sort());
    expect(await idsOf({ agent: learner, verb: 'http://adlnet.gov/expapi/verbs/completed' })).to.deep.equal([ids[1]]);
    expect(await idsOf({ activity: parent })).to.deep.equal([ids[1]]);
    expect(await idsOf({ activity: parent, related_activities: true })).to.deep.equal([ids[0], ids[1]].sort());
    expect(await idsOf({ registration })).to.deep.equal([ids[0]]);
  });

  it('matches group members for the agent filter', async () => {
    const member = { mbox: `mailto:${randomUUID()}@example.com` };
    const { data: ids } = await xapi.sendStatement({ statement: statement({ actor: { objectType: 'Group', member: [member] } }) });
    const { data } = await xapi.getStatements({ agent: member });
    expect(data.statements.map((s) => s.id)).to.deep.equal(ids);
  });

  it('pages with limit and more, newest first by default, oldest first with ascending, within since/until', async () => {
    const verbId = `http://example.com/verbs/${randomUUID()}`;
    const sent: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { data } = await xapi.sendStatement({ statement: statement({ verb: { id: verbId } }) });
      sent.push(data[0]);
    }
    const first = await xapi.getStatements({ verb: verbId, limit: 2 });
    expect(first.data.statements.map((s) => s.id)).to.deep.equal([sent[4], sent[3]]);
    expect(first.data.more).to.match(/^\/xapi\/statements\?more=/);
    const more = async (url: string) => (await xapi.getMoreStatements({ more: url })).data as StatementsResponse;
    const second = { data: await more(first.data.more) };
    const third = { data: await more(second.data.more) };
    expect([...second.data.statements, ...third.data.statements].map((s) => s.id)).to.deep.equal([sent[2], sent[1], sent[0]]);
    expect(third.data.more).to.equal('');
    const ascending = await xapi.getStatements({ verb: verbId, ascending: true });
    expect(ascending.data.statements.map((s) => s.id)).to.deep.equal(sent);
    const { data: middle } = await xapi.getStatement({ statementId: sent[2] });
    const since = await xapi.getStatements({ verb: verbId, since: middle.stored! });
    expect(since.data.statements.map((s) => s.id)).to.deep.equal([sent[4], sent[3]]);
    const until = await xapi.getStatements({ verb: verbId, until: middle.stored! });
    expect(until.data.statements.map((s) => s.id)).to.deep.equal([sent[2], sent[1], sent[0]]);
  });

  it('returns an empty StatementResult when nothing matches', async () => {
    const res = await raw()
      .get(`/xapi/statements?verb=${encodeURIComponent('http://example.com/verbs/none')}`)
      .set(VERSION)
      .set('Authorization', auth)
      .expect(200);
    expect(res.body).to.deep.equal({ statements: [], more: '' });
  });

  it('format=ids keeps only identifiers; format=canonical keeps one language chosen by Accept-Language', async () => {
    const { data: ids } = await xapi.sendStatement({ statement: statement() });
    const idsRes = await raw().get(`/xapi/statements?statementId=${ids[0]}&format=ids`).set(VERSION).set('Authorization', auth).expect(200);
    expect(idsRes.body.actor).to.deep.equal({ objectType: 'Agent', mbox: actor.mbox });
    expect(idsRes.body.verb).to.deep.equal({ id: verb.id });
    expect(idsRes.body.object).to.deep.equal({ objectType: 'Activity', id: activity().id });
    const canonical = await raw()
      .get(`/xapi/statements?statementId=${ids[0]}&format=canonical`)
      .set(VERSION)
      .set('Authorization', auth)
      .set('Accept-Language', 'pl, en;q=0.5')
      .expect(200);
    expect(canonical.body.object.definition.name).to.deep.equal({ pl: 'Lekcja pierwsza' });
    expect(canonical.body.verb.display).to.deep.equal({ pl: 'przeczytał' });
    expect(canonical.body.actor).to.deep.equal(actor);
  });

  it('returns single context activities as arrays', async () => {
    const { data: ids } = await xapi.sendStatement({ statement: statement({ context: { contextActivities: { grouping: { id: 'http://example.com/g' } } } }) });
    const { data } = await xapi.getStatement({ statementId: ids[0] });
    expect(data.context?.contextActivities?.grouping).to.deep.equal([{ id: 'http://example.com/g' }]);
  });

  it('accepts attachments in multipart/mixed, checks their SHA-2 and returns them with attachments=true', async () => {
    const content = 'here is a simple attachment';
    const sha2 = createHash('sha256').update(content).digest('hex');
    const attachment = {
      usageType: 'http://example.com/attachment-usage/test',
      display: { 'en-US': 'A test attachment' },
      contentType: 'text/plain',
      length: content.length,
      sha2,
    };
    const id = randomUUID();
    const boundary = 'abcABC0123';
    const body = (hash: string) =>
      [
        `--${boundary}`,
        'Content-Type: application/json',
        '',
        JSON.stringify(statement({ id, attachments: [attachment] })),
        `--${boundary}`,
        'Content-Type: text/plain',
        'Content-Transfer-Encoding: binary',
        `X-Experience-API-Hash: ${hash}`,
        '',
        content,
        `--${boundary}--`,
        '',
      ].join('\r\n');
    await raw()
      .post('/xapi/statements')
      .set(VERSION)
      .set('Authorization', auth)
      .set('Content-Type', `multipart/mixed; boundary=${boundary}`)
      .send(body('b'.repeat(64)))
      .expect(400);
    await raw().post('/xapi/statements').set(VERSION).set('Authorization', auth).set('Content-Type', `multipart/mixed; boundary=${boundary}`).send(body(sha2)).expect(200);
    const res = await raw()
      .get(`/xapi/statements?statementId=${id}&attachments=true`)
      .set(VERSION)
      .set('Authorization', auth)
      .buffer(true)
      .parse((response, callback) => {
        let data = '';
        response.on('data', (chunk: Buffer) => (data += chunk.toString()));
        response.on('end', () => callback(null, data));
      })
      .expect(200);
    expect(res.headers['content-type']).to.match(/^multipart\/mixed; boundary=/);
    expect(res.body as string)
      .to.contain(`X-Experience-API-Hash: ${sha2}`)
      .and.contain(content);
    const plain = await raw().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).expect(200);
    expect(plain.headers['content-type']).to.match(/^application\/json/);
  });

  it('round-trips an attachment with the @xapi/xapi client (multipart/mixed both ways)', async () => {
    const text = 'Zaświadczenie — treść załącznika';
    const bytes = new TextEncoder().encode(text);
    const sha2 = createHash('sha256').update(bytes).digest('hex');
    const attachments = [{ usageType: XAPI.AttachmentUsages.SUPPORTING_MEDIA, display: { pl: 'Załącznik' }, contentType: 'text/plain', length: bytes.length, sha2 }];
    // The axios adapter replaces the multipart Content-Type of a Blob body in Node; the fetch adapter keeps it.
    const fetchClient = new XAPI({ endpoint: `${server.url}/xapi/`, auth, adapter: 'fetch' });
    const { data: ids } = await fetchClient.sendStatement({ statement: statement({ attachments }), attachments: [bytes.buffer] });
    const { data } = await fetchClient.getStatement({ statementId: ids[0], attachments: true });
    const [received, part] = data;
    expect(received.id).to.equal(ids[0]);
    expect(String(part)).to.equal(text);
  });

  it('supports the alternate request syntax for PUT and GET', async () => {
    const id = randomUUID();
    const form = new URLSearchParams({
      'X-Experience-API-Version': '1.0.3',
      Authorization: auth,
      'Content-Type': 'application/json',
      content: JSON.stringify(statement({ id })),
      statementId: id,
    });
    await raw().post('/xapi/statements?method=PUT').type('form').send(form.toString()).expect(204);
    const get = await raw()
      .post('/xapi/statements?method=GET')
      .type('form')
      .send(new URLSearchParams({ 'X-Experience-API-Version': '1.0.3', Authorization: auth, statementId: id }).toString())
      .expect(200);
    expect(get.body.id).to.equal(id);
    await raw()
      .post(`/xapi/statements?method=GET&statementId=${id}`)
      .type('form')
      .send(`Authorization=${encodeURIComponent(auth)}`)
      .expect(400);
  });

  it('answers CORS preflight requests for browser-based content', async () => {
    const res = await raw()
      .options('/xapi/statements')
      .set('Origin', 'https://content.example.com')
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'authorization,x-experience-api-version,content-type');
    expect(res.status).to.be.oneOf([200, 204]);
    expect(res.headers['access-control-allow-origin']).to.equal('https://content.example.com');
    expect(res.headers['access-control-allow-headers']).to.match(/X-Experience-API-Version/i);
  });

  it("keeps organisations apart: a client never sees another organisation's statements", async () => {
    const { data: ids } = await xapi.sendStatement({ statement: statement() });
    await raw().get(`/xapi/statements?statementId=${ids[0]}`).set(VERSION).set('Authorization', otherAuth).expect(404);
    const list = await raw().get('/xapi/statements').set(VERSION).set('Authorization', otherAuth).expect(200);
    expect(list.body.statements).to.deep.equal([]);
  });

  it('keeps statement ids per organisation: the same id in two offices is two statements, each sees its own, conflicts only within one (issue 10, finding 11)', async () => {
    const id = randomUUID();
    const put = (authorization: string, body: object) => raw().put(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', authorization).send(body);
    const get = async (authorization: string) => (await raw().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', authorization).expect(200)).body;
    const ours = statement({ id });
    const theirs = statement({ id, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' } });
    await put(auth, ours).expect(204);
    // Another office using the same id learns nothing (no 409) and gets its own statement.
    await put(otherAuth, theirs).expect(204);
    expect((await get(auth)).verb.id).to.equal(verb.id);
    expect((await get(otherAuth)).verb.id).to.equal('http://adlnet.gov/expapi/verbs/completed');
    // Conflicts are still checked, within each office.
    await put(auth, theirs).expect(409);
    await put(otherAuth, ours).expect(409);
    await put(otherAuth, theirs).expect(204);
    // Voiding the id in one office leaves the other's statement alone; lists and filters keep them apart too.
    await raw()
      .post('/xapi/statements')
      .set(VERSION)
      .set('Authorization', otherAuth)
      .send(statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id } }))
      .expect(200);
    expect((await get(auth)).verb.id).to.equal(verb.id);
    await raw().get(`/xapi/statements?voidedStatementId=${id}`).set(VERSION).set('Authorization', otherAuth).expect(200);
    await raw().get(`/xapi/statements?voidedStatementId=${id}`).set(VERSION).set('Authorization', auth).expect(404);
    const listed = await raw().get('/xapi/statements').query({ verb: verb.id, limit: 100 }).set(VERSION).set('Authorization', auth).expect(200);
    expect(listed.body.statements.filter((s: { id: string }) => s.id === id)).to.have.length(1);
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await raw().head('/xapi/statements').set(VERSION).set('Authorization', auth).expect(200);
    expect(res.headers['x-experience-api-consistent-through']).to.be.a('string');
    expect(res.text ?? '').to.equal('');
  });

  it('answers 400 for a body that is not JSON or multipart/mixed, and for broken JSON', async () => {
    await raw().post('/xapi/statements').set(VERSION).set('Authorization', auth).set('Content-Type', 'text/plain').send('hello').expect(400);
    const res = await raw().post('/xapi/statements').set(VERSION).set('Authorization', auth).set('Content-Type', 'application/json').send('{"actor":').expect(400);
    expect(res.body.message).to.match(/not valid JSON/);
  });

  it('answers unknown LRS paths with a JSON 404 carrying the version header', async () => {
    const res = await raw().get('/xapi/nothing-here').set(VERSION).set('Authorization', auth).expect(404);
    expect(res.body.error).to.equal('not_found');
    expect(res.headers['x-experience-api-version']).to.equal('1.0.3');
  });

  it('serves About without authentication, with the version header', async () => {
    const res = await raw().get('/xapi/about').expect(200);
    expect(res.body.version).to.include('1.0.3');
    expect(res.headers['x-experience-api-version']).to.equal('1.0.3');
  });

  it('answers 403 when a read-only client writes', async () => {
    const organisation = await buildOrganisation();
    const readOnly = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'reader', canWrite: false });
    const res = await raw().post('/xapi/statements').set(VERSION).set('Authorization', XAPI.toBasicAuth(readOnly.key, readOnly.secret)).send(statement()).expect(403);
    expect(res.body.error).to.equal('forbidden');
  });
});
