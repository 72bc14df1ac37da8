// /zwiazek: an association admin sees its member offices and their completion (read through reports.read.ts).
import { expect } from 'chai';
import { Enrolment } from '../../src/learning/enrolment.model.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { refreshStanding } from '../../src/reports/training-standings.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const COURSE = '/szkolenia/przyklad-kurs';

describe('organisations: the association overview', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
  });
  after(async () => server.close());

  /** A learner of `office` who enrols on the example course; `passed` marks their progress as passed. */
  async function enrolledLearner(office: { _id: import('mongoose').Types.ObjectId }, passed: boolean): Promise<void> {
    const person = await buildLearner({ organisation: office });
    const agent = await loginAgent(server.url, person.user.email, person.password);
    const page = await agent.get(COURSE).expect(200);
    await agent
      .post(`${COURSE}/zapis`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    if (passed) {
      const enrolment = (await Enrolment.findOne({ organisationId: office._id, userId: person.user._id }).lean())!;
      await LearningProgress.updateOne(
        { _id: enrolment._id, organisationId: office._id },
        {
          $set: { status: 'passed', statusRank: 99, passedAt: new Date(), completedAt: new Date() },
          $setOnInsert: { userId: person.user._id, courseId: 'przyklad-kurs', registration: enrolment.registration },
        },
        { upsert: true },
      );
      // Written directly, not projected from statements: the standings are told, as their listener would be.
      await refreshStanding(server.platform, { organisationId: office._id.toHexString(), userId: person.user._id.toHexString(), courseId: 'przyklad-kurs' });
    }
  }

  it('lists member offices with people, enrolments, completed and %; other offices are not shown', async () => {
    const association = await buildOrganisation({ name: 'Związek Gmin Dorzecza', kind: 'association', departments: undefined });
    const lacko = await buildOrganisation({ name: 'UG Łącko', teryt: '1210042', memberOf: [association._id] });
    const podegrodzie = await buildOrganisation({ name: 'UG Podegrodzie', teryt: '1210072', memberOf: [association._id] });
    const outsider = await buildOrganisation({ name: 'UG Spoza Związku' });
    await enrolledLearner(lacko, true);
    await enrolledLearner(lacko, false);
    await buildLearner({ organisation: lacko });
    await enrolledLearner(podegrodzie, false);
    await enrolledLearner(outsider, true);

    const admin = await buildLearner({ organisation: association, overrides: { roles: ['admin', 'hr'] } });
    const agent = await loginAgent(server.url, admin.user.email, admin.password);
    const page = await agent.get('/zwiazek').expect(200);
    expect(page.text).to.contain('UG Łącko').and.contain('UG Podegrodzie').and.not.contain('UG Spoza Związku');
    const rows = [
      ...page.text.matchAll(/<tr>\s*<th scope="row"[^>]*>([^<]+)<\/th>\s*<td>([^<]*)<\/td>\s*<td>(\d+)<\/td>\s*<td>(\d+)<\/td>\s*<td>(\d+)<\/td>\s*<td>([^<]+)<\/td>/g),
    ].map((m) => m.slice(1).map((cell) => cell.trim()));
    expect(rows).to.deep.equal([
      ['UG Łącko', '1210042', '3', '2', '1', '50%'],
      ['UG Podegrodzie', '1210072', '1', '1', '0', '0%'],
      ['Razem', '', '4', '3', '1', '33%'],
    ]);
  });

  it("is refused to an office's admin, HR and learners", async () => {
    const office = await buildOrganisation();
    for (const roles of [['admin', 'hr'], ['hr'], ['learner']] as const) {
      const person = await buildLearner({ organisation: office, overrides: { roles: [...roles] } });
      const agent = await loginAgent(server.url, person.user.email, person.password);
      await agent.get('/zwiazek').expect(403);
    }
  });
});
