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

  it('is generous by default (1200 a minute) and can be turned off with 0', () => {
    expect(testConfig().XAPI_RATE_LIMIT_PER_MINUTE).to.equal(1200);
    expect(testConfig({ XAPI_RATE_LIMIT_PER_MINUTE: '0' }).XAPI_RATE_LIMIT_PER_MINUTE).to.equal(0);
    expect(() => testConfig({ XAPI_RATE_LIMIT_PER_MINUTE: 'lots' })).to.throw(/XAPI_RATE_LIMIT_PER_MINUTE/);
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
});
