import { expect } from 'chai';
import { User } from '../../src/auth/user.model.js';
import { Enrolment } from '../../src/learning/enrolment.model.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { DEMO_DEPARTMENTS, DEMO_USERS, isFreshInstallation, seedDemo } from '../../src/demo/demo-seed.js';
import { runStartupTasks } from '../../src/startup.js';
import { statementsAnywhere } from '../helpers/statements.js';
import { Organisation } from '../../src/organisations/organisation.model.js';
import { clearCollections, useTestDatabase } from '../helpers/database.js';
import { loginAgent } from '../helpers/factories.js';
import { buildTestPlatform, startTestServer } from '../helpers/server.js';

describe('demo/demo-seed', () => {
  useTestDatabase(import.meta.url);

  it('creates the association, the member office with its departments and the five users (two of them authors), once', async function () {
    this.timeout(60_000);
    expect(await isFreshInstallation()).to.equal(true);
    const platform = await buildTestPlatform();
    const first = await seedDemo(platform);
    expect(first.createdUsers).to.have.length(5);
    const second = await seedDemo(platform);
    expect(second.createdUsers).to.deep.equal([]);
    expect(await isFreshInstallation()).to.equal(false);

    const organisations = await Organisation.find({}).lean();
    expect(organisations).to.have.length(2);
    const office = organisations.find((o) => o.kind === 'office')!;
    const association = organisations.find((o) => o.kind === 'association')!;
    expect(office.name).to.equal('Urząd Gminy Przykładowo');
    expect(association.name).to.equal('Związek Gmin Przykładowych');
    expect(office.memberOf.map(String)).to.deep.equal([String(association._id)]);
    expect(office.departments.map((d) => d.name)).to.deep.equal(DEMO_DEPARTMENTS);

    const users = await User.find({}).setOptions({ acrossOrganisations: true }).lean();
    expect(users).to.have.length(5);
    expect(users.every((u) => u.emailConfirmedAt)).to.equal(true);
    expect(users.find((u) => u.email === 'kadry@demo.akademia-jst.local')!.roles).to.include('hr');

    // The demo learner starts with RODO assigned by HR, due in about 30 days, with its progress projected.
    const learner = users.find((u) => u.email === DEMO_USERS[0].email)!;
    const enrolments = await Enrolment.find({ organisationId: office._id }).lean();
    expect(enrolments.map((e) => [String(e.userId), e.courseId])).to.deep.equal([[String(learner._id), 'rodo-w-urzedzie']]);
    const daysLeft = (enrolments[0].dueDate!.getTime() - Date.now()) / 86_400_000;
    expect(daysLeft).to.be.within(29, 31);
    expect((await LearningProgress.findById(enrolments[0]._id).lean())?.status).to.equal('enrolled');
  });

  it('lets the documented demo learner log in with the documented password', async () => {
    const server = await startTestServer();
    try {
      const learner = DEMO_USERS.find((u) => u.roles.includes('learner'))!;
      const agent = await loginAgent(server.url, learner.email, learner.password);
      const home = await agent.get('/').expect(200);
      expect(home.text).to.contain(learner.fullName);
    } finally {
      await server.close();
    }
  });

  it("records the demo learner's first statements with the BASE_URL of the installation, on the first start", async function () {
    this.timeout(60_000);
    await clearCollections();
    const base = 'https://akademia.gmina.example.pl';
    // As the server starts on a fresh embedded database: build the platform, then the start-up tasks seed it.
    const platform = await buildTestPlatform({ env: { BASE_URL: base, REMINDER_CRON: 'off' } });
    // Its jobs are stopped: left running, they would work on later files' databases for the rest of the run.
    (await runStartupTasks(platform, { embedded: true })).stop();
    const statements = (await statementsAnywhere()).map((doc) => JSON.parse(doc.json));
    expect(statements.map((statement) => statement.verb.id)).to.deep.equal(['http://adlnet.gov/expapi/verbs/registered']);
    const [registered] = statements;
    expect(registered.object.id).to.equal(`${base}/xapi/activities/courses/rodo-w-urzedzie`);
    expect(registered.actor.account.homePage).to.equal(base);
    expect(registered.authority.account.homePage).to.equal(`${base}/xapi/clients`);
    expect(JSON.stringify(statements)).to.not.contain('localhost');
  });
});
