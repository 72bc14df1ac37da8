import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { CourseSharing, type CourseSharingDoc } from '../../src/studio/course-sharing.model.js';
import { loadCourseSharing } from '../../src/studio/course-sharing.service.js';
import { Organisation, type OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent, submitForm, type Agent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Creates a course in the author's studio, has the second author approve it and publishes 1.0.0 (served at once). */
async function publish(author: Agent, reviewer: Agent, courseId: string, title: string): Promise<void> {
  await submitForm(author, '/studio/nowe', '/studio/nowe', { title, courseId }, 303);
  await submitForm(author, `/studio/${courseId}`, `/studio/${courseId}/recenzja`, {}, 303);
  await submitForm(reviewer, `/studio/${courseId}`, `/studio/${courseId}/zatwierdzenie`, {}, 303);
  const published = await submitForm(author, `/studio/${courseId}/publikacja`, `/studio/${courseId}/publikacja`, { version: '1.0.0' }, 303);
  expect(published.headers.location).to.equal(`/studio/${courseId}`);
}

/** Whether the learner's catalogue lists the course, and what its page and enrolment answer. */
async function reach(agent: Agent, courseId: string): Promise<{ listed: boolean; page: number }> {
  const catalogue = await agent.get('/szkolenia').expect(200);
  const page = await agent.get(`/szkolenia/${courseId}`);
  return { listed: catalogue.text.includes(`/szkolenia/${courseId}"`), page: page.status };
}

async function enrol(agent: Agent, courseId: string, status: number) {
  const csrf = csrfTokenFrom((await agent.get('/moje-szkolenia').expect(200)).text);
  return agent.post(`/szkolenia/${courseId}/zapis`).type('form').send({ _csrf: csrf }).expect(status);
}

describe('studio/course-sharing and organisations/office-courses', function () {
  this.timeout(120_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let dataDir: string;
  let association: OrganisationDoc;
  let member: OrganisationDoc;
  let otherMember: OrganisationDoc;
  let stranger: OrganisationDoc;
  const agents = {} as Record<
    'writer' | 'reviewer' | 'officeWriter' | 'officeReviewer' | 'memberLearner' | 'memberEnrolled' | 'otherLearner' | 'strangerLearner' | 'admin' | 'hr',
    Agent
  >;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ajst-sharing-'));
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', DATA_DIR: dataDir });
    association = await buildOrganisation({ name: 'Związek Gmin Udostępniających', kind: 'association', departments: undefined });
    member = await buildOrganisation({ name: 'Urząd Gminy Alfa', memberOf: [association._id] });
    otherMember = await buildOrganisation({ name: 'Urząd Gminy Beta', memberOf: [association._id] });
    stranger = await buildOrganisation({ name: 'Urząd Gminy Obca' });
    const people: Array<[keyof typeof agents, OrganisationDoc, string[]]> = [
      ['writer', association, ['author']],
      ['reviewer', association, ['author']],
      ['officeWriter', member, ['author', 'learner']],
      ['officeReviewer', member, ['author', 'learner']],
      ['memberLearner', member, ['learner']],
      ['memberEnrolled', member, ['learner']],
      ['otherLearner', otherMember, ['learner']],
      ['strangerLearner', stranger, ['learner']],
      ['admin', member, ['admin', 'learner']],
      ['hr', member, ['hr', 'learner']],
    ];
    for (const [name, organisation, roles] of people) {
      const person = await buildLearner({ organisation, overrides: { roles: roles as never } });
      agents[name] = await loginAgent(server.url, person.user.email, person.password);
    }
    await publish(agents.writer, agents.reviewer, 'ochrona-danych-zwiazku', 'Ochrona danych w gminach związku');
    await publish(agents.officeWriter, agents.officeReviewer, 'regulamin-alfy', 'Regulamin pracy Urzędu Alfa');
  });
  after(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("opens an association's course to all its member offices by default, and not to an office outside it", async () => {
    expect((await CourseSharing.findById('ochrona-danych-zwiazku').lean<CourseSharingDoc>())?.audience).to.equal('members');
    expect(await reach(agents.memberLearner, 'ochrona-danych-zwiazku')).to.deep.equal({ listed: true, page: 200 });
    expect(await reach(agents.otherLearner, 'ochrona-danych-zwiazku')).to.deep.equal({ listed: true, page: 200 });
    expect(await reach(agents.strangerLearner, 'ochrona-danych-zwiazku')).to.deep.equal({ listed: false, page: 404 });
    await enrol(agents.strangerLearner, 'ochrona-danych-zwiazku', 404);
    const form = await agents.hr.get('/kadry/przypisz').expect(200);
    expect(form.text).to.contain('value="ochrona-danych-zwiazku"');
  });

  it("keeps an office's private course to its own staff", async () => {
    expect((await CourseSharing.findById('regulamin-alfy').lean<CourseSharingDoc>())?.audience).to.equal('own');
    expect(await reach(agents.memberLearner, 'regulamin-alfy')).to.deep.equal({ listed: true, page: 200 });
    expect(await reach(agents.otherLearner, 'regulamin-alfy')).to.deep.equal({ listed: false, page: 404 });
    expect(await reach(agents.strangerLearner, 'regulamin-alfy')).to.deep.equal({ listed: false, page: 404 });
    await enrol(agents.otherLearner, 'regulamin-alfy', 404);
    // An office's course cannot be shared wider: the only audience is its own, anything else is refused.
    const page = await agents.officeWriter.get('/studio/regulamin-alfy/udostepnianie').expect(200);
    expect(page.text).to.contain('Tylko pracownikom naszego urzędu');
    expect(page.text).to.not.contain('Wszystkim urzędom członkowskim');
    const refused = await submitForm(agents.officeWriter, '/studio/regulamin-alfy/udostepnianie', '/studio/regulamin-alfy/udostepnianie', { audience: 'members' }, 400);
    expect(refused.text).to.contain('Ten sposób udostępniania nie jest dostępny');
    expect((await CourseSharing.findById('regulamin-alfy').lean<CourseSharingDoc>())?.audience).to.equal('own');
    // Another organisation's author does not find the page at all.
    await agents.writer.get('/studio/regulamin-alfy/udostepnianie').expect(404);
  });

  it("shows a visitor who is not signed in neither an association's course nor an office's private one", async () => {
    const catalogue = await request(server.url).get('/szkolenia').expect(200);
    // The public course (a folder of courses/, open to every office) is there; the studio courses are not.
    expect(catalogue.text).to.contain('href="/szkolenia/przyklad-kurs"');
    for (const courseId of ['regulamin-alfy', 'ochrona-danych-zwiazku']) {
      expect(catalogue.text, courseId).to.not.contain(`/szkolenia/${courseId}"`);
      await request(server.url).get(`/szkolenia/${courseId}`).expect(404);
    }
    expect(catalogue.text).to.not.contain('Regulamin pracy Urzędu Alfa');
    expect(catalogue.text).to.not.contain('Ochrona danych w gminach związku');
    await request(server.url).get('/szkolenia/przyklad-kurs').expect(200);
  });

  it("'chosen' opens the course only to the chosen member office; an enrolment made before stays reachable", async () => {
    await enrol(agents.memberEnrolled, 'ochrona-danych-zwiazku', 303);
    const page = await agents.writer.get('/studio/ochrona-danych-zwiazku/udostepnianie').expect(200);
    expect(page.text).to.contain('Urząd Gminy Alfa');
    expect(page.text).to.contain('Urząd Gminy Beta');
    expect(page.text).to.not.contain('Urząd Gminy Obca');
    await submitForm(
      agents.writer,
      '/studio/ochrona-danych-zwiazku/udostepnianie',
      '/studio/ochrona-danych-zwiazku/udostepnianie',
      { audience: 'chosen', offices: [String(otherMember._id)] },
      303,
    );
    expect(await reach(agents.otherLearner, 'ochrona-danych-zwiazku')).to.deep.equal({ listed: true, page: 200 });
    expect(await reach(agents.memberLearner, 'ochrona-danych-zwiazku')).to.deep.equal({ listed: false, page: 404 });
    await enrol(agents.memberLearner, 'ochrona-danych-zwiazku', 404);
    // The learner enrolled while it was open goes on: "Moje szkolenia", the course page and its lessons.
    const mine = await agents.memberEnrolled.get('/moje-szkolenia').expect(200);
    expect(mine.text).to.contain('Ochrona danych w gminach związku');
    expect((await reach(agents.memberEnrolled, 'ochrona-danych-zwiazku')).page).to.equal(200);
    const lesson = server.platform.catalogue.require('ochrona-danych-zwiazku').lessons[0];
    await agents.memberEnrolled.get(`/szkolenia/ochrona-danych-zwiazku/lekcje/${lesson.id}`).expect(200);
    // HR of the office no longer gets it on the assignment form, and a forged post is refused with the field marked.
    const form = await agents.hr.get('/kadry/przypisz').expect(200);
    expect(form.text).to.not.contain('value="ochrona-danych-zwiazku"');
    const forged = await submitForm(agents.hr, '/kadry/przypisz', '/kadry/przypisz', { courseId: 'ochrona-danych-zwiazku', target: 'office', kind: 'mandatory' }, 400);
    expect(forged.text).to.contain('Wybierz szkolenie z listy.');
    // The matrix keeps a column for it while someone of the office is enrolled on it.
    expect((await agents.hr.get('/kadry').expect(200)).text).to.contain('Ochrona danych w gminach związku');
  });

  it('refuses an office that is not a member, no office for "chosen" and a garbage audience with 400, the field marked, nothing changed', async () => {
    const before = await CourseSharing.findById('ochrona-danych-zwiazku').lean<CourseSharingDoc>();
    const url = '/studio/ochrona-danych-zwiazku/udostepnianie';
    const outsider = await submitForm(agents.writer, url, url, { audience: 'chosen', offices: [String(otherMember._id), String(stranger._id)] }, 400);
    expect(outsider.text).to.contain('Można wybrać tylko urzędy członkowskie związku.');
    expect(outsider.text).to.contain('href="#offices"');
    const none = await submitForm(agents.writer, url, url, { audience: 'chosen' }, 400);
    expect(none.text).to.contain('Zaznacz co najmniej jeden urząd.');
    const garbage = await submitForm(agents.writer, url, url, { audience: 'wszyscy-na-swiecie', offices: 'nie-id' }, 400);
    expect(garbage.text).to.contain('Wybierz, komu udostępnić szkolenie.');
    expect(garbage.text).to.contain('href="#audience"');
    const own = await submitForm(agents.writer, url, url, { audience: 'own' }, 400);
    expect(own.text).to.contain('Ten sposób udostępniania nie jest dostępny');
    const after = await CourseSharing.findById('ochrona-danych-zwiazku').lean<CourseSharingDoc>();
    expect(after?.audience).to.equal(before?.audience);
    expect(after?.offices.map(String)).to.deep.equal(before?.offices.map(String));
    expect(after?.updatedAt.getTime()).to.equal(before?.updatedAt.getTime());
    // Learners and HR are not authors: the page is refused.
    await agents.memberLearner.get(url).expect(403);
  });

  it('an office admin hides a repository course from its catalogue, enrolment and HR form; enrolled people keep it; other offices still see it; it comes back', async () => {
    await enrol(agents.memberEnrolled, 'przyklad-kurs', 303);
    const list = await agents.admin.get('/urzad/szkolenia').expect(200);
    expect(list.text).to.contain('Przykładowy kurs');
    expect(list.text).to.contain('Regulamin pracy Urzędu Alfa');
    // Not shared with the office any more ('chosen' above): nothing to hide.
    expect(list.text).to.not.contain('Ochrona danych w gminach związku');
    const hidden = await submitForm(agents.admin, '/urzad/szkolenia', '/urzad/szkolenia/przyklad-kurs/ukryj', {}, 303);
    expect(hidden.headers.location).to.equal('/urzad/szkolenia');
    expect((await Organisation.findById(member._id).lean<OrganisationDoc>())?.hiddenCourses).to.deep.equal(['przyklad-kurs']);
    expect((await agents.admin.get('/urzad/szkolenia').expect(200)).text).to.contain('Przywróć');

    // At once, without signing in again.
    expect(await reach(agents.memberLearner, 'przyklad-kurs')).to.deep.equal({ listed: false, page: 404 });
    await enrol(agents.memberLearner, 'przyklad-kurs', 404);
    expect((await agents.memberEnrolled.get('/moje-szkolenia').expect(200)).text).to.contain('Przykładowy kurs');
    expect((await reach(agents.memberEnrolled, 'przyklad-kurs')).page).to.equal(200);
    expect(await reach(agents.otherLearner, 'przyklad-kurs')).to.deep.equal({ listed: true, page: 200 });
    expect(await reach(agents.strangerLearner, 'przyklad-kurs')).to.deep.equal({ listed: true, page: 200 });
    const form = await agents.hr.get('/kadry/przypisz').expect(200);
    expect(form.text).to.not.contain('value="przyklad-kurs"');
    expect(form.text).to.contain('value="regulamin-alfy"');
    await submitForm(agents.hr, '/kadry/przypisz', '/kadry/przypisz', { courseId: 'przyklad-kurs', target: 'office', kind: 'mandatory' }, 400);

    // Hiding a course not shared with the office is a 404, and changes nothing.
    await submitForm(agents.admin, '/urzad/szkolenia', '/urzad/szkolenia/ochrona-danych-zwiazku/ukryj', {}, 404);
    // Learners and HR cannot hide.
    await submitForm(agents.hr, '/moje-szkolenia', '/urzad/szkolenia/regulamin-alfy/ukryj', {}, 403);
    expect((await Organisation.findById(member._id).lean<OrganisationDoc>())?.hiddenCourses).to.deep.equal(['przyklad-kurs']);

    await submitForm(agents.admin, '/urzad/szkolenia', '/urzad/szkolenia/przyklad-kurs/przywroc', {}, 303);
    expect(await reach(agents.memberLearner, 'przyklad-kurs')).to.deep.equal({ listed: true, page: 200 });
    expect((await agents.hr.get('/kadry/przypisz').expect(200)).text).to.contain('value="przyklad-kurs"');
  });

  it('a second instance learns a sharing change on refresh(); start-up gives a course without a record its default', async () => {
    const second = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', DATA_DIR: dataDir });
    try {
      const office = { id: String(member._id), memberOf: [String(association._id)], hiddenCourses: [] };
      // Its catalogue would learn the course from the lead's periodic refresh; here the sharing alone is asked.
      expect(await second.platform.availability.refresh()).to.equal(true);
      expect(second.platform.availability.isOpenTo('ochrona-danych-zwiazku', office)).to.equal(false);
      expect(await second.platform.availability.refresh()).to.equal(false);
      const url = '/studio/ochrona-danych-zwiazku/udostepnianie';
      await submitForm(agents.writer, url, url, { audience: 'members' }, 303);
      expect(server.platform.availability.isOpenTo('ochrona-danych-zwiazku', office)).to.equal(true);
      expect(second.platform.availability.isOpenTo('ochrona-danych-zwiazku', office)).to.equal(false);
      expect(await second.platform.availability.refresh()).to.equal(true);
      expect(second.platform.availability.isOpenTo('ochrona-danych-zwiazku', office)).to.equal(true);
      expect(second.platform.availability.isOpenTo('regulamin-alfy', { ...office, id: String(otherMember._id) })).to.equal(false);
      // Start-up: a studio course without its record (published before sharing existed) gets its owner's default.
      await CourseSharing.deleteOne({ _id: 'regulamin-alfy' });
      await loadCourseSharing(second.platform);
      expect((await CourseSharing.findById('regulamin-alfy').lean<CourseSharingDoc>())?.audience).to.equal('own');
      expect(second.platform.availability.ruleFor('regulamin-alfy')?.ownerId).to.equal(String(member._id));
      expect(second.platform.availability.isOpenTo('regulamin-alfy', office)).to.equal(true);
      expect(second.platform.availability.isOpenTo('regulamin-alfy', { ...office, id: String(otherMember._id) })).to.equal(false);
    } finally {
      await second.close();
    }
  });
});
