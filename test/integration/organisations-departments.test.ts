// /urzad/dzialy: an office admin adds, renames, merges (department.merged announced), archives and restores departments.
import { expect } from 'chai';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import type { DepartmentMerged } from '../../src/events/platform-events.js';
import { Organisation, type OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;

describe('organisations: departments', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let other: OrganisationDoc;
  let admin: Agent;
  let otherAdmin: Agent;
  const merges: DepartmentMerged[] = [];

  before(async () => {
    server = await startTestServer();
    server.platform.events.on('department.merged', async (event) => {
      merges.push(event);
    });
    office = await buildOrganisation();
    other = await buildOrganisation();
    const person = await buildLearner({ organisation: office, overrides: { roles: ['admin', 'hr'] } });
    admin = await loginAgent(server.url, person.user.email, person.password);
    const otherPerson = await buildLearner({ organisation: other, overrides: { roles: ['admin', 'hr'] } });
    otherAdmin = await loginAgent(server.url, otherPerson.user.email, otherPerson.password);
  });
  after(async () => server.close());

  async function post(agent: Agent, page: string, path: string, body: Record<string, unknown>) {
    const form = await agent.get(page).expect(200);
    return agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), ...body });
  }

  async function departments(id = office._id) {
    return (await Organisation.findById(id).lean())!.departments;
  }
  const idOf = async (name: string) => (await departments()).find((d) => d.name === name)!._id.toHexString();

  it('adds a department; a blank or taken name is a field message', async () => {
    const res = await post(admin, '/urzad/dzialy', '/urzad/dzialy', { name: 'Referat Oświaty' });
    expect(res.status).to.equal(303);
    expect((await departments()).map((d) => d.name)).to.include('Referat Oświaty');
    for (const [name, message] of [
      ['', 'Podaj nazwę działu'],
      ['referat oświaty', 'już istnieje'],
    ]) {
      const refused = await post(admin, '/urzad/dzialy', '/urzad/dzialy', { name });
      expect(refused.status).to.equal(400);
      expect(refused.text).to.contain('id="name-error"').and.contain(message);
    }
    expect(await departments()).to.have.length(3);
    const page = await admin.get('/urzad/dzialy').expect(200);
    expect(page.text).to.contain('Referat Oświaty').and.contain('Referat Finansowy');
  });

  it('renames, merges (the source archived with mergedInto, the event announced) and archives, each audited', async () => {
    const education = await idOf('Referat Oświaty');
    const renamed = await post(admin, `/urzad/dzialy/${education}`, `/urzad/dzialy/${education}/nazwa`, { name: 'Referat Edukacji' });
    expect(renamed.status).to.equal(303);
    const taken = await post(admin, `/urzad/dzialy/${education}`, `/urzad/dzialy/${education}/nazwa`, { name: 'Referat Finansowy' });
    expect(taken.status).to.equal(400);
    expect(taken.text).to.contain('id="name-error"');

    const finance = await idOf('Referat Finansowy');
    const self = await post(admin, `/urzad/dzialy/${education}`, `/urzad/dzialy/${education}/scal`, { intoId: education });
    expect(self.status).to.equal(400);
    expect(self.text).to.contain('id="intoId-error"');
    const merged = await post(admin, `/urzad/dzialy/${education}`, `/urzad/dzialy/${education}/scal`, { intoId: finance });
    expect(merged.status).to.equal(303);
    const source = (await departments()).find((d) => d._id.toHexString() === education)!;
    expect(source.archivedAt).to.be.instanceOf(Date);
    expect(source.mergedInto?.toHexString()).to.equal(finance);
    expect(merges).to.have.length(1);
    expect(merges[0]).to.deep.include({ organisationId: office._id.toHexString(), fromDepartmentId: education, intoDepartmentId: finance });
    // Into an archived department: refused.
    const organisational = await idOf('Referat Organizacyjny');
    const intoArchived = await post(admin, `/urzad/dzialy/${organisational}`, `/urzad/dzialy/${organisational}/scal`, { intoId: education });
    expect(intoArchived.status).to.equal(400);
    // A merged department cannot be restored (its people moved).
    await post(admin, `/urzad/dzialy/${education}`, `/urzad/dzialy/${education}/przywroc`, {}).then((res) => expect(res.status).to.equal(404));

    await post(admin, `/urzad/dzialy/${organisational}`, `/urzad/dzialy/${organisational}/archiwizuj`, {}).then((res) => expect(res.status).to.equal(303));
    expect((await departments()).find((d) => d._id.toHexString() === organisational)!.archivedAt).to.be.instanceOf(Date);
    await post(admin, `/urzad/dzialy/${organisational}`, `/urzad/dzialy/${organisational}/przywroc`, {}).then((res) => expect(res.status).to.equal(303));
    expect((await departments()).find((d) => d._id.toHexString() === organisational)!.archivedAt ?? undefined).to.equal(undefined);

    const actions = (await AuditEntry.find({ organisationId: office._id }).sort({ at: 1 }).lean()).map((entry) => entry.action);
    expect(actions).to.deep.equal(['department.added', 'department.renamed', 'department.merged', 'department.archived', 'department.restored']);
    expect(await departments(), 'nothing is deleted').to.have.length(3);
  });

  it("an admin of another office gets 404 for this office's departments and changes nothing", async () => {
    const before = await departments();
    const finance = await idOf('Referat Finansowy');
    await otherAdmin.get(`/urzad/dzialy/${finance}`).expect(404);
    const csrf = csrfTokenFrom((await otherAdmin.get('/urzad/dzialy').expect(200)).text);
    for (const [action, body] of [
      ['nazwa', { name: 'Przejęty' }],
      ['scal', { intoId: await idOf('Referat Organizacyjny') }],
      ['archiwizuj', {}],
      ['przywroc', {}],
    ] as const) {
      await otherAdmin
        .post(`/urzad/dzialy/${finance}/${action}`)
        .type('form')
        .send({ _csrf: csrf, ...body })
        .expect(404);
    }
    expect(await departments()).to.deep.equal(before);
    // Their own list shows only their own departments.
    const page = await otherAdmin.get('/urzad/dzialy').expect(200);
    expect(page.text).to.not.contain('Referat Edukacji');
  });

  it('is refused (403) to HR and learners', async () => {
    for (const roles of [['hr'], ['learner']] as const) {
      const person = await buildLearner({ organisation: office, overrides: { roles: [...roles] } });
      const agent = await loginAgent(server.url, person.user.email, person.password);
      await agent.get('/urzad/dzialy').expect(403);
    }
  });
});
