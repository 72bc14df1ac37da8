import { createHash, generateKeyPairSync, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { expect } from 'chai';
import { CompactSign } from 'jose';
import request from 'supertest';
import { useTestDatabase } from '../helpers/database.js';
import { buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { selfSignedCertificate } from '../helpers/x509.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';

const statement = () => ({
  id: randomUUID(),
  actor: { objectType: 'Agent', mbox: 'mailto:signer@example.com' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'http://example.com/activities/exam' },
});

/** A real RSA key pair with its self-signed certificate (base64 DER, as an x5c entry). */
function signer(modulusLength = 2048): { privateKey: KeyObject; x5c: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength });
  return { privateKey, x5c: selfSignedCertificate(publicKey, privateKey) };
}

/**
 * A JWS (compact) of the statement signed with `alg`, the signing certificate (and any others) in x5c. Built with
 * node:crypto rather than jose, which refuses to sign with RSA keys under 2048 bits (the spec's example has 1024).
 */
function signWithCertificate(payload: object, alg: 'RS256' | 'RS384' | 'RS512', key: KeyObject, x5c: string[]): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg, x5c })}.${encode(payload)}`;
  return `${signingInput}.${cryptoSign(`sha${alg.slice(2)}`, Buffer.from(signingInput), key).toString('base64url')}`;
}

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

  for (const alg of ['RS256', 'RS384', 'RS512'] as const) {
    it(`accepts a statement signed with ${alg} and a real RSA key, its certificate in x5c, and serves the signature back (Data 2.6)`, async () => {
      const { privateKey, x5c } = signer();
      const body = {
        ...statement(),
        timestamp: '2026-05-01T10:00:00.000Z',
        result: { success: true, score: { scaled: 0.9 } },
        context: { registration: randomUUID(), contextActivities: { parent: [{ id: 'http://example.com/activities/course' }] } },
      };
      const jws = signWithCertificate(body, alg, privateKey, [x5c]);
      const res = await postSigned(body, jws);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.equal([body.id]);
      const stored = await request(server.url)
        .get('/xapi/statements')
        .query({ statementId: body.id, attachments: 'true' })
        .set('X-Experience-API-Version', '1.0.3')
        .set('Authorization', auth)
        .buffer(true)
        .parse((response, callback) => {
          let data = '';
          response.on('data', (chunk: Buffer) => (data += chunk.toString()));
          response.on('end', () => callback(null, data));
        })
        .expect(200);
      expect(stored.headers['content-type']).to.match(/^multipart\/mixed/);
      expect(stored.body as string).to.contain(jws);
    });

    it(`accepts ${alg} without x5c (a SHOULD), and refuses ${alg} when the x5c certificate is another key's or the signature bytes were changed`, async () => {
      const { privateKey, x5c } = signer();
      const other = signer();
      const unsignedCertificate = statement();
      await postSigned(unsignedCertificate, await new CompactSign(Buffer.from(JSON.stringify(unsignedCertificate))).setProtectedHeader({ alg }).sign(privateKey)).expect(200);
      const body = statement();
      const wrongKey = await postSigned(body, signWithCertificate(body, alg, privateKey, [other.x5c])).expect(400);
      expect(wrongKey.body.message).to.match(/does not verify against the certificate/);
      const jws = signWithCertificate(body, alg, privateKey, [x5c]);
      const [head, payload, signature] = jws.split('.');
      const tampered = `${head}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
      expect((await postSigned(body, tampered).expect(400)).body.message).to.match(/does not verify/);
      await request(server.url).get('/xapi/statements').query({ statementId: body.id }).set('X-Experience-API-Version', '1.0.3').set('Authorization', auth).expect(404);
    });
  }

  it("accepts a 1024-bit key with a certificate chain in x5c, like the specification's own example (Appendix D)", async () => {
    const { privateKey, x5c } = signer(1024);
    const authority = signer(1024);
    const body = statement();
    const res = await postSigned(body, signWithCertificate(body, 'RS256', privateKey, [x5c, authority.x5c]));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  });

  it('refuses an x5c header that is not a list of certificates', async () => {
    const { privateKey } = signer();
    const body = statement();
    const res = await postSigned(
      body,
      await new CompactSign(Buffer.from(JSON.stringify(body))).setProtectedHeader({ alg: 'RS256', x5c: ['bm90IGEgY2VydGlmaWNhdGU='] }).sign(privateKey),
    ).expect(400);
    expect(res.body.message).to.match(/x5c header cannot be read/);
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
