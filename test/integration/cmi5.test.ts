// cmi5 through HTTP: the import (broken cmi5.xml refused with its problems listed), the launch (URL parameters,
// LMS.LaunchData, `launched`), the one-time fetch, the session token's narrow reach in the LRS, the cmi5 rules
// refusing statements out of order (nothing stored), satisfied / abandoned by the LMS, and the course's pass.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { Cmi5Package } from '../../src/cmi5/cmi5-package.model.js';
import { abandonStaleSessions } from '../../src/cmi5/cmi5-runtime.js';
import { Cmi5Session } from '../../src/cmi5/cmi5-session.model.js';
import { MovableClock } from '../../src/calendar/clock.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { AU_IRI, BLOCK_IRI, brokenCmi5Package, cmi5Package, COURSE_ID, COURSE_IRI } from '../helpers/cmi5-packages.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent, type Agent } from '../helpers/factories.js';
import { statementsAnywhere } from '../helpers/statements.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
const MOVE_ON = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
const VERB = (name: string) => ({ id: `http://adlnet.gov/expapi/verbs/${name}` });

interface Launch {
  endpoint: string;
  fetch: string;
  actor: Record<string, unknown>;
  registration: string;
  activityId: string;
  url: URL;
}

async function importZip(agent: Agent, bytes: Buffer, status: number) {
  const token = csrfTokenFrom((await agent.get('/studio/cmi5').expect(200)).text);
  return agent.post('/studio/cmi5').field('_csrf', token).attach('plik', bytes, { filename: 'pakiet.zip', contentType: 'application/zip' }).expect(status);
}

async function launch(agent: Agent, courseId = COURSE_ID): Promise<Launch> {
  const page = await agent.get(`/szkolenia/${courseId}/moduly`).expect(200);
  const res = await agent
    .post(`/szkolenia/${courseId}/moduly/au-1/uruchom`)
    .type('form')
    .send({ _csrf: csrfTokenFrom(page.text) })
    .expect(303);
  const url = new URL(res.headers.location);
  const get = (name: string) => url.searchParams.get(name) ?? '';
  return {
    endpoint: get('endpoint'),
    fetch: get('fetch'),
    actor: JSON.parse(get('actor')) as Record<string, unknown>,
    registration: get('registration'),
    activityId: get('activityId'),
    url,
  };
}

/** POSTs the fetch URL (as the AU does, no cookies) and returns the JSON answer. */
async function fetchToken(launched: Launch): Promise<Record<string, string>> {
  const url = new URL(launched.fetch);
  return (await request(url.origin).post(url.pathname).expect(200)).body as Record<string, string>;
}

describe('cmi5.routes.ts and the LRS under a cmi5 session token', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  const clock = new MovableClock();
  let author: Agent;
  let learner: Agent;
  let officeId: string;
  let learnerId: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { clock });
    const office = await buildOrganisation({ name: 'Gmina Cmi5' });
    officeId = String(office._id);
    const people = {
      author: await buildLearner({ organisation: office, overrides: { roles: ['author'] } }),
      learner: await buildLearner({ organisation: office }),
    };
    learnerId = String(people.learner.user._id);
    author = await loginAgent(server.url, people.author.user.email, people.author.password);
    learner = await loginAgent(server.url, people.learner.user.email, people.learner.password);
  });
  after(async () => server?.close());

  /** An LRS request as the AU makes it, with the fetched token. */
  const lrs = (token: string) => ({
    post: (body: unknown) =>
      request(server.url)
        .post('/xapi/statements')
        .set('Authorization', `Basic ${token}`)
        .set('X-Experience-API-Version', '1.0.3')
        .send(body as object),
    get: (path: string) => request(server.url).get(`/xapi${path}`).set('Authorization', `Basic ${token}`).set('X-Experience-API-Version', '1.0.3'),
    put: (path: string, body: unknown) =>
      request(server.url)
        .put(`/xapi${path}`)
        .set('Authorization', `Basic ${token}`)
        .set('X-Experience-API-Version', '1.0.3')
        .send(body as object),
  });

  /** A cmi5 defined statement of the AU in its session (the context template, registration, cmi5 category). */
  function auStatement(launched: Launch, sessionId: string, verb: string, extra: Record<string, unknown> = {}, categories: string[] = [CATEGORY]) {
    return {
      id: randomUUID(),
      actor: launched.actor,
      verb: VERB(verb),
      object: { objectType: 'Activity', id: launched.activityId },
      context: {
        registration: launched.registration,
        contextActivities: { grouping: [{ id: AU_IRI }], category: categories.map((id) => ({ id })) },
        extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': sessionId },
      },
      ...extra,
    };
  }

  it('refuses a zip with a broken cmi5.xml, listing each problem with its file, and stores nothing', async () => {
    const refused = await importZip(author, await brokenCmi5Package(), 400);
    for (const text of [
      'Identyfikator kursu „abc-123” nie jest adresem IRI',
      'nieznana wartość moveOn „Sometimes”',
      'masteryScore „80” musi być liczbą od 0 do 1',
      'adres „../poza/index.html” wychodzi poza pakiet',
      'występuje w strukturze kursu więcej niż raz',
      'nieznana wartość launchMethod „NewTab”',
      'uruchamia plik „brak.html”, którego nie ma w pakiecie',
    ]) {
      expect(refused.text).to.contain(text);
    }
    expect(refused.text).to.contain('<code>cmi5.xml</code>').and.to.contain('aria-describedby="plik-problems"');
    await importZip(author, Buffer.from('to nie jest zip'), 400);
    expect(await Cmi5Package.countDocuments({})).to.equal(0);
    await learner.get('/studio/cmi5').expect(403);
  });

  it('imports a package as a course of the catalogue: its block, AU, moveOn, masteryScore and launch settings', async () => {
    const imported = await importZip(author, await cmi5Package(), 303);
    expect(imported.headers.location).to.equal(`/szkolenia/${COURSE_ID}`);
    const pkg = (await Cmi5Package.findById(COURSE_ID).lean())!;
    expect(pkg.courseIri).to.equal(COURSE_IRI);
    expect(pkg.blocks).to.deep.equal([{ iri: BLOCK_IRI, title: 'Blok pierwszy', auIris: [AU_IRI] }]);
    expect(pkg.aus[0]).to.deep.include({
      id: 'au-1',
      iri: AU_IRI,
      url: 'au/index.html',
      absolute: false,
      moveOn: 'CompletedAndPassed',
      masteryScore: 0.8,
      launchMethod: 'OwnWindow',
    });
    expect(pkg.aus[0]).to.deep.include({ launchParameters: '{"poziom":"podstawowy"}', entitlementKey: 'klucz-123' });
    const course = server.platform.catalogue.get(COURSE_ID)!;
    expect(course.cmi5?.packageId).to.equal(COURSE_ID);
    const catalogue = await learner.get('/szkolenia').expect(200);
    expect(catalogue.text).to.contain('Kurs cmi5: ochrona danych');
  });

  it('launches the AU with the cmi5 parameters, LaunchData and `launched`; the fetch URL answers once', async () => {
    const coursePage = await learner.get(`/szkolenia/${COURSE_ID}`).expect(200);
    expect(coursePage.text).to.not.contain('Test końcowy');
    await learner
      .post(`/szkolenia/${COURSE_ID}/zapis`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(coursePage.text) })
      .expect(303);
    const list = await learner.get(`/szkolenia/${COURSE_ID}/moduly`).expect(200);
    expect(list.text).to.contain('Moduł 1: zasady').and.to.contain('nierozpoczęty').and.to.contain('próg 80%');
    expect((await learner.get(`/szkolenia/${COURSE_ID}/lekcje/au-1`).expect(303)).headers.location).to.equal(`/szkolenia/${COURSE_ID}/moduly#au-1`);

    const launched = await launch(learner);
    expect(launched.url.origin).to.equal(server.url);
    expect(launched.url.pathname).to.equal(`/cmi5-pakiety/${COURSE_ID}/1/au/index.html`);
    expect(launched.endpoint).to.equal(`${server.url}/xapi/`);
    expect(launched.activityId).to.equal(AU_IRI);
    expect(launched.actor).to.deep.include({ objectType: 'Agent' });
    expect(launched.registration).to.match(/^[0-9a-f-]{36}$/);
    // The AU's files are served to the learner under the package's own policy.
    const page = await learner.get(launched.url.pathname).expect(200);
    expect(page.headers['content-security-policy']).to.contain("object-src 'none'");

    const first = await fetchToken(launched);
    expect(first).to.have.keys('auth-token');
    const second = await fetchToken(launched);
    expect(second).to.deep.equal({ 'error-code': '1', 'error-text': 'Already in use' });
    const forged = new URL(launched.fetch);
    const wrong = (
      await request(server.url)
        .post(forged.pathname.replace(/\/[^/]+$/, '/' + 'x'.repeat(43)))
        .expect(200)
    ).body;
    expect(wrong['error-code']).to.equal('3');

    const token = first['auth-token'];
    const api = lrs(token);
    const agentParam = encodeURIComponent(JSON.stringify(launched.actor));
    const statePath = `/activities/state?activityId=${encodeURIComponent(AU_IRI)}&agent=${agentParam}&registration=${launched.registration}&stateId=LMS.LaunchData`;
    const launchData = (await api.get(statePath).expect(200)).body as Record<string, unknown>;
    const session = (await Cmi5Session.findOne({ organisationId: officeId, userId: learnerId }).lean())!;
    expect(launchData).to.deep.include({ launchMode: 'Normal', moveOn: 'CompletedAndPassed', masteryScore: 0.8, launchParameters: '{"poziom":"podstawowy"}' });
    expect(launchData.returnURL).to.equal(`${server.url}/szkolenia/${COURSE_ID}/moduly#au-1`);
    expect((launchData.contextTemplate as { extensions: Record<string, string> }).extensions['https://w3id.org/xapi/cmi5/context/extensions/sessionid']).to.equal(session._id);
    // LaunchData is the LMS's; another activity's state, and reading statements, are not the token's.
    await api.put(statePath, { launchMode: 'Browse' }).expect(403);
    await api.get(statePath.replace(encodeURIComponent(AU_IRI), encodeURIComponent('https://akademia.test/inna'))).expect(403);
    await api.get('/statements').expect(403);
    const launchedStatements = await statementsAnywhere({ verbId: 'http://adlnet.gov/expapi/verbs/launched' });
    expect(launchedStatements.some((row) => JSON.parse(row.json).object.id === AU_IRI)).to.equal(true);

    // The rules: nothing before initialized; initialized once; passed needs the mastery score; nothing after terminated.
    const sid = session._id;
    const early = await api.post(auStatement(launched, sid, 'passed', { result: { success: true, score: { scaled: 0.9 } } }, [CATEGORY, MOVE_ON])).expect(403);
    expect(early.body).to.deep.include({ error: 'cmi5_rule' });
    expect(early.body.message).to.contain('initialized');
    await api.post(auStatement(launched, sid, 'initialized')).expect(200);
    const again = await api.post(auStatement(launched, sid, 'initialized')).expect(403);
    expect(again.body.message).to.contain('once per session');
    const low = await api.post(auStatement(launched, sid, 'passed', { result: { success: true, score: { scaled: 0.5 } } }, [CATEGORY, MOVE_ON])).expect(403);
    expect(low.body.message).to.contain('masteryScore');
    await api.post(auStatement(launched, sid, 'passed', { result: { success: true, score: { scaled: 0.9 } } }, [CATEGORY])).expect(403);
    const otherSession = await api
      .post(auStatement(launched, '00000000-0000-4000-8000-000000000000', 'completed', { result: { completion: true } }, [CATEGORY, MOVE_ON]))
      .expect(403);
    expect(otherSession.body.message).to.contain('sessionid');
    await api.post(auStatement(launched, sid, 'passed', { result: { success: true, score: { scaled: 0.9 } } }, [CATEGORY, MOVE_ON])).expect(200);
    const failedToo = await api.post(auStatement(launched, sid, 'failed', { result: { success: false, score: { scaled: 0.1 } } }, [CATEGORY, MOVE_ON])).expect(403);
    expect(failedToo.body.message).to.contain('passed');
    await api.post(auStatement(launched, sid, 'completed', { result: { completion: true } }, [CATEGORY, MOVE_ON])).expect(200);
    await api.post(auStatement(launched, sid, 'terminated')).expect(200);
    const after = await api.post(auStatement(launched, sid, 'experienced', {}, [])).expect(403);
    expect(after.body.message).to.contain('terminated');
    // Refused statements were not stored: one initialized, one passed of this session.
    const mine = (await statementsAnywhere()).map((row) => JSON.parse(row.json) as { verb: { id: string }; object: { id: string } });
    expect(mine.filter((s) => s.verb.id === VERB('initialized').id && s.object.id === AU_IRI)).to.have.length(1);
    expect(mine.filter((s) => s.verb.id === VERB('passed').id && s.object.id === AU_IRI)).to.have.length(1);
    expect(mine.some((s) => s.verb.id === VERB('experienced').id && s.object.id === AU_IRI)).to.equal(false);

    // moveOn met: the LMS's satisfied of the block and the course, the enrolment complete, the certificate issued.
    const satisfied = mine.filter((s) => s.verb.id === 'https://w3id.org/xapi/adl/verbs/satisfied').map((s) => s.object.id);
    expect(satisfied).to.have.members([BLOCK_IRI, COURSE_IRI]);
    const certificate = await Certificate.findOne({ organisationId: officeId, userId: learnerId, courseId: COURSE_ID }).lean();
    expect(certificate?.scorePercent).to.equal(90);
    expect((await learner.get(`/szkolenia/${COURSE_ID}/moduly`).expect(200)).text).to.contain('spełniony');
  });

  it('abandons a session left open when the AU is launched again, and the sweep closes idle ones', async () => {
    const first = await launch(learner);
    const firstSession = (await Cmi5Session.findOne({ organisationId: officeId, userId: learnerId, state: 'launched' }).lean())!;
    await fetchToken(first);
    const second = await launch(learner);
    expect((await Cmi5Session.findById(firstSession._id).lean())!.state).to.equal('abandoned');
    const abandoned = (await statementsAnywhere({ verbId: 'https://w3id.org/xapi/adl/verbs/abandoned' })).map((row) => JSON.parse(row.json));
    expect(abandoned.map((s) => s.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/sessionid'])).to.deep.equal([firstSession._id]);
    // The first session's token is over: its statements are refused.
    const open = (await Cmi5Session.findOne({ organisationId: officeId, userId: learnerId, state: 'launched' }).lean())!;
    const token = (await fetchToken(second))['auth-token'];
    await lrs(token)
      .post(auStatement(second, open._id, 'initialized'))
      .expect(200);
    clock.advance({ days: 1 });
    expect(await abandonStaleSessions(server.platform, server.config.CMI5_SESSION_TIMEOUT_MINUTES)).to.equal(1);
    const refused = await lrs(token)
      .post(auStatement(second, open._id, 'terminated'))
      .expect(403);
    expect(refused.body.message).to.contain('abandoned');
  });

  it('satisfies an AU whose moveOn is NotApplicable by its launch, and passes the course', async () => {
    const other = 'https://akademia.test/cmi5/kurs-bez-warunku';
    const imported = await importZip(author, await cmi5Package({ courseIri: other, moveOn: 'NotApplicable', masteryScore: '' }), 303);
    const courseId = imported.headers.location.replace('/szkolenia/', '');
    const coursePage = await learner.get(`/szkolenia/${courseId}`).expect(200);
    await learner
      .post(`/szkolenia/${courseId}/zapis`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(coursePage.text) })
      .expect(303);
    await launch(learner, courseId);
    const satisfied = (await statementsAnywhere({ verbId: 'https://w3id.org/xapi/adl/verbs/satisfied' })).map(
      (row) => (JSON.parse(row.json) as { object: { id: string } }).object.id,
    );
    expect(satisfied).to.include.members([other, `${other}/blok-1`]);
    expect(await Certificate.countDocuments({ organisationId: officeId, userId: learnerId, courseId })).to.equal(1);
  });

  it('launches an AU given by an absolute URL where it is, and leaves ordinary LRS clients to xAPI alone', async () => {
    await importZip(author, await cmi5Package({ url: 'https://au.example.invalid/modul/start.html?jezyk=pl', masteryScore: '' }), 303);
    // A re-import is revision 2; the learner's enrolment keeps working on the package's AUs.
    const launched = await launch(learner);
    expect(launched.url.origin).to.equal('https://au.example.invalid');
    expect(launched.url.pathname).to.equal('/modul/start.html');
    expect(launched.url.searchParams.get('jezyk')).to.equal('pl');
    expect(launched.fetch.startsWith(`${server.url}/cmi5/fetch/`)).to.equal(true);
    // The AU on its own origin may call the fetch URL (CORS).
    const preflight = await request(server.url).options(new URL(launched.fetch).pathname).set('Origin', 'https://au.example.invalid').set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).to.equal('https://au.example.invalid');

    // An LRS client (Basic key and secret) may send a cmi5-looking `passed` with no session: the rules are the session's.
    const client = await createLrsClient({ organisationId: officeId, name: 'zewnętrzny' });
    const basic = Buffer.from(`${client.key}:${client.secret}`).toString('base64');
    await request(server.url)
      .post('/xapi/statements')
      .set('Authorization', `Basic ${basic}`)
      .set('X-Experience-API-Version', '1.0.3')
      .send(auStatement(launched, 'bez-sesji', 'passed', { result: { success: true } }, [CATEGORY, MOVE_ON]))
      .expect(200);
  });
});
