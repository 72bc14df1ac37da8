// SCORM through HTTP: the import (multipart, CSRF), the package files under their strict path (only the package's
// listed files, typed, under the package CSP, for people the course is open to), and the runtime's commit (CSRF as a
// header or in the body, zod-checked CMI, enrolled learners only), stored per learner and attempt.
import { expect } from 'chai';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { ScormAttempt } from '../../src/scorm/scorm-attempt.model.js';
import { ScormPackage } from '../../src/scorm/scorm-package.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent, type Agent } from '../helpers/factories.js';
import { hostilePackage, scormPackage } from '../helpers/scorm-packages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const COURSE = 'scorm-pl-akademia-test-scorm12';
const FILES = `/scorm-pakiety/${COURSE}/2`;
const COMMIT = `/szkolenia/${COURSE}/scorm/sco-1/cmi`;

async function importZip(agent: Agent, bytes: Buffer, status: number) {
  const token = csrfTokenFrom((await agent.get('/studio/scorm').expect(200)).text);
  return agent.post('/studio/scorm').field('_csrf', token).attach('plik', bytes, { filename: 'pakiet.zip', contentType: 'application/zip' }).expect(status);
}

describe('scorm.routes.ts', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let author: Agent;
  let learner: Agent;
  let outsider: Agent;
  let officeId: string;
  let learnerId: string;
  let token: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    const office = await buildOrganisation({ name: 'Gmina A' });
    const other = await buildOrganisation({ name: 'Gmina B' });
    officeId = String(office._id);
    const people = {
      author: await buildLearner({ organisation: office, overrides: { roles: ['author'] } }),
      learner: await buildLearner({ organisation: office }),
      outsider: await buildLearner({ organisation: other }),
    };
    learnerId = String(people.learner.user._id);
    author = await loginAgent(server.url, people.author.user.email, people.author.password);
    learner = await loginAgent(server.url, people.learner.user.email, people.learner.password);
    outsider = await loginAgent(server.url, people.outsider.user.email, people.outsider.password);
  });
  after(async () => server?.close());

  it('refuses a hostile zip without a CSRF token (403) and with one (400, problems listed), storing nothing', async () => {
    await author.post('/studio/scorm').attach('plik', hostilePackage(), { filename: 'zly.zip', contentType: 'application/zip' }).expect(403);
    const refused = await importZip(author, hostilePackage(), 400);
    expect(refused.text).to.contain('path traversal').and.to.contain('symbolic link').and.to.contain('Niedozwolony wpis w pliku ZIP');
    expect(await ScormPackage.countDocuments({})).to.equal(0);
    await learner.get('/studio/scorm').expect(403);
  });

  it('imports a package; a re-import is a new revision served under its own path', async () => {
    const first = await importZip(author, await scormPackage('1.2'), 303);
    expect(first.headers.location).to.equal(`/szkolenia/${COURSE}`);
    await importZip(author, await scormPackage('1.2'), 303);
    expect((await ScormPackage.findById(COURSE).lean())!.revision).to.equal(2);
    expect(server.platform.catalogue.get(COURSE)!.version).to.equal('1.0.2');
  });

  it('serves only the listed files of the package, typed, under the package CSP, to people the course is open to', async () => {
    const page = await learner.get(`${FILES}/sco/index.html`).expect(200);
    expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(page.headers['x-content-type-options']).to.equal('nosniff');
    expect(page.headers['content-security-policy']).to.contain("frame-ancestors 'self'").and.to.contain("object-src 'none'");
    expect((await learner.get(`${FILES}/sco/sco.js`).expect(200)).headers['content-type']).to.equal('text/javascript; charset=utf-8');
    await learner.get(`${FILES}/sco/nie-ma.html`).expect(404);
    await learner.get(`${FILES}/%2e%2e/%2e%2e/package.json`).expect(404);
    await learner.get(`${FILES}/..%2f..%2fpackage.json`).expect(404);
    // The first import's path is no longer served; nor is a revision that never was.
    await learner.get(`/scorm-pakiety/${COURSE}/1/sco/index.html`).expect(404);
    await learner.get(`/scorm-pakiety/${COURSE}/9/sco/index.html`).expect(404);
    // Another office: the course is its owner's only, so its files are not there either.
    await outsider.get(`${FILES}/sco/index.html`).expect(404);
  });

  it('the commit: CSRF in a header or the body, zod-checked, enrolled learners only; stored per learner and attempt', async () => {
    const cmi = { 'cmi.core.lesson_status': 'incomplete', 'cmi.suspend_data': 'a=1', 'cmi.core.exit': 'suspend', 'cmi.interactions': {} };
    const coursePage = (await learner.get(`/szkolenia/${COURSE}`).expect(200)).text;
    // A package states no length: the page claims none ("0 min" would be false).
    expect(coursePage).to.not.contain('0 min').and.not.contain('Czas trwania');
    // Nor objectives it does not have: no empty "Czego się nauczysz".
    expect(coursePage).to.not.contain('Czego się nauczysz');
    token = csrfTokenFrom(coursePage);
    await learner.post(COMMIT).set('Accept', 'application/json').send(cmi).expect(403);
    const notEnrolled = await learner.post(COMMIT).set('X-CSRF-Token', token).set('Accept', 'application/json').send(cmi).expect(403);
    expect(notEnrolled.body).to.deep.include({ result: false, errorCode: 101 });
    await learner.post(`/szkolenia/${COURSE}/zapis`).type('form').send({ _csrf: token }).expect(303);

    const bad = await learner.post(COMMIT).set('X-CSRF-Token', token).send({ 'window.location': 'x' }).expect(400);
    expect(bad.body).to.deep.equal({ result: false, errorCode: 101, error: 'invalid_cmi' });
    await learner
      .post(COMMIT)
      .set('X-CSRF-Token', token)
      .send({ 'cmi.suspend_data': 'x'.repeat(70_000) })
      .expect(400);

    const saved = await learner.post(COMMIT).set('X-CSRF-Token', token).send(cmi).expect(200);
    expect(saved.body).to.deep.equal({ result: true, errorCode: 0, status: 'incomplete', coursePassed: false });
    // As the beacon at LMSFinish sends it: the token in the JSON body, text/plain or JSON.
    await learner
      .post(COMMIT)
      .set('Content-Type', 'text/plain;charset=UTF-8')
      .send(JSON.stringify({ ...cmi, 'cmi.suspend_data': 'a=2', _csrf: token }))
      .expect(200);
    const enrolment = (await Enrolment.findOne({ organisationId: officeId, userId: learnerId, courseId: COURSE }).lean<EnrolmentDoc>())!;
    const attempt = (await ScormAttempt.findById(`${enrolment._id.toHexString()}:sco-1`).lean())!;
    expect(JSON.parse(attempt.cmi)).to.deep.equal({ ...cmi, 'cmi.suspend_data': 'a=2' });
    expect(attempt.commits).to.equal(2);

    // The player page gives it back (resume), and the other office's learner has no way in.
    const player = await learner.get(`/szkolenia/${COURSE}/lekcje/sco-1`).expect(200);
    const attribute = /data-cmi="([^"]*)"/
      .exec(player.text)![1]
      .replace(/&quot;/g, '"')
      .replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
    expect(JSON.parse(attribute)).to.deep.include({ 'cmi.suspend_data': 'a=2', 'cmi.core.entry': 'resume', 'cmi.core.lesson_status': 'incomplete' });
    expect(player.text).to.contain(`data-launch="/scorm-pakiety/${COURSE}/2/sco/index.html"`);
    await outsider.get(`/szkolenia/${COURSE}/lekcje/sco-1`).expect(404);
    await learner.get(`/szkolenia/${COURSE}/test`).expect(303);
  });
});
