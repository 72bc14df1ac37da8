import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { useTestDatabase } from '../helpers/database.js';
import { XAPI } from '../helpers/xapi-client.js';
import { buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import { MAX_STATEMENT_REF_DEPTH } from '../../src/xapi/statement-query.service.js';
import { LIMITS } from '../../src/xapi/statement.schemas.js';

const VERSION = { 'X-Experience-API-Version': '1.0.3' };
const actor = { objectType: 'Agent', mbox: 'mailto:limits@example.com' };
const verb = { id: 'http://adlnet.gov/expapi/verbs/experienced' };
const statement = (overrides: Record<string, unknown> = {}) => ({ actor, verb, object: { id: 'http://example.com/limits' }, ...overrides });
/** JSON text nesting `depth` arrays inside a statement's result extension. */
const nestedStatement = (depth: number) =>
  JSON.stringify(statement({ result: { extensions: { 'http://example.com/deep': '__deep__' } } })).replace('"__deep__"', `${'['.repeat(depth)}${']'.repeat(depth)}`);

// Issue 10, findings 2, 3 and 11: limits that keep one LRS request from freezing or starving the platform.
describe('xapi limits (statement.schemas, lrs-json, statements.routes, statement-query.service)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let auth: string;
  let readOnlyAuth: string;

  before(async () => {
    server = await startTestServer({ XAPI_MAX_STATEMENTS_PER_REQUEST: '3' });
    const organisation = await buildOrganisation();
    const client = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'limits' });
    const reader = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'reader', canRead: true, canWrite: false });
    auth = XAPI.toBasicAuth(client.key, client.secret);
    readOnlyAuth = XAPI.toBasicAuth(reader.key, reader.secret);
  });
  after(async () => server.close());

  const lrs = () => request(server.url);
  const post = (body: string) => lrs().post('/xapi/statements').set(VERSION).set('Authorization', auth).set('Content-Type', 'application/json').send(body);

  it('answers 413 naming XAPI_MAX_STATEMENTS_PER_REQUEST to a bigger batch, and stores none of it', async () => {
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const batch = ids.map((id) => statement({ id }));
    const res = await post(JSON.stringify(batch)).expect(413);
    expect(res.body).to.include({ error: 'payload_too_large' });
    expect(res.body.message).to.contain('at most 3').and.contain('XAPI_MAX_STATEMENTS_PER_REQUEST');
    await lrs().get(`/xapi/statements?statementId=${ids[0]}`).set(VERSION).set('Authorization', auth).expect(404);
    await post(JSON.stringify(batch.slice(0, 3))).expect(200);
  });

  it('refuses a 150 KB mbox from a read-only client through the alternate request syntax by its length cap (400)', async () => {
    const agent = JSON.stringify({ mbox: `mailto:a@${'.'.repeat(150 * 1024)}` });
    const res = await lrs()
      .post('/xapi/statements?method=GET')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(new URLSearchParams({ Authorization: readOnlyAuth, 'X-Experience-API-Version': '1.0.3', agent }).toString())
      .expect(400);
    expect(res.body.message).to.match(/agent may be at most \d+ characters long/);
    const shorter = JSON.stringify({ mbox: `mailto:a@${'.'.repeat(5000)}` });
    const capped = await lrs()
      .get(`/xapi/statements?agent=${encodeURIComponent(shorter)}`)
      .set(VERSION)
      .set('Authorization', readOnlyAuth)
      .expect(400);
    expect(capped.body.message).to.contain(`at most ${LIMITS.mbox} characters`);
  });

  it('answers 400, not 500, to JSON nested 100,000 levels deep, in statements and in documents', async () => {
    const res = await post(nestedStatement(100_000)).expect(400);
    expect(res.body.message).to.contain('deeper than the 64 levels');
    await post(nestedStatement(50)).expect(200);
    const state = `/xapi/activities/state?activityId=${encodeURIComponent('http://example.com/a')}&agent=${encodeURIComponent(JSON.stringify(actor))}&stateId=deep`;
    await lrs().put(state).set(VERSION).set('Authorization', auth).set('Content-Type', 'application/json').send('{}').expect(204);
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await lrs().post(state).set(VERSION).set('Authorization', auth).set('Content-Type', 'application/json').send(deep).expect(400);
  });

  it('answers 413, not 500, to a 17 MB statement within the 20 MB body limit', async function () {
    this.timeout(60_000);
    const big = JSON.stringify(statement({ result: { response: 'x'.repeat(17 * 1024 * 1024) } }));
    const res = await post(big).expect(413);
    expect(res.body.message).to.contain('this LRS stores at most 4 MB');
  });

  it(`follows StatementRefs for filters ${MAX_STATEMENT_REF_DEPTH} links deep and no further`, async function () {
    this.timeout(60_000);
    const activityId = `http://example.com/chain/${randomUUID()}`;
    const ids = [randomUUID()];
    await post(JSON.stringify(statement({ id: ids[0], object: { id: activityId } }))).expect(200);
    for (let link = 1; link <= MAX_STATEMENT_REF_DEPTH + 2; link += 1) {
      ids.push(randomUUID());
      await post(JSON.stringify(statement({ id: ids[link], object: { objectType: 'StatementRef', id: ids[link - 1] } }))).expect(200);
    }
    const res = await lrs()
      .get(`/xapi/statements?activity=${encodeURIComponent(activityId)}`)
      .set(VERSION)
      .set('Authorization', auth)
      .expect(200);
    const found = (res.body as { statements: Array<{ id: string }> }).statements.map((s) => s.id);
    expect(found).to.have.members(ids.slice(0, MAX_STATEMENT_REF_DEPTH + 1));
    // Beyond the cap a statement is still there, by id.
    await lrs()
      .get(`/xapi/statements?statementId=${ids[ids.length - 1]}`)
      .set(VERSION)
      .set('Authorization', auth)
      .expect(200);
  });
});
