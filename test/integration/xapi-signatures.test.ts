import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { CompactSign } from 'jose';
import request from 'supertest';
import { useTestDatabase } from '../helpers/database.js';
import { buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';

const statement = () => ({
  id: randomUUID(),
  actor: { objectType: 'Agent', mbox: 'mailto:signer@example.com' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'http://example.com/activities/exam' },
});

async function sign(payload: object, alg: string): Promise<string> {
  if (alg === 'HS256') return new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader({ alg }).sign(new TextEncoder().encode('shared-secret-shared-secret-1234'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader({ alg }).sign(privateKey);
}

describe('xapi/statement-signature', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let auth: string;
  before(async () => {
    server = await startTestServer();
    const client = await createLrsClient({ organisationId: (await buildOrganisation())._id.toHexString(), name: 'signer' });
    auth = `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`;
  });
  after(async () => server.close());

  /** POSTs the statement with its JWS as a signature attachment (multipart/mixed). */
  function postSigned(body: Record<string, unknown>, jws: string, contentType = 'application/octet-stream') {
    const sha2 = createHash('sha256').update(jws).digest('hex');
    const signed = { ...body, attachments: [{ usageType: 'http://adlnet.gov/expapi/attachments/signature', display: { en: 'Signature' }, contentType, length: jws.length, sha2 }] };
    const boundary = 'sig-boundary';
    const multipart = [
      `--${boundary}`,
      'Content-Type: application/json',
      '',
      JSON.stringify(signed),
      `--${boundary}`,
      `Content-Type: ${contentType}`,
      'Content-Transfer-Encoding: binary',
      `X-Experience-API-Hash: ${sha2}`,
      '',
      jws,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    return request(server.url)
      .post('/xapi/statements')
      .set('X-Experience-API-Version', '1.0.3')
      .set('Authorization', auth)
      .set('Content-Type', `multipart/mixed; boundary=${boundary}`)
      .send(multipart);
  }

  it('accepts a statement signed with RS256 whose payload is the statement', async () => {
    const body = statement();
    await postSigned(body, await sign(body, 'RS256')).expect(200);
  });

  it('rejects a signature made with another algorithm', async () => {
    const body = statement();
    const res = await postSigned(body, await sign(body, 'HS256')).expect(400);
    expect(res.body.message).to.match(/RS256/);
  });

  it('rejects a signature whose payload differs from the statement', async () => {
    const body = statement();
    const res = await postSigned(body, await sign({ ...body, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } }, 'RS256')).expect(400);
    expect(res.body.message).to.match(/differs/);
  });

  it('rejects a signature that is not a JWS, or not sent as application/octet-stream', async () => {
    const body = statement();
    await postSigned(body, 'not-a-jws').expect(400);
    await postSigned(statement(), await sign(body, 'RS256'), 'text/plain').expect(400);
  });
});
