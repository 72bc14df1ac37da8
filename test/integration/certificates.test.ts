import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createLocalJWKSet, decodeJwt, exportJWK, jwtVerify } from 'jose';
import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { User } from '../../src/auth/user.model.js';
import { CertificateFile } from '../../src/certificates/certificate-file.model.js';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { issueCertificate, type CertificateDeps } from '../../src/certificates/certificate-issue.service.js';
import { statusOf } from '../../src/certificates/certificate-rules.js';
import { SigningKeyError } from '../../src/certificates/signing-key.service.js';
import { checkUploadedCredential } from '../../src/certificates/verification.service.js';
import { runStartupTasks } from '../../src/startup.js';
import { WindowCount } from '../../src/db/window-counter.js';
import { statementsAnywhere } from '../helpers/statements.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { mailsTo } from '../helpers/mail.js';
import { buildTestPlatform, startTestServer, type TestServer } from '../helpers/server.js';
import { inProcessTimeZone } from '../helpers/time-zone.js';

const BASE_URL = 'https://akademia.test';
const NAME = 'Zażółć Gęślą Jaźń';

type Learner = Awaited<ReturnType<typeof buildLearner>>;

async function issueFor(platform: CertificateDeps, learner: Learner, completedAt = new Date('2026-03-10T09:30:00Z'), scorePercent = 87.5) {
  return issueCertificate(platform, {
    userId: learner.user._id.toHexString(),
    organisationId: learner.user.organisationId.toHexString(),
    courseId: 'przyklad-kurs',
    enrolmentId: new Types.ObjectId().toHexString(),
    registration: randomUUID(),
    scorePercent,
    completedAt,
  });
}

describe('certificates (issue, download, verify, revoke, re-issue)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let dir: string;
  let organisation: Awaited<ReturnType<typeof buildOrganisation>>;
  let learner: Learner;
  let agent: Awaited<ReturnType<typeof loginAgent>>;
  let issued: { code: string; id: string };

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', BASE_URL, VERIFY_RATE_LIMIT_PER_MINUTE: '1000' });
    dir = mkdtempSync(path.join(os.tmpdir(), 'certificates-it-'));
    organisation = await buildOrganisation({ name: 'Urząd Gminy Łącko' });
    learner = await buildLearner({ organisation, overrides: { fullName: NAME } });
    agent = await loginAgent(server.url, learner.user.email, learner.password);
    issued = await issueFor(server.platform, learner);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('issueCertificate', () => {
    it('issues one certificate per completion, idempotently', async () => {
      expect(issued.code).to.match(/^AJST-2026-[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
      const record = await Certificate.findById(issued.id).lean();
      const again = await issueCertificate(server.platform, {
        userId: learner.user._id.toHexString(),
        organisationId: organisation._id.toHexString(),
        courseId: 'przyklad-kurs',
        enrolmentId: record!.enrolmentId.toHexString(),
        registration: record!.registration,
        scorePercent: 87.5,
        completedAt: record!.completedAt,
      });
      expect(again).to.deep.equal(issued);
      expect(await Certificate.countDocuments({ organisationId: organisation._id, enrolmentId: record!.enrolmentId })).to.equal(1);
    });

    it('records what the certificate states: name snapshot, course version, hours, validity from the course', async () => {
      const record = await Certificate.findById(issued.id).lean();
      expect(record!.learnerName).to.equal(NAME);
      expect(record!.courseTitle).to.equal('Przykładowy kurs');
      expect(record!.courseVersion).to.equal('1.0.0');
      expect(record!.legalStateDate).to.equal('2026-01-01');
      expect(record!.durationMinutes).to.equal(30);
      expect(record!.validUntil!.toISOString()).to.equal('2027-03-10T09:30:00.000Z'); // validityMonths: 12
      expect(record!.issuerName).to.equal('Urząd Gminy Łącko');
      const file = await CertificateFile.findOne({ _id: record!._id, organisationId: organisation._id });
      expect(createHash('sha256').update(file!.pdf).digest('hex')).to.equal(record!.pdfSha256);
    });

    it('queues the PDF mail as an attachment and records an xAPI "earned" statement', async () => {
      const mails = await mailsTo(learner.user.email);
      expect(mails).to.have.length(1);
      expect(mails[0].subject).to.contain('Przykładowy kurs');
      expect(mails[0].text).to.contain(`${BASE_URL}/weryfikacja/${issued.code}`);
      expect(mails[0].attachments).to.deep.include({
        filename: `${issued.code}.pdf`,
        contentType: 'application/pdf',
        size: (await Certificate.findById(issued.id).lean())!.pdfBytes,
      });
      const record = await Certificate.findById(issued.id).lean();
      // Queued, not claimed as delivered: the outbox entry it points to is still waiting for the sender.
      expect(record!.mailQueuedAt).to.be.instanceOf(Date);
      expect(record!.mailId).to.equal(mails[0]._id.toHexString());
      expect(record!.mailedAt).to.equal(undefined);
      expect(mails[0].status).to.equal('queued');
      const statements = await statementsAnywhere({ registration: record!.registration });
      expect(statements.map((s) => s.verbId)).to.deep.equal(['http://id.tincanapi.com/verb/earned']);
      expect(record!.issuedStatementId).to.equal(statements[0].statementId);
      expect(JSON.parse(statements[0].json).object.id).to.contain(issued.code);
    });
  });

  describe('the PDF from "Moje zaświadczenia"', () => {
    let file: string;
    let pdf: Buffer;
    before(async () => {
      const res = await agent.get(`/moje-zaswiadczenia/${issued.id}/pdf`).responseType('blob').expect(200);
      expect(res.headers['content-type']).to.equal('application/pdf');
      expect(res.headers['content-disposition']).to.equal(`attachment; filename="${issued.code}.pdf"`);
      pdf = res.body as Buffer;
      file = path.join(dir, 'issued.pdf');
      writeFileSync(file, pdf);
    });

    it('is the issued file (its SHA-256 is the one recorded)', async () => {
      const record = await Certificate.findById(issued.id).lean();
      expect(createHash('sha256').update(pdf).digest('hex')).to.equal(record!.pdfSha256);
    });

    it("holds the learner's name with its diacritics exactly, and the facts (pdftotext)", () => {
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      expect(text).to.contain(NAME);
      expect(text).to.contain('„Przykładowy kurs”');
      expect(text).to.contain('wersja szkolenia 1.0.0');
      expect(text).to.contain('stan prawny na 01.01.2026');
      expect(text).to.contain('czas trwania 30 min');
      expect(text).to.contain('wynik testu końcowego 88%');
      expect(text).to.contain('data ukończenia 10.03.2026');
      expect(text).to.contain('ważne do 10.03.2027');
      expect(text).to.contain('URZĄD GMINY ŁĄCKO');
      expect(text).to.contain(issued.code);
      expect(text).to.contain(`akademia.test/weryfikacja/${issued.code}`);
    });

    it('embeds all its fonts (pdffonts)', () => {
      const rows = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
      expect(rows).to.have.length.greaterThan(1);
      for (const row of rows) expect(row.trim().split(/\s+/).at(-5), row).to.equal('yes');
    });

    it('lists the certificate on the page with its downloads', async () => {
      const res = await agent.get('/moje-zaswiadczenia').expect(200);
      expect(res.text).to.contain('<h1>Moje zaświadczenia</h1>');
      expect(res.text).to.contain(issued.code);
      expect(res.text).to.contain(`href="/moje-zaswiadczenia/${issued.id}/pdf"`);
      expect(res.text).to.contain(`href="/weryfikacja/${issued.code}"`);
      expect(res.text).to.contain('Ważne');
    });

    it("does not give one learner another learner's certificate", async () => {
      const other = await buildLearner({ organisation });
      const otherAgent = await loginAgent(server.url, other.user.email, other.password);
      await otherAgent.get(`/moje-zaswiadczenia/${issued.id}/pdf`).expect(403);
      await otherAgent.get(`/moje-zaswiadczenia/${issued.id}/odznaka.json`).expect(403);
      const list = await otherAgent.get('/moje-zaswiadczenia').expect(200);
      expect(list.text).to.not.contain(issued.code);
    });

    it('sends people who are not signed in to the login page', async () => {
      const res = await request(server.url).get('/moje-zaswiadczenia').expect(302);
      expect(res.headers.location).to.match(/^\/logowanie/);
    });
  });

  describe('/weryfikacja/:code', () => {
    it('shows a valid certificate: name, course, version, legal state, hours, dates, issuer — and no e-mail or score', async () => {
      const res = await request(server.url).get(`/weryfikacja/${issued.code}`).expect(200);
      expect(res.text).to.contain('To zaświadczenie zostało wystawione w Akademii JST i jest ważne.');
      for (const fact of [NAME, 'Przykładowy kurs', '1.0.0', '01.01.2026', '30 min', '10.03.2026', 'Urząd Gminy Łącko']) {
        expect(res.text, fact).to.contain(fact);
      }
      expect(res.text).to.not.contain(learner.user.email);
      expect(res.text).to.not.contain('Wynik testu końcowego');
      expect(res.text).to.not.contain('87');
    });

    it('shows the score only when the learner allows it', async () => {
      await User.updateOne({ _id: learner.user._id, organisationId: organisation._id }, { $set: { showScoreOnCertificates: true } });
      try {
        const res = await request(server.url).get(`/weryfikacja/${issued.code}`).expect(200);
        expect(res.text).to.contain('Wynik testu końcowego');
        expect(res.text).to.contain('<dd>88%</dd>'); // whole percent, as on the PDF
      } finally {
        await User.updateOne({ _id: learner.user._id, organisationId: organisation._id }, { $set: { showScoreOnCertificates: false } });
      }
    });

    it('lets the learner give and withdraw consent to show the score, from "Moje zaświadczenia"', async () => {
      const page = await agent.get('/moje-zaswiadczenia').expect(200);
      expect(page.text).to.match(/<input type="checkbox" id="show-score" name="showScore" value="tak" aria-describedby="show-score-hint"\s*>/);
      await agent
        .post('/moje-zaswiadczenia/wynik')
        .type('form')
        .send({ _csrf: csrfTokenFrom(page.text), showScore: 'tak' })
        .expect(303);
      const shown = await request(server.url).get(`/weryfikacja/${issued.code}`).expect(200);
      expect(shown.text).to.contain('<dd>88%</dd>');
      const after = await agent.get('/moje-zaswiadczenia').expect(200);
      expect(after.text).to.contain('Wynik testu będzie widoczny na stronie weryfikacji.');
      expect(after.text).to.match(/id="show-score"[^>]*checked/);
      // An unchecked box sends nothing: consent withdrawn.
      await agent
        .post('/moje-zaswiadczenia/wynik')
        .type('form')
        .send({ _csrf: csrfTokenFrom(after.text) })
        .expect(303);
      const hidden = await request(server.url).get(`/weryfikacja/${issued.code}`).expect(200);
      expect(hidden.text).to.not.contain('<dd>88%</dd>');
      await agent
        .post('/moje-zaswiadczenia/wynik')
        .type('form')
        .send({ _csrf: csrfTokenFrom(after.text), showScore: ['tak', 'x'] })
        .expect(400);
    });

    it('gives the same public record as JSON to clients that ask for it', async () => {
      const res = await request(server.url).get(`/weryfikacja/${issued.code}`).set('Accept', 'application/json').expect(200);
      expect(res.body).to.include({ code: issued.code, status: 'valid', learnerName: NAME, courseVersion: '1.0.0', legalStateDate: '2026-01-01', issuerName: 'Urząd Gminy Łącko' });
      expect(res.body).to.not.have.property('scorePercent');
      expect(JSON.stringify(res.body)).to.not.contain(learner.user.email);
      const missing = await request(server.url).get('/weryfikacja/AJST-2026-AAAA-BBBB-CCCC-DDDD').set('Accept', 'application/json').expect(404);
      expect(missing.body).to.deep.equal({ error: 'not_found', message: 'Nie znaleziono strony.' });
    });

    it('tells a lay verifier that no certificate has an unknown number, what that may mean and whom to ask (404)', async () => {
      const unknown = await request(server.url).get('/weryfikacja/AJST-2026-AAAA-BBBB-CCCC-DDDD').expect(404);
      expect(unknown.text).to.contain('Nie ma zaświadczenia o tym numerze');
      expect(unknown.text).to.contain('Platforma nie wystawiła zaświadczenia o numerze AJST-2026-AAAA-BBBB-CCCC-DDDD.');
      expect(unknown.text).to.contain('przepisany z błędem');
      expect(unknown.text).to.contain('nie został wystawiony w Akademii JST');
      expect(unknown.text).to.contain('href="/kontakt"');
      expect(unknown.text).to.not.contain('Nie znaleziono strony');
      const english = await request(server.url).get('/weryfikacja/AJST-2026-AAAA-BBBB-CCCC-DDDD?lang=en').expect(404);
      expect(english.text).to.contain('There is no certificate with this number');
    });

    it('says what a certificate number looks like when the address holds something else, injected text included (404)', async () => {
      const malformed = await request(server.url).get('/weryfikacja/to-nie-jest-kod').expect(404);
      expect(malformed.text).to.contain('To nie jest numer zaświadczenia');
      expect(malformed.text).to.contain('AJST-RRRR-XXXX-XXXX-XXXX-XXXX');
      const injected = await request(server.url).get('/weryfikacja/%3Cscript%3Ealert(1)%3C%2Fscript%3E').expect(404);
      expect(injected.text).to.contain('To nie jest numer zaświadczenia');
      expect(injected.text).to.not.contain('<script>alert(1)');
      await request(server.url).get('/weryfikacja/%7B%22%24ne%22%3A1%7D').expect(404);
    });

    it('finds a number typed as people copy it from paper: lower case, spaces, no dashes, 0 for O and 1 for I', async () => {
      const compact = issued.code.replace(/-/g, '').toLowerCase();
      const res = await request(server.url).get(`/weryfikacja/${compact}`).expect(301);
      expect(res.headers.location).to.equal(`/weryfikacja/${issued.code}`);
      const spaced = issued.code.replace(/-/g, ' ').toLowerCase().replace(/o/g, '0').replace(/i/g, '1');
      const typed = await request(server.url)
        .get(`/weryfikacja?code=${encodeURIComponent(spaced)}`)
        .expect(303);
      expect(typed.headers.location).to.equal(`/weryfikacja/${issued.code}`);
    });

    it('keeps /verify/<number>, printed on certificates issued before the Polish path, as a permanent redirect', async () => {
      const old = await request(server.url).get(`/verify/${issued.code}`).expect(301);
      expect(old.headers.location).to.equal(`/weryfikacja/${issued.code}`);
      const lookup = await request(server.url).get(`/verify?code=${issued.code}`).expect(303);
      expect(lookup.headers.location).to.equal(`/weryfikacja/${issued.code}`);
      const missing = await request(server.url).get('/verify/AJST-2026-AAAA-BBBB-CCCC-DDDD').redirects(1).expect(404);
      expect(missing.text).to.contain('Nie ma zaświadczenia o tym numerze');
    });

    it('takes a code from the lookup form, and re-renders the form for a malformed one', async () => {
      const ok = await request(server.url)
        .get(`/weryfikacja?code=${encodeURIComponent(` ${issued.code.toLowerCase()} `)}`)
        .expect(303);
      expect(ok.headers.location).to.equal(`/weryfikacja/${issued.code}`);
      const bad = await request(server.url).get('/weryfikacja?code=ABC').expect(400);
      expect(bad.text).to.contain('id="code-error"');
      expect(bad.text).to.contain('value="ABC"');
      expect(bad.text).to.contain('aria-describedby="code-hint code-error"');
    });

    it('shows an expired certificate as expired', async () => {
      const expiring = await issueFor(server.platform, await buildLearner({ organisation }), new Date('2024-01-15T08:00:00Z'));
      const res = await request(server.url).get(`/weryfikacja/${expiring.code}`).expect(200);
      expect(res.text).to.contain('Wygasło');
      expect(res.text).to.contain('jego okres ważności minął');
    });

    it('tells the issued PDF from an edited one', async () => {
      const original = (await agent.get(`/moje-zaswiadczenia/${issued.id}/pdf`).responseType('blob').expect(200)).body as Buffer;
      const same = await request(server.url).post(`/weryfikacja/${issued.code}/plik`).attach('plik', original, { filename: 'z.pdf', contentType: 'application/pdf' }).expect(200);
      expect(same.text).to.contain(`Plik jest identyczny z wystawionym zaświadczeniem ${issued.code}.`);

      const edited = Buffer.from(original);
      const at = edited.indexOf('Akademia JST (PDFKit)');
      edited.write('Akademia JST (PDFKiT)', at, 'latin1');
      const differs = await request(server.url).post(`/weryfikacja/${issued.code}/plik`).attach('plik', edited, { filename: 'z.pdf', contentType: 'application/pdf' }).expect(200);
      expect(differs.text).to.contain('Plik NIE jest identyczny');
      // The file's result comes first (the page's heading and the first notice), then the register's record, which
      // says it is about the number, not the file: a lay verifier must not read "ważne" as "this file is fine".
      const main = differs.text.slice(differs.text.indexOf('<main'));
      expect(main.indexOf('<h1>Wynik sprawdzenia pliku</h1>')).to.be.greaterThan(-1);
      expect(main.indexOf('Plik NIE jest identyczny')).to.be.lessThan(main.indexOf('Ważne'));
      expect(main).to.contain(`Zaświadczenie nr ${issued.code} w rejestrze platformy`);
      expect(main).to.contain('dotyczą numeru');
    });

    it('asks for a file when none was sent, and refuses what is not a PDF', async () => {
      const none = await request(server.url).post(`/weryfikacja/${issued.code}/plik`).field('x', '1').expect(400);
      expect(none.text).to.contain('Wybierz plik do sprawdzenia.');
      expect(none.text).to.contain('aria-describedby="plik-hint plik-error"');
      const text = await request(server.url).post(`/weryfikacja/${issued.code}/plik`).attach('plik', Buffer.from('hello'), 'a.pdf').expect(400);
      expect(text.text).to.contain('To nie jest plik PDF.');
    });

    it('refuses a file over 5 MB with a message, not a crash', async () => {
      const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024 + 10, 32)]);
      const res = await request(server.url).post(`/weryfikacja/${issued.code}/plik`).attach('plik', big, 'big.pdf');
      expect(res.status).to.equal(413);
      expect(res.text).to.contain('Plik jest za duży');
    });

    it('answers an upload for an unknown code with the 404 page', async () => {
      await request(server.url).post('/weryfikacja/AJST-2026-AAAA-BBBB-CCCC-DDDD/plik').attach('plik', Buffer.from('%PDF-1.7'), 'a.pdf').expect(404);
    });
  });

  describe('Open Badges 3.0 credential', () => {
    let envelope: { id: string; type: string };
    let jwt: string;
    before(async () => {
      const res = await agent.get(`/moje-zaswiadczenia/${issued.id}/odznaka.json`).expect(200);
      envelope = JSON.parse(res.text) as typeof envelope;
      jwt = envelope.id.replace('data:application/vc+jwt,', '');
      const raw = await agent.get(`/moje-zaswiadczenia/${issued.id}/odznaka.jwt`).responseType('blob').expect(200);
      expect(raw.headers['content-type']).to.match(/^application\/vc\+jwt/);
      expect((raw.body as Buffer).toString('utf8')).to.equal(jwt);
    });

    it('is an OpenBadgeCredential signed with the key published at /.well-known/jwks.json', async () => {
      expect(envelope.type).to.equal('EnvelopedVerifiableCredential');
      const jwks = await request(server.url).get('/.well-known/jwks.json').expect(200);
      const keys = JSON.parse(jwks.text) as { keys: Array<Record<string, string>> };
      expect(keys.keys).to.have.length(1);
      expect(keys.keys[0]).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(keys.keys[0]).to.not.have.property('d');
      const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(keys as never));
      expect(protectedHeader.kid).to.equal(keys.keys[0].kid);
      expect(payload['@context']).to.deep.equal(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
      expect(payload.type).to.deep.equal(['VerifiableCredential', 'OpenBadgeCredential']);
      expect(payload.id).to.equal(`${BASE_URL}/weryfikacja/${issued.code}`);
      expect(payload.jti).to.equal(payload.id);
      expect((payload.issuer as { name: string }).name).to.equal('Urząd Gminy Łącko');
      const subject = payload.credentialSubject as { achievement: { name: string; version: string }; identifier: Array<{ identityHash: string }> };
      expect(subject.achievement.name).to.equal('Przykładowy kurs');
      expect(subject.achievement.version).to.equal('1.0.0');
      expect(subject.identifier[0].identityHash).to.equal(NAME);
      expect(JSON.stringify(payload)).to.not.contain(learner.user.email);
    });

    it('is confirmed by the verification page, and a tampered one is refused', async () => {
      const good = await request(server.url)
        .post(`/weryfikacja/${issued.code}/odznaka`)
        .attach('odznaka', Buffer.from(JSON.stringify(envelope)), 'badge.json')
        .expect(200);
      expect(good.text).to.contain(`Podpis jest prawidłowy, a odznaka jest zgodna z zaświadczeniem ${issued.code} w rejestrze.`);

      const [header, , signature] = jwt.split('.');
      const forged = { ...decodeJwt(jwt), credentialSubject: { identifier: [{ identityHash: 'Ktoś Inny' }] } };
      const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
      const bad = await request(server.url).post(`/weryfikacja/${issued.code}/odznaka`).attach('odznaka', Buffer.from(tampered), 'badge.jwt').expect(200);
      expect(bad.text).to.contain('Podpis cyfrowy jest nieprawidłowy');

      const garbage = await request(server.url).post('/weryfikacja/odznaka').attach('odznaka', Buffer.from('{"hello": 1}'), 'x.json').expect(200);
      expect(garbage.text).to.contain('Nie udało się odczytać pliku');
    });

    it('is also checked from the lookup page, which then shows the record', async () => {
      const res = await request(server.url).post('/weryfikacja/odznaka').attach('odznaka', Buffer.from(jwt), 'badge.jwt').expect(200);
      expect(res.text).to.contain(`Zaświadczenie ${issued.code}`);
      expect(res.text).to.contain('Podpis jest prawidłowy');
    });
  });

  describe('the badge signing key at rest (issue 10, finding 11)', () => {
    const signingKeys = () => mongoose.connection.db!.collection<Record<string, unknown>>('signingkeys');
    const jwtOf = async (code: string) => (await Certificate.findOne({ code }).setOptions({ acrossOrganisations: true }).lean())!.credentialJwt;

    it('is stored sealed under SECRETS_KEY: the document holds no private key material', async () => {
      const stored = await signingKeys().find({}).toArray();
      expect(stored).to.have.length(1);
      expect(stored[0]).to.not.have.property('privateJwk');
      expect(stored[0].sealedPrivateJwk)
        .to.be.a('string')
        .and.match(/^sb1\./);
      const { d } = await exportJWK((await server.platform.badgeKeys.current()).privateKey);
      expect(d).to.be.a('string').with.length.above(20);
      const text = JSON.stringify(stored[0]);
      expect(text).to.not.contain(d);
      expect(text).to.not.contain('BEGIN');
      expect(JSON.parse(stored[0].publicJwk as string)).to.not.have.property('d');
    });

    it('a restarted server with the same SECRETS_KEY keeps the key: a badge issued before still verifies', async () => {
      const restarted = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', BASE_URL, VERIFY_RATE_LIMIT_PER_MINUTE: '1000' });
      try {
        const res = await request(restarted.url)
          .post(`/weryfikacja/${issued.code}/odznaka`)
          .attach('odznaka', Buffer.from(await jwtOf(issued.code)), 'badge.jwt')
          .expect(200);
        expect(res.text).to.contain(`Podpis jest prawidłowy, a odznaka jest zgodna z zaświadczeniem ${issued.code} w rejestrze.`);
      } finally {
        await restarted.close();
      }
    });

    it('a key stored in clear by an earlier version is sealed at start-up, and stays the same key', async () => {
      const [sealed] = await signingKeys().find({}).toArray();
      const clear = server.platform.secretBox.open(sealed.sealedPrivateJwk as string, 'open-badges-signing-key');
      await signingKeys().updateOne({ _id: sealed._id }, { $set: { privateJwk: clear }, $unset: { sealedPrivateJwk: 1 } });
      const platform = await buildTestPlatform({ env: { COURSES_DIR: 'test/fixtures/courses', BASE_URL, REMINDER_CRON: 'off' } });
      (await runStartupTasks(platform, { embedded: false })).stop();
      const [migrated] = await signingKeys().find({}).toArray();
      expect(migrated).to.not.have.property('privateJwk');
      expect(migrated.sealedPrivateJwk).to.match(/^sb1\./);
      expect(migrated.kid).to.equal(sealed.kid);
      expect(JSON.stringify(migrated)).to.not.contain((JSON.parse(clear) as { d: string }).d);
      expect((await checkUploadedCredential(platform, await jwtOf(issued.code))).outcome).to.equal('authentic');
    });

    it('a wrong SECRETS_KEY stops the start-up with a clear error and never replaces the stored key', async () => {
      const [before] = await signingKeys().find({}).toArray();
      const platform = await buildTestPlatform({ env: { COURSES_DIR: 'test/fixtures/courses', BASE_URL, REMINDER_CRON: 'off', SECRETS_KEY: randomBytes(32).toString('hex') } });
      let failure: unknown;
      try {
        (await runStartupTasks(platform, { embedded: false })).stop();
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(SigningKeyError);
      expect((failure as Error).message).to.match(/cannot be opened with this SECRETS_KEY: .*sealed under another SECRETS_KEY/);
      // Issuing on that platform fails too, instead of signing with a new key.
      let issueFailure: unknown;
      try {
        await issueFor(platform, learner);
      } catch (error) {
        issueFailure = error;
      }
      expect(issueFailure).to.be.instanceOf(SigningKeyError);
      expect(await signingKeys().find({}).toArray()).to.deep.equal([before]);
    });
  });

  describe('HR: revoke and correct a name', () => {
    let hrAgent: Awaited<ReturnType<typeof loginAgent>>;
    before(async () => {
      const hr = await buildLearner({ organisation, overrides: { roles: ['hr'], fullName: 'Halina Kadrowa' } });
      hrAgent = await loginAgent(server.url, hr.user.email, hr.password);
    });

    it("lists the organisation's certificates for HR, and not for learners", async () => {
      const res = await hrAgent.get('/zaswiadczenia').expect(200);
      expect(res.text).to.contain(issued.code);
      expect(res.text).to.contain(NAME);
      await agent.get('/zaswiadczenia').expect(403);
    });

    it('keeps HR of another organisation out', async () => {
      const elsewhere = await buildOrganisation();
      const stranger = await buildLearner({ organisation: elsewhere, overrides: { roles: ['hr'] } });
      const strangerAgent = await loginAgent(server.url, stranger.user.email, stranger.password);
      const list = await strangerAgent.get('/zaswiadczenia').expect(200);
      expect(list.text).to.not.contain(issued.code);
      await strangerAgent.get(`/zaswiadczenia/${issued.id}/uniewaznij`).expect(403);
      await strangerAgent.get(`/zaswiadczenia/${issued.id}/pdf`).expect(403);
    });

    it('corrects a name: a new certificate with a new number, the old one superseded and pointing to it', async () => {
      const other = await buildLearner({ organisation, overrides: { fullName: 'Grzegorz Brzeczyszczykiewicz' } });
      const old = await issueFor(server.platform, other);
      const form = await hrAgent.get(`/zaswiadczenia/${old.id}/popraw-dane`).expect(200);
      const token = csrfTokenFrom(form.text);
      const invalid = await hrAgent.post(`/zaswiadczenia/${old.id}/popraw-dane`).type('form').send({ _csrf: token, fullName: '12' }).expect(400);
      expect(invalid.text).to.contain('id="fullName-error"');
      expect(invalid.text).to.contain('value="12"');

      await hrAgent.post(`/zaswiadczenia/${old.id}/popraw-dane`).type('form').send({ _csrf: token, fullName: 'Grzegorz Brzęczyszczykiewicz' }).expect(303);
      const oldRecord = await Certificate.findById(old.id).lean();
      expect(oldRecord!.state).to.equal('superseded');
      const successor = await Certificate.findOne({ organisationId: organisation._id, code: oldRecord!.supersededBy }).lean();
      expect(successor!.learnerName).to.equal('Grzegorz Brzęczyszczykiewicz');
      expect(successor!.supersedes).to.equal(old.code);
      expect(successor!.completedAt.toISOString()).to.equal(oldRecord!.completedAt.toISOString());
      expect((await User.findById(other.user._id).lean())!.fullName).to.equal('Grzegorz Brzęczyszczykiewicz');

      const oldPage = await request(server.url).get(`/weryfikacja/${old.code}`).expect(200);
      expect(oldPage.text).to.contain('Zastąpione nowszym');
      expect(oldPage.text).to.contain(`href="/weryfikacja/${successor!.code}"`);
      const newPage = await request(server.url).get(`/weryfikacja/${successor!.code}`).expect(200);
      expect(newPage.text).to.contain('Grzegorz Brzęczyszczykiewicz');
      expect(newPage.text).to.contain('jest ważne');

      const mails = await mailsTo(other.user.email);
      expect(mails.map((m) => m.subject)).to.deep.equal(['Zaświadczenie o ukończeniu szkolenia: Przykładowy kurs', 'Nowe zaświadczenie (poprawione dane): Przykładowy kurs']);
    });

    it('corrects the name from one of two certificates of a person: only that one is re-issued, the account name changes', async () => {
      const person = await buildLearner({ organisation, overrides: { fullName: 'Jan Kowalsky' } });
      const opened = await issueFor(server.platform, person, new Date('2026-03-10T09:30:00Z'));
      const untouched = await issueFor(server.platform, person, new Date('2026-04-02T10:00:00Z'));
      const form = await hrAgent.get(`/zaswiadczenia/${opened.id}/popraw-dane`).expect(200);
      // The page says what happens: this certificate re-issued, the others not.
      expect(form.text).to.contain('to zaświadczenie zostanie wystawione ponownie z nowym numerem');
      expect(form.text).to.contain('Pozostałe zaświadczenia tej osoby nie zmienią się');
      const done = await hrAgent
        .post(`/zaswiadczenia/${opened.id}/popraw-dane`)
        .type('form')
        .send({ _csrf: csrfTokenFrom(form.text), fullName: 'Jan Kowalski' })
        .expect(303);
      const openedAfter = (await Certificate.findById(opened.id).lean())!;
      expect(openedAfter.state).to.equal('superseded');
      const successor = (await Certificate.findOne({ organisationId: organisation._id, code: openedAfter.supersededBy }).lean())!;
      expect(successor.learnerName).to.equal('Jan Kowalski');
      const untouchedAfter = (await Certificate.findById(untouched.id).lean())!;
      expect(untouchedAfter.state).to.equal('issued');
      expect(untouchedAfter.learnerName).to.equal('Jan Kowalsky');
      expect(untouchedAfter.supersededBy).to.equal(undefined);
      expect((await User.findById(person.user._id).lean())!.fullName).to.equal('Jan Kowalski');
      const list = await hrAgent.get(done.headers.location).expect(200);
      expect(list.text).to.contain(`Wystawiono ponownie: ${successor.code}.`);
      // Only one new certificate mailed (besides the two first issues).
      const mails = await mailsTo(person.user.email);
      expect(mails.filter((m) => m.subject.startsWith('Nowe zaświadczenie'))).to.have.length(1);
    });

    it('requires a reason to revoke, then shows the certificate as revoked everywhere', async () => {
      const form = await hrAgent.get(`/zaswiadczenia/${issued.id}/uniewaznij`).expect(200);
      const token = csrfTokenFrom(form.text);
      const noReason = await hrAgent.post(`/zaswiadczenia/${issued.id}/uniewaznij`).type('form').send({ _csrf: token, reason: ' ' }).expect(400);
      expect(noReason.text).to.contain('id="reason-error"');
      expect(noReason.text).to.contain('aria-describedby="reason-hint reason-error"');
      expect((await Certificate.findById(issued.id).lean())!.state).to.equal('issued');

      const done = await hrAgent.post(`/zaswiadczenia/${issued.id}/uniewaznij`).type('form').send({ _csrf: token, reason: 'Wystawione omyłkowo – błędne szkolenie' }).expect(303);
      expect(done.headers.location).to.equal('/zaswiadczenia');
      const record = await Certificate.findById(issued.id).lean();
      expect(record!.state).to.equal('revoked');
      expect(record!.revocationReason).to.equal('Wystawione omyłkowo – błędne szkolenie');

      const page = await request(server.url).get(`/weryfikacja/${issued.code}`).expect(200);
      expect(page.text).to.contain('Unieważnione');
      expect(page.text).to.contain('zostało unieważnione przez wystawcę');
      expect(page.text).to.not.contain('błędne szkolenie'); // the reason stays internal

      const statements = await statementsAnywhere({ registration: record!.registration });
      const revokedRecord = statements.find((s) => s.statementId === record!.revokedStatementId);
      expect(revokedRecord!.verbId).to.match(/\/xapi\/verbs\/revoked$/);
      const revokedStatement = JSON.parse(revokedRecord!.json) as { result: { response: string } };
      expect(revokedStatement.result.response).to.equal('Wystawione omyłkowo – błędne szkolenie');

      await hrAgent.post(`/zaswiadczenia/${issued.id}/uniewaznij`).type('form').send({ _csrf: token, reason: 'jeszcze raz' }).expect(409);
    });
  });

  describe('validity and retakes', () => {
    it('issues a new certificate for a retake on the same enrolment once the earlier one expired, keeping both', async () => {
      const retaker = await buildLearner({ organisation, overrides: { fullName: 'Łukasz Ćwikła' } });
      const enrolmentId = new Types.ObjectId().toHexString();
      const registration = randomUUID();
      const base = {
        userId: retaker.user._id.toHexString(),
        organisationId: organisation._id.toHexString(),
        courseId: 'przyklad-kurs',
        enrolmentId,
        registration,
        scorePercent: 90,
      };
      const first = await issueCertificate(server.platform, { ...base, completedAt: new Date('2024-05-01T10:00:00Z') });
      expect(statusOf((await Certificate.findById(first.id).lean())!)).to.equal('expired');

      const second = await issueCertificate(server.platform, { ...base, completedAt: new Date() });
      expect(second.code).to.not.equal(first.code);
      // While the new one is valid, another call for a slightly different completion time returns it.
      expect(await issueCertificate(server.platform, { ...base, completedAt: new Date(Date.now() + 1000) })).to.deep.equal(second);
      expect(await Certificate.countDocuments({ organisationId: organisation._id, userId: retaker.user._id })).to.equal(2);
      expect(statusOf((await Certificate.findById(second.id).lean())!)).to.equal('valid');

      const retakerAgent = await loginAgent(server.url, retaker.user.email, retaker.password);
      const page = await retakerAgent.get('/moje-zaswiadczenia').expect(200);
      const [current, history] = page.text.split('Historia (zaświadczenia wygasłe');
      expect(current).to.contain(second.code);
      expect(history).to.contain(first.code);
      expect(history).to.contain('Wygasło');
    });
  });

  describe('dates in Warsaw time, whatever the server zone (issue 9, bug 3)', () => {
    // The production Docker image runs in UTC.
    inProcessTimeZone('UTC');

    it('shows a pass at 00:30 Warsaw time as the same day on /weryfikacja, in the PDF and in the e-mail', async () => {
      const nightOwl = await buildLearner({ organisation, overrides: { fullName: 'Marek Nocny' } });
      // 00:30 on 12 March in Warsaw, still 11 March in UTC; validityMonths 12.
      const { code, id } = await issueFor(server.platform, nightOwl, new Date('2026-03-11T23:30:00Z'));

      const page = await request(server.url).get(`/weryfikacja/${code}`).expect(200);
      expect(page.text).to.contain('<dt>Data ukończenia</dt><dd>12.03.2026</dd>');
      expect(page.text).to.contain('<dt>Ważne do</dt><dd>12.03.2027</dd>');
      const english = await request(server.url).get(`/weryfikacja/${code}?lang=en`).expect(200);
      expect(english.text).to.contain('<dd>12/03/2026</dd>');

      const file = await CertificateFile.findOne({ _id: new Types.ObjectId(id), organisationId: organisation._id });
      const pdfPath = path.join(dir, 'after-midnight.pdf');
      writeFileSync(pdfPath, file!.pdf);
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' });
      expect(text).to.contain('data ukończenia 12.03.2026');
      expect(text).to.contain('ważne do 12.03.2027');

      const [mail] = await mailsTo(nightOwl.user.email);
      expect(mail.text).to.contain('(12.03.2026)');
    });
  });

  describe('in English', () => {
    it('shows the verification page in English with ?lang=en', async () => {
      const res = await request(server.url).get(`/weryfikacja/${issued.code}?lang=en`).expect(200);
      expect(res.text).to.contain('<html lang="en">');
      expect(res.text).to.contain(`Certificate ${issued.code}`);
      expect(res.text).to.contain('Is the PDF file the original?');
    });

    it('mails an English-speaking learner in English', async () => {
      const english = await buildLearner({ organisation, overrides: { language: 'en', fullName: 'Agnieszka Wąsik' } });
      await issueFor(server.platform, english);
      const [mail] = await mailsTo(english.user.email);
      expect(mail.subject).to.equal('Certificate of completion: Przykładowy kurs');
      expect(mail.text).to.contain('Hello Agnieszka Wąsik,');
    });
  });

  describe('rate limit', () => {
    it('answers 429 once an address exceeds the per-minute limit', async () => {
      const limited = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', BASE_URL, VERIFY_RATE_LIMIT_PER_MINUTE: '3' });
      // The counters are in the database, shared by every server of this file: start from the earlier tests' zero.
      await WindowCount.deleteMany({});
      try {
        for (let i = 0; i < 3; i += 1) await request(limited.url).get(`/weryfikacja/${issued.code}`).expect(200);
        const res = await request(limited.url).get(`/weryfikacja/${issued.code}`).expect(429);
        expect(res.text).to.contain('Zbyt wiele prób');
        await request(limited.url).post(`/weryfikacja/${issued.code}/plik`).attach('plik', Buffer.from('%PDF-'), 'a.pdf').expect(429);
      } finally {
        await limited.close();
      }
    });
  });
});
