// Issue 14, part 5: every view or export of another person's data by HR or an admin is in the access trail; the admin
// and the IOD read and export it, a learner sees who viewed their records, and nobody sees another office's trail.
import { expect } from 'chai';
import request from 'supertest';
import type { UserDoc } from '../../src/auth/user.model.js';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { AccessTrailEntry } from '../../src/privacy/access-trail-entry.model.js';
import { enrolAndCompleteSteps, exampleCourse } from '../helpers/completion.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, loginAgent, type Agent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const TRAIL = '/urzad/dostep-do-danych';

describe('privacy/access-trail (the access trail and its pages)', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let anna: UserDoc;
  let annaAgent: Agent;
  let hr: Agent;
  let admin: Agent;
  let iod: Agent;
  let otherAdmin: Agent;
  let annaCertificateId: string;

  const entries = (what?: string) => AccessTrailEntry.find({ organisationId: office._id, ...(what ? { what } : {}) }).lean();

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    office = await buildOrganisation();
    const other = await buildOrganisation();
    const annaBuilt = await buildLearner({ organisation: office, overrides: { fullName: 'Anna Oglądana' } });
    anna = annaBuilt.user;
    annaAgent = await loginAgent(server.url, anna.email, annaBuilt.password);
    const build = async (organisation: OrganisationDoc, fullName: string, roles: Array<'hr' | 'admin' | 'iod' | 'learner'>) => {
      const built = await buildLearner({ organisation, overrides: { fullName, roles } });
      return loginAgent(server.url, built.user.email, built.password);
    };
    hr = await build(office, 'Halina Kadrowa', ['hr', 'learner']);
    admin = await build(office, 'Adam Admin', ['admin', 'learner']);
    iod = await build(office, 'Iwona Inspektor', ['iod', 'learner']);
    otherAdmin = await build(other, 'Olaf Obcy', ['admin', 'learner']);
    await enrolAndCompleteSteps(annaAgent, await exampleCourse());
    annaCertificateId = (await buildCertificate(server.platform, anna)).id;
  });
  after(() => server.close());

  it('records HR’s views and exports of others, with who, when, what and whose, and not a learner’s own views', async () => {
    await hr.get('/kadry').expect(200);
    await hr.get('/kadry/eksport.csv').expect(200);
    await hr.get(`/kadry/osoby/${anna._id.toHexString()}`).expect(200);
    await hr.get(`/zaswiadczenia/${annaCertificateId}/pdf`).expect(200);
    await hr.get('/kadry/osoby').expect(200);
    await annaAgent.get(`/moje-zaswiadczenia/${annaCertificateId}/pdf`).expect(200);

    const annaId = anna._id.toHexString();
    for (const what of ['matrix', 'matrixExport', 'personRecord', 'certificatePdf', 'peopleList']) {
      const found = await entries(what);
      expect(found, what).to.have.length(1);
      expect(found[0]).to.include({ viewerName: 'Halina Kadrowa', viewerRole: 'hr' });
      expect(found[0].subjectIds, what).to.include(annaId);
      expect(found[0].at).to.be.instanceOf(Date);
    }
    // Her own download of her own certificate is not someone else's access.
    expect((await entries('certificatePdf')).every((entry) => entry.viewerName !== 'Anna Oglądana')).to.equal(true);
    // The trail names people by id only: it is not another copy of their data.
    expect(JSON.stringify(await entries())).to.not.include('Anna Oglądana');
  });

  it('lets the admin and the IOD read and export it (the export itself recorded), and nobody else', async () => {
    for (const reader of [admin, iod]) {
      const page = await reader.get(TRAIL).expect(200);
      expect(page.headers['cache-control']).to.equal('no-store');
      expect(page.text).to.include('Halina Kadrowa').and.include('Anna Oglądana').and.include('Pobranie zaświadczenia (PDF)');
      const filtered = await reader.get(`${TRAIL}?osoba=${anna._id.toHexString()}`).expect(200);
      expect(filtered.text).to.include('Przegląd karty osoby');
    }
    const csv = await iod.get(`${TRAIL}.csv`).expect(200);
    expect(csv.headers['content-type']).to.match(/^text\/csv/);
    expect(csv.headers['cache-control']).to.include('no-store');
    expect(csv.text).to.include('Halina Kadrowa').and.include('Anna Oglądana');
    expect(await entries('accessTrailExport')).to.have.length(1);
    // The IOD also reads the audit trail; neither reader changes anything there.
    await iod.get('/urzad/dziennik').expect(200);

    await hr.get(TRAIL).expect(403);
    await annaAgent.get(TRAIL).expect(403);
    await request(server.url).get(TRAIL).expect(302);
    await admin.get(`${TRAIL}?osoba=nie-id`).expect(400);
    // Another office's admin sees their own (empty) trail, never this one.
    const foreign = await otherAdmin.get(TRAIL).expect(200);
    expect(foreign.text).to.not.include('Halina Kadrowa');
  });

  it('shows the learner who viewed her records, on her own page', async () => {
    const page = await annaAgent.get('/konto/kto-przegladal').expect(200);
    expect(page.headers['cache-control']).to.equal('no-store');
    expect(page.text).to.include('Halina Kadrowa').and.include('Przegląd karty osoby').and.include('kadry (HR)');
    expect((await annaAgent.get('/konto').expect(200)).text).to.include('href="/konto/kto-przegladal"');
  });
});
