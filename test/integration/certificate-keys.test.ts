import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { toSessionUser } from '../../src/auth/session-user.js';
import { correctLearnerName, revokeCertificate } from '../../src/certificates/certificate-admin.service.js';
import { issueCertificate, type CertificateDeps } from '../../src/certificates/certificate-issue.service.js';
import { CertificateKey } from '../../src/certificates/certificate-key.model.js';
import { backfillCertificateKeys } from '../../src/certificates/certificate-keys-backfill.js';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { certificatesOfEnrolments, certificatesOfPerson, currentCertificatesOfEnrolments } from '../../src/certificates/certificates.read.js';
import { isIdLookup, recordQueries, type RecordedQuery } from '../helpers/command-log.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Learner = Awaited<ReturnType<typeof buildLearner>>;
const quiet = { logger: { info: () => undefined } };

/** Issues a certificate of the example course on `enrolmentId` (a new enrolment unless given). */
function issue(platform: CertificateDeps, learner: Learner, options: { enrolmentId?: string; completedAt?: Date } = {}) {
  return issueCertificate(platform, {
    userId: learner.user._id.toHexString(),
    organisationId: learner.user.organisationId.toHexString(),
    courseId: 'przyklad-kurs',
    enrolmentId: options.enrolmentId ?? new Types.ObjectId().toHexString(),
    registration: randomUUID(),
    scorePercent: 90,
    completedAt: options.completedAt ?? new Date(),
  });
}

async function enrolmentOf(certificateId: string): Promise<string> {
  return (await Certificate.findById(certificateId).lean())!.enrolmentId.toHexString();
}

/** The keys of these certificates, as the backfill test compares them (a scan is fine in a test). */
async function keysOf(ids: string[]): Promise<Array<{ _id: string; certificateId: string }>> {
  const keys = await CertificateKey.find({ certificateId: { $in: ids.map((id) => new Types.ObjectId(id)) } })
    .setOptions({ acrossOrganisations: true })
    .lean();
  return keys.map((key) => ({ _id: key._id, certificateId: key.certificateId.toHexString() })).sort((a, b) => a._id.localeCompare(b._id));
}

const markers = () => mongoose.connection.db!.collection<{ _id: string }>('certificate_migrations');

/**
 * The filters sent to the certificate collections (and users) while `work` runs: each must be exactly `{ _id }`,
 * the only filter FerretDB on SQLite pushes down (docs/database.md).
 */
async function filtersDuring(work: () => Promise<unknown>): Promise<RecordedQuery[]> {
  const watched = new Set(['certificates', 'certificatekeys', 'certificatefiles', 'users']);
  return (await recordQueries(work)).filter((query) => watched.has(query.collection));
}

function expectOnlyIdLookUps(seen: RecordedQuery[]): void {
  expect(seen.length, 'no certificate read was sent').to.be.greaterThan(0);
  for (const { collection, filter } of seen) expect(isIdLookup(filter), `${collection} filter ${JSON.stringify(filter)}`).to.equal(true);
}

describe('certificate look-up keys (certificate-keys.ts, certificates.read.ts)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let officeA: Awaited<ReturnType<typeof buildOrganisation>>;
  let officeB: Awaited<ReturnType<typeof buildOrganisation>>;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', BASE_URL: 'https://akademia.test' });
    officeA = await buildOrganisation({ name: 'Urząd Gminy Alfa' });
    officeB = await buildOrganisation({ name: 'Urząd Gminy Beta' });
  });
  after(() => server.close());

  describe('the verification page', () => {
    it('finds a certificate by its code through the code key, in any office', async () => {
      const learner = await buildLearner({ organisation: officeB });
      const issued = await issue(server.platform, learner);
      expect((await CertificateKey.findById(`code:${issued.code}`).lean())!.certificateId.toHexString()).to.equal(issued.id);
      const page = await request(server.url).get(`/weryfikacja/${issued.code}`).expect(200);
      expect(page.text).to.contain('jest ważne');
      // Without its key the record is not found: the page reads the key, not a scan of the certificates.
      await CertificateKey.deleteOne({ _id: `code:${issued.code}` });
      await request(server.url).get(`/weryfikacja/${issued.code}`).expect(404);
      await markers().deleteMany({});
      expect(await backfillCertificateKeys(quiet)).to.be.greaterThan(0);
      await request(server.url).get(`/weryfikacja/${issued.code}`).expect(200);
    });

    it('sends only `_id` look-ups to the certificates and users for /weryfikacja/<code>, "Moje zaświadczenia" and the PDF', async () => {
      const learner = await buildLearner({ organisation: officeA });
      const issued = await issue(server.platform, learner);
      const agent = await loginAgent(server.url, learner.user.email, learner.password);
      expectOnlyIdLookUps(await filtersDuring(() => request(server.url).get(`/weryfikacja/${issued.code}`).expect(200)));
      expectOnlyIdLookUps(await filtersDuring(() => agent.get('/moje-zaswiadczenia').expect(200)));
      expectOnlyIdLookUps(await filtersDuring(() => agent.get(`/moje-zaswiadczenia/${issued.id}/pdf`).expect(200)));
      expectOnlyIdLookUps(await filtersDuring(() => certificatesOfEnrolments(officeA._id, [new Types.ObjectId()])));
      // Issuing too (the quiz result page waits for it): the enrolment's list, the holder, the follow-ups.
      expectOnlyIdLookUps(await filtersDuring(() => issue(server.platform, learner)));
    });
  });

  describe('the read API for other features', () => {
    let learner: Learner;
    let first: { code: string; id: string };
    let retake: { code: string; id: string };
    let other: { code: string; id: string };
    let enrolmentId: string;

    before(async () => {
      learner = await buildLearner({ organisation: officeA });
      first = await issue(server.platform, learner, { completedAt: new Date('2024-05-01T10:00:00Z') });
      enrolmentId = await enrolmentOf(first.id);
      retake = await issue(server.platform, learner, { enrolmentId });
      other = await issue(server.platform, learner);
    });

    it("lists an enrolment's certificates newest first, and its current one", async () => {
      const lists = await certificatesOfEnrolments(officeA._id, [enrolmentId, await enrolmentOf(other.id), new Types.ObjectId()]);
      expect([...lists.values()].map((list) => list.map((c) => c.code))).to.deep.equal([[retake.code, first.code], [other.code], []]);
      expect(lists.get(enrolmentId)![0]).to.not.have.property('credentialJwt');
      const current = await currentCertificatesOfEnrolments(officeA._id, [enrolmentId]);
      expect(current.get(enrolmentId)).to.include({ code: retake.code, status: 'valid', verifyUrl: `/weryfikacja/${retake.code}`, pdfUrl: `/moje-zaswiadczenia/${retake.id}/pdf` });
    });

    it("lists a person's certificates newest first", async () => {
      expect((await certificatesOfPerson(officeA._id, learner.user._id)).map((c) => c.code)).to.deep.equal([other.code, retake.code, first.code]);
    });

    it('never returns a certificate of another office, whichever id or key points to it', async () => {
      expect((await certificatesOfEnrolments(officeB._id, [enrolmentId])).get(enrolmentId)).to.deep.equal([]);
      expect(await currentCertificatesOfEnrolments(officeB._id, [enrolmentId])).to.have.property('size', 0);
      expect(await certificatesOfPerson(officeB._id, learner.user._id)).to.deep.equal([]);
      // A key of office B pointing at office A's certificate (as a bug or a bad restore might leave) is ignored.
      const stranger = await buildLearner({ organisation: officeB });
      await CertificateKey.create({ _id: `learner:${stranger.user._id.toHexString()}:0`, certificateId: new Types.ObjectId(first.id), organisationId: officeB._id });
      expect(await certificatesOfPerson(officeB._id, stranger.user._id)).to.deep.equal([]);
      const agent = await loginAgent(server.url, stranger.user.email, stranger.password);
      const page = await agent.get('/moje-zaswiadczenia').expect(200);
      expect(page.text).to.not.contain(first.code);
    });

    it('shows revoked and superseded certificates as such, and never as the current one', async () => {
      const hr = await buildLearner({ organisation: officeA, overrides: { roles: ['hr'] } });
      const actor = toSessionUser(hr.user);
      await revokeCertificate(server.platform, { actor, certificateId: other.id, reason: 'Omyłkowo' });
      // The correction re-issues the certificate it was opened from (the retake's), not the person's other ones.
      const replaced = await correctLearnerName(server.platform, { actor, certificateId: retake.id, fullName: 'Nowe Nazwisko' });
      expect(replaced).to.have.length(1);
      const successor = replaced.find((c) => c.supersedes === retake.code)!;

      const lists = await certificatesOfEnrolments(officeA._id, [enrolmentId, await enrolmentOf(other.id)]);
      expect(lists.get(enrolmentId)!.map((c) => [c.code, c.state])).to.have.deep.members([
        [successor.code, 'issued'],
        [retake.code, 'superseded'],
        [first.code, 'issued'],
      ]);
      expect(lists.get(await enrolmentOf(other.id))!.map((c) => [c.code, c.state])).to.deep.equal([[other.code, 'revoked']]);
      const current = await currentCertificatesOfEnrolments(officeA._id, [enrolmentId, await enrolmentOf(other.id)]);
      expect(current.get(enrolmentId)).to.include({ code: successor.code, status: 'valid' });
      expect(current.has(await enrolmentOf(other.id))).to.equal(false);

      const superseded = await request(server.url).get(`/weryfikacja/${retake.code}`).expect(200);
      expect(superseded.text).to.contain('Zastąpione nowszym');
      expect(superseded.text).to.contain(`href="/weryfikacja/${successor.code}"`);
      const revoked = await request(server.url).get(`/weryfikacja/${other.code}`).expect(200);
      expect(revoked.text).to.contain('Unieważnione');
      const agent = await loginAgent(server.url, learner.user.email, learner.password);
      const [now, history] = (await agent.get('/moje-zaswiadczenia').expect(200)).text.split('Historia (zaświadczenia wygasłe');
      expect(now).to.contain(successor.code);
      expect(history).to.contain(retake.code);
      expect(history).to.contain(other.code);
    });
  });

  describe('concurrent issues', () => {
    it('keeps both certificates of a person passing two courses at once (slots are inserts, not updates)', async () => {
      const learner = await buildLearner({ organisation: officeA });
      const both = await Promise.all([issue(server.platform, learner), issue(server.platform, learner), issue(server.platform, learner)]);
      const listed = (await certificatesOfPerson(officeA._id, learner.user._id)).map((c) => c.code).sort();
      expect(listed).to.deep.equal(both.map((c) => c.code).sort());
    });

    it('points the keys of a certificate that lost its issue race to the winner', async () => {
      const learner = await buildLearner({ organisation: officeA });
      const enrolmentId = new Types.ObjectId().toHexString();
      const completedAt = new Date();
      const [a, b] = await Promise.all([issue(server.platform, learner, { enrolmentId, completedAt }), issue(server.platform, learner, { enrolmentId, completedAt })]);
      expect(a).to.deep.equal(b);
      expect((await certificatesOfPerson(officeA._id, learner.user._id)).map((c) => c.code)).to.deep.equal([a.code]);
      const keys = await CertificateKey.find({ organisationId: officeA._id }).lean();
      for (const key of keys) expect(await Certificate.exists({ _id: key.certificateId }), key._id).to.not.equal(null);
    });
  });

  describe('the start-up backfill', () => {
    it('gives certificates stored before the keys their keys, idempotently, and survives an interrupted run', async () => {
      const learner = await buildLearner({ organisation: officeB });
      const old = await issue(server.platform, learner, { completedAt: new Date('2024-02-01T10:00:00Z') });
      const retake = await issue(server.platform, learner, { enrolmentId: await enrolmentOf(old.id) });
      const other = await issue(server.platform, learner);
      const ids = [old.id, retake.id, other.id];
      const complete = await keysOf(ids);
      // A code key and a slot in the enrolment's and the person's lists each; the retake is slot 1 of both.
      expect(complete).to.have.length(9);
      expect(complete).to.deep.include({ _id: `enrolment:${await enrolmentOf(old.id)}:1`, certificateId: retake.id });

      // As stored by the version before: no keys at all, and no marker.
      await CertificateKey.deleteMany({}).setOptions({ acrossOrganisations: true });
      await markers().deleteMany({});
      await request(server.url).get(`/weryfikacja/${old.code}`).expect(404);
      expect(await certificatesOfPerson(officeB._id, learner.user._id)).to.deep.equal([]);

      const keyed = await backfillCertificateKeys(quiet);
      expect(keyed).to.equal(await Certificate.countDocuments({}).setOptions({ acrossOrganisations: true }));
      expect(await keysOf(ids)).to.deep.equal(complete);
      await request(server.url).get(`/weryfikacja/${old.code}`).expect(200);
      expect(await certificatesOfPerson(officeB._id, learner.user._id)).to.have.length(3);

      // A later start reads the marker and does nothing.
      await CertificateKey.deleteOne({ _id: `code:${old.code}` });
      expect(await backfillCertificateKeys(quiet)).to.equal(0);
      await request(server.url).get(`/weryfikacja/${old.code}`).expect(404);

      // A run cut short (some keys written, no marker): the next run adds only what is missing, no duplicates —
      // here the code key above and a hole in the person's list.
      await CertificateKey.deleteOne({ _id: `learner:${learner.user._id.toHexString()}:1` });
      await markers().deleteMany({});
      expect(await backfillCertificateKeys(quiet)).to.equal(2);
      expect(await keysOf(ids)).to.deep.equal(complete);
      await markers().deleteMany({});
      expect(await backfillCertificateKeys(quiet)).to.equal(0);
      expect(await keysOf(ids)).to.deep.equal(complete);
    });
  });
});
