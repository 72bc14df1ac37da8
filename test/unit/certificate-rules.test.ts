import { expect } from 'chai';
import { CERTIFICATE_CODE_PATTERN, base32, newCertificateCode, normaliseCertificateCode } from '../../src/certificates/certificate-code.js';
import { decodeLogo, resolveTemplate, DEFAULT_ACCENT_COLOUR } from '../../src/certificates/certificate-template.js';
import { statusOf } from '../../src/certificates/certificate-rules.js';
import { can } from '../../src/certificates/certificate.policy.js';
import { extractCredentialJwt, envelopeOf } from '../../src/certificates/open-badge.js';
import type { SessionUser } from '../../src/auth/session-user.js';

describe('certificates/certificate-code', () => {
  it('encodes base32 per RFC 4648', () => {
    expect(base32(Buffer.from('foobar'))).to.equal('MZXW6YTBOI');
    expect(base32(Buffer.alloc(10))).to.have.length(16);
  });

  it('makes codes AJST-<year>-XXXX-XXXX-XXXX-XXXX that do not repeat', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => newCertificateCode(new Date('2026-05-01T00:00:00Z'))));
    expect(codes.size).to.equal(2000);
    for (const code of codes)
      expect(code)
        .to.match(CERTIFICATE_CODE_PATTERN)
        .and.match(/^AJST-2026-/);
  });

  it('normalises typed codes and rejects anything else', () => {
    expect(normaliseCertificateCode(' ajst-2026-abcd-efgh-ijkl-mnop ')).to.equal('AJST-2026-ABCD-EFGH-IJKL-MNOP');
    // As people copy a number from paper: spaces or no dashes, and a 0 or 1 where base32 can only mean O or I.
    expect(normaliseCertificateCode('ajst 2026 abcd efgh ijkl mnop')).to.equal('AJST-2026-ABCD-EFGH-IJKL-MNOP');
    expect(normaliseCertificateCode('AJST2026ABCDEFGHIJKLMNOP')).to.equal('AJST-2026-ABCD-EFGH-IJKL-MNOP');
    expect(normaliseCertificateCode('AJST-2026-ABCD-EFGH-1JKL-MN0P')).to.equal('AJST-2026-ABCD-EFGH-IJKL-MNOP');
    expect(normaliseCertificateCode('AJST-2026-ABCD-EFGH-IJKL-MNO8')).to.equal(undefined); // 8 is not base32, nor like a letter
    expect(normaliseCertificateCode('AJST-2026-ABCD-EFGH-IJKL-MNOPQ')).to.equal(undefined); // one character too many
    expect(normaliseCertificateCode('AJST-26-ABCD-EFGH-IJKL-MNOP')).to.equal(undefined);
    expect(normaliseCertificateCode('../../etc/passwd')).to.equal(undefined);
    expect(normaliseCertificateCode(['AJST-2026-ABCD-EFGH-IJKL-MNOP'])).to.equal(undefined);
  });
});

describe('certificates/certificate-rules', () => {
  const now = new Date('2026-06-01T00:00:00Z');

  it('says revoked and superseded before expired, and expired after validUntil', () => {
    expect(statusOf({ state: 'issued', validUntil: undefined }, now)).to.equal('valid');
    expect(statusOf({ state: 'issued', validUntil: new Date('2026-06-02T00:00:00Z') }, now)).to.equal('valid');
    expect(statusOf({ state: 'issued', validUntil: new Date('2026-05-31T00:00:00Z') }, now)).to.equal('expired');
    expect(statusOf({ state: 'revoked', validUntil: new Date('2026-05-31T00:00:00Z') }, now)).to.equal('revoked');
    expect(statusOf({ state: 'superseded', validUntil: undefined }, now)).to.equal('superseded');
  });
});

describe('certificates/certificate-template', () => {
  it('fills in defaults and ignores a logo that is not a PNG', () => {
    const template = resolveTemplate({
      name: 'Związek Gmin Wiejskich',
      kind: 'association',
      certificateTemplate: { logoPngBase64: Buffer.from('GIF89a').toString('base64'), accentColour: 'red' },
    });
    expect(template.accentColour).to.equal(DEFAULT_ACCENT_COLOUR);
    expect(template.logoPng).to.equal(undefined);
    expect(template.signatoryRole).to.equal('Zarząd');
    expect(template.englishLine).to.equal(false);
    expect(decodeLogo(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]).toString('base64'))).to.be.instanceOf(Buffer);
  });
});

describe('certificates/certificate.policy', () => {
  const user = (roles: SessionUser['roles'], organisationId = 'org-a', id = 'u1'): SessionUser => ({
    id,
    organisationId,
    roles,
    email: 'x@example.test',
    fullName: 'X',
    learnerId: 'l',
    language: 'pl',
  });
  const certificate = { userId: 'u2', organisationId: 'org-a' };

  it('lets learners download only their own certificates', () => {
    expect(can(user(['learner'], 'org-a', 'u2'), 'download', certificate)).to.equal(true);
    expect(can(user(['learner'], 'org-a', 'u1'), 'download', certificate)).to.equal(false);
    expect(can(user(['learner'], 'org-a', 'u2'), 'revoke', certificate)).to.equal(false);
  });

  it('lets HR and admins act only within their own organisation', () => {
    expect(can(user(['hr'], 'org-a'), 'revoke', certificate)).to.equal(true);
    expect(can(user(['hr'], 'org-b'), 'revoke', certificate)).to.equal(false);
    expect(can(user(['hr'], 'org-b'), 'download', certificate)).to.equal(false);
    expect(can(user(['admin'], 'org-a'), 'reissue', certificate)).to.equal(true);
    // An office's admin is no platform operator: another office's certificates are out of reach.
    expect(can(user(['admin'], 'org-b'), 'reissue', certificate)).to.equal(false);
    expect(can(user(['admin'], 'org-b'), 'download', certificate)).to.equal(false);
  });
});

describe('certificates/open-badge', () => {
  it('finds the JWT in a bare upload, an envelope, or neither', () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJ4In0.c2ln';
    expect(extractCredentialJwt(`${jwt}\n`)).to.equal(jwt);
    expect(extractCredentialJwt(JSON.stringify(envelopeOf(jwt)))).to.equal(jwt);
    expect(extractCredentialJwt('{"id":"https://example.test"}')).to.equal(undefined);
    expect(extractCredentialJwt('not json')).to.equal(undefined);
  });
});
