// A self-signed X.509 certificate for a test key pair, built in DER by hand (Node has no certificate builder).
import { X509Certificate, sign, type KeyObject } from 'node:crypto';

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const length = body.length < 0x80 ? Buffer.from([body.length]) : lengthBytes(body.length);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

function lengthBytes(length: number): Buffer {
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      groups.unshift(value % 128);
      if (value < 128) break;
    }
    bytes.push(...groups.map((group, index) => (index < groups.length - 1 ? group | 0x80 : group)));
  }
  return der(0x06, Buffer.from(bytes));
}

const SEQUENCE = 0x30;
const utcTime = (date: Date) => der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`, 'ascii'));
/** sha256WithRSAEncryption with its NULL parameters. */
const SIGNATURE_ALGORITHM = der(SEQUENCE, oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

/**
 * A self-signed RSA certificate (X.509 v3, SHA-256, one day valid) for `publicKey`, signed with `privateKey`, as
 * base64 DER: the form of an entry of a JWS `x5c` header (RFC 7515 §4.1.6).
 */
export function selfSignedCertificate(publicKey: KeyObject, privateKey: KeyObject, commonName = 'Akademia JST test signer'): string {
  const name = der(SEQUENCE, der(0x31, der(SEQUENCE, oid('2.5.4.3'), der(0x0c, Buffer.from(commonName, 'utf8')))));
  const now = Date.now();
  const tbs = der(
    SEQUENCE,
    der(0xa0, der(0x02, Buffer.from([0x02]))),
    der(0x02, Buffer.from([0x01, ...Array.from({ length: 7 }, () => Math.floor(Math.random() * 256))])),
    SIGNATURE_ALGORITHM,
    name,
    der(SEQUENCE, utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = der(SEQUENCE, tbs, SIGNATURE_ALGORITHM, der(0x03, Buffer.from([0x00]), signature));
  new X509Certificate(certificate); // throws if the DER above is not a certificate
  return certificate.toString('base64');
}
