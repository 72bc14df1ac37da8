import { expect } from 'chai';
import request from 'supertest';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildOrganisation } from '../helpers/factories.js';
import { startTestServer, testConfig, type TestServer } from '../helpers/server.js';

const VERSION = { 'X-Experience-API-Version': '1.0.3' };
const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

describe('xapi rate limit (XAPI_RATE_LIMIT_PER_MINUTE)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let auth: string;
  let otherAuth: string;
  let busyKey: string;

  before(async () => {
    server = await startTestServer({ XAPI_RATE_LIMIT_PER_MINUTE: '3' });
    const organisation = await buildOrganisation();
    const client = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'busy' });
    const other = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'calm' });
    busyKey = client.key;
    auth = basic(client.key, client.secret);
    otherAuth = basic(other.key, other.secret);
  });
  after(async () => server.close());

  it('is generous by default (12,000 a minute, 30 failed authentications) and can be turned off with 0', () => {
    expect(testConfig().XAPI_RATE_LIMIT_PER_MINUTE).to.equal(12000);
    expect(testConfig().XAPI_AUTH_FAILURES_PER_MINUTE).to.equal(30);
    expect(testConfig({ XAPI_RATE_LIMIT_PER_MINUTE: '0' }).XAPI_RATE_LIMIT_PER_MINUTE).to.equal(0);
    expect(() => testConfig({ XAPI_RATE_LIMIT_PER_MINUTE: 'lots' })).to.throw(/XAPI_RATE_LIMIT_PER_MINUTE/);
    expect(() => testConfig({ XAPI_AUTH_FAILURES_PER_MINUTE: '0' })).to.throw(/XAPI_AUTH_FAILURES_PER_MINUTE/);
  });

  it('answers 429 JSON with the version header and Retry-After above the limit, per address and client key', async () => {
    for (let i = 0; i < 3; i += 1) {
      const res = await request(server.url).get('/xapi/statements').set(VERSION).set('Authorization', auth);
      expect(res.status, `request ${i + 1}`).to.equal(200);
    }
    const limited = await request(server.url).get('/xapi/statements').set(VERSION).set('Authorization', auth).expect(429);
    expect(limited.headers['content-type']).to.match(/^application\/json/);
    expect(limited.headers['x-experience-api-version']).to.equal('1.0.3');
    expect(limited.headers['x-experience-api-consistent-through']).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
    expect(limited.body).to.deep.include({ error: 'too_many_requests' });
    expect(limited.body.message).to.contain('3 per minute');
    // Guessing secrets with the busy key from this address is limited too: no secret is checked.
    await request(server.url).get('/xapi/statements').set(VERSION).set('Authorization', basic(busyKey, 'wrong')).expect(429);
    // Another client from the same address has its own allowance.
    await request(server.url).get('/xapi/statements').set(VERSION).set('Authorization', otherAuth).expect(200);
  });

  it('still answers CORS preflights without counting them', async () => {
    for (let i = 0; i < 5; i += 1) {
      await request(server.url).options('/xapi/statements').set('Origin', 'https://content.example').set('Access-Control-Request-Method', 'PUT').expect(204);
    }
  });

  describe('with the default limits', () => {
    let defaults: TestServer;
    before(async () => {
      defaults = await startTestServer();
    });
    after(async () => defaults.close());

    it('lets an ordinary bulk sync through: 1,300 requests in well under a minute, none answered 429', async function () {
      this.timeout(180_000);
      const organisation = await buildOrganisation();
      const client = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'sync' });
      const syncAuth = basic(client.key, client.secret);
      const started = Date.now();
      const statuses = new Map<number, number>();
      const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
      // A player forwarding its learners' statements one request each (as @xapi/xapi's sendStatement does), eight at a time.
      for (let batch = 0; batch < 150; batch += 1) {
        const sent = await Promise.all(
          Array.from({ length: 8 }, (_unused, index) =>
            request(defaults.url)
              .post('/xapi/statements')
              .set(VERSION)
              .set('Authorization', syncAuth)
              .send({
                actor: { account: { homePage: 'https://akademia.example.pl', name: `learner-${index}` } },
                verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
                object: { id: `http://example.com/activities/lesson-${batch}` },
              }),
          ),
        );
        for (const res of sent) count(res.status);
      }
      // Then reads it back in pages of 100 with `more`, and asks for each of the last 100 by id.
      let more = '/xapi/statements?limit=100';
      const ids: string[] = [];
      while (more) {
        const page = await request(defaults.url).get(more).set(VERSION).set('Authorization', syncAuth);
        count(page.status);
        ids.push(...(page.body.statements as Array<{ id: string }>).map((statement) => statement.id));
        more = page.body.more;
      }
      for (const id of ids.slice(0, 100)) count((await request(defaults.url).get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', syncAuth)).status);
      // More than the old default of 1,200 a minute, all in one minute, every one answered 200.
      expect([...statuses.keys()]).to.deep.equal([200]);
      expect(statuses.get(200)).to.be.at.least(1300);
      expect(ids).to.have.length(1200);
      expect(Date.now() - started).to.be.below(60_000);
    });
  });

  describe('failed authentications (XAPI_AUTH_FAILURES_PER_MINUTE)', () => {
    let strict: TestServer;
    before(async () => {
      strict = await startTestServer({ XAPI_AUTH_FAILURES_PER_MINUTE: '3', XAPI_RATE_LIMIT_PER_MINUTE: '0' });
    });
    after(async () => strict.close());
    const get = (authorization: string) => request(strict.url).get('/xapi/statements').set(VERSION).set('Authorization', authorization);

    it('answers 429 with Retry-After after 3 wrong secrets for one key, before checking the secret, and counts only failures', async () => {
      const organisation = await buildOrganisation();
      const guessed = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'guessed' });
      const busy = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'busy-but-right' });
      for (let i = 0; i < 10; i += 1) await get(basic(busy.key, busy.secret)).expect(200);
      for (let i = 0; i < 3; i += 1) await get(basic(guessed.key, `wrong-${i}`)).expect(401);
      const limited = await get(basic(guessed.key, 'wrong-3')).expect(429);
      expect(limited.headers['x-experience-api-version']).to.equal('1.0.3');
      expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
      expect(limited.body).to.deep.include({ error: 'too_many_requests' });
      expect(limited.body.message).to.contain('failed authentications');
      // The right secret waits too: the guesser cannot tell it from a wrong one.
      await get(basic(guessed.key, guessed.secret)).expect(429);
      // Other keys from the same address, and the client that never failed, are not held.
      await get(basic(busy.key, busy.secret)).expect(200);
    });
  });
});
