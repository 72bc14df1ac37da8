import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { useTestDatabase } from '../helpers/database.js';
import { statusOf, XAPI } from '../helpers/xapi-client.js';
import { buildOrganisation } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { XapiDocument } from '../../src/xapi/document.model.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';

const VERSION = { 'X-Experience-API-Version': '1.0.3' };
const sha1Etag = (text: string) => `"${createHash('sha1').update(text).digest('hex')}"`;

describe('xapi/documents.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let xapi: XAPI;
  let auth: string;
  let otherAuth: string;
  let organisationId: string;
  const agent = { objectType: 'Agent' as const, account: { homePage: 'https://akademia.example.pl', name: 'learner-1' } };
  const activityId = 'http://example.com/activities/course-1';

  before(async () => {
    server = await startTestServer();
    const organisation = await buildOrganisation();
    organisationId = organisation._id.toHexString();
    const client = await createLrsClient({ organisationId, name: 'docs' });
    const other = await createLrsClient({ organisationId: (await buildOrganisation())._id.toHexString(), name: 'other' });
    auth = XAPI.toBasicAuth(client.key, client.secret);
    otherAuth = XAPI.toBasicAuth(other.key, other.secret);
    xapi = new XAPI({ endpoint: `${server.url}/xapi/`, auth });
  });
  after(async () => server.close());
  const raw = () => request(server.url);

  describe('State resource', () => {
    it('stores, reads (with a quoted SHA-1 ETag), lists and deletes a state document', async () => {
      const registration = randomUUID();
      await xapi.setState({ agent, activityId, stateId: 'bookmark', state: { lesson: 2 }, registration });
      const { data, headers } = await xapi.getState({ agent, activityId, stateId: 'bookmark', registration });
      expect(data).to.deep.equal({ lesson: 2 });
      expect((headers as Record<string, string>).etag).to.equal(sha1Etag(JSON.stringify({ lesson: 2 })));
      const { data: ids } = await xapi.getStates({ agent, activityId, registration });
      expect(ids).to.deep.equal(['bookmark']);
      await xapi.deleteState({ agent, activityId, stateId: 'bookmark', registration });
      expect(await statusOf(xapi.getState({ agent, activityId, stateId: 'bookmark', registration }))).to.equal(404);
    });

    it('merges JSON objects on POST, top-level properties only', async () => {
      await xapi.setState({ agent, activityId, stateId: 'vars', state: { x: 'foo', y: 'bar', nested: { a: 1 } } });
      await xapi.createState({ agent, activityId, stateId: 'vars', state: { x: 'bash', z: 'faz', nested: { b: 2 } } });
      const { data } = await xapi.getState({ agent, activityId, stateId: 'vars' });
      expect(data).to.deep.equal({ x: 'bash', y: 'bar', z: 'faz', nested: { b: 2 } });
    });

    it('answers 400 to a POST merge when either document is not a JSON object, and keeps the document', async () => {
      await raw()
        .put('/xapi/activities/state')
        .query({ agent: JSON.stringify(agent), activityId, stateId: 'text' })
        .set(VERSION)
        .set('Authorization', auth)
        .set('Content-Type', 'text/plain')
        .send('plain words')
        .expect(204);
      await raw()
        .post('/xapi/activities/state')
        .query({ agent: JSON.stringify(agent), activityId, stateId: 'text' })
        .set(VERSION)
        .set('Authorization', auth)
        .send({ a: 1 })
        .expect(400);
      const res = await raw()
        .get('/xapi/activities/state')
        .query({ agent: JSON.stringify(agent), activityId, stateId: 'text' })
        .set(VERSION)
        .set('Authorization', auth)
        .expect(200);
      expect(res.text).to.equal('plain words');
      expect(res.headers['content-type']).to.match(/^text\/plain/);
      await xapi.setState({ agent, activityId, stateId: 'array', state: { a: 1 } });
      await raw()
        .post('/xapi/activities/state')
        .query({ agent: JSON.stringify(agent), activityId, stateId: 'array' })
        .set(VERSION)
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send('[1,2]')
        .expect(400);
    });

    it('lists only ids updated since a timestamp and deletes every state of the context', async () => {
      const scoped = { agent: { ...agent, account: { ...agent.account, name: 'learner-since' } }, activityId };
      await xapi.setState({ ...scoped, stateId: 'old', state: { v: 1 } });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const since = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await xapi.setState({ ...scoped, stateId: 'new', state: { v: 2 } });
      expect((await xapi.getStates({ ...scoped, since })).data).to.deep.equal(['new']);
      expect((await xapi.getStates(scoped)).data).to.deep.equal(['new', 'old']);
      await xapi.deleteStates(scoped);
      expect((await xapi.getStates(scoped)).data).to.deep.equal([]);
    });

    it('answers 400 without agent or activityId, and for an invalid agent', async () => {
      await raw().get('/xapi/activities/state').query({ activityId, stateId: 's' }).set(VERSION).set('Authorization', auth).expect(400);
      await raw()
        .get('/xapi/activities/state')
        .query({ agent: JSON.stringify(agent), stateId: 's' })
        .set(VERSION)
        .set('Authorization', auth)
        .expect(400);
      await raw().get('/xapi/activities/state').query({ agent: '{"name":"no id"}', activityId }).set(VERSION).set('Authorization', auth).expect(400);
      await raw().get('/xapi/activities/state').query({ agent: 'not json', activityId }).set(VERSION).set('Authorization', auth).expect(400);
    });

    it('keeps organisations apart', async () => {
      await xapi.setState({ agent, activityId, stateId: 'private', state: { secret: true } });
      await raw()
        .get('/xapi/activities/state')
        .query({ agent: JSON.stringify(agent), activityId, stateId: 'private' })
        .set(VERSION)
        .set('Authorization', otherAuth)
        .expect(404);
    });
  });

  describe('Activity Profile resource', () => {
    const profileActivity = 'http://example.com/activities/profiled';

    it('creates with If-None-Match: *, refuses a second create (412), refuses PUT without preconditions over an existing profile (409)', async () => {
      await xapi.setActivityProfile({ activityId: profileActivity, profileId: 'p1', profile: { a: 1 }, etag: '*', matchHeader: 'If-None-Match' });
      expect(await statusOf(xapi.setActivityProfile({ activityId: profileActivity, profileId: 'p1', profile: { a: 2 }, etag: '*', matchHeader: 'If-None-Match' }))).to.equal(412);
      const conflict = await raw()
        .put('/xapi/activities/profile')
        .query({ activityId: profileActivity, profileId: 'p1' })
        .set(VERSION)
        .set('Authorization', auth)
        .send({ a: 3 })
        .expect(409);
      expect(conflict.body.message).to.match(/If-Match/);
      expect((await xapi.getActivityProfile({ activityId: profileActivity, profileId: 'p1' })).data).to.deep.equal({ a: 1 });
    });

    it('updates with the current ETag in If-Match and refuses a stale one (412)', async () => {
      const { headers } = await xapi.getActivityProfile({ activityId: profileActivity, profileId: 'p1' });
      const etag = (headers as Record<string, string>).etag;
      await xapi.setActivityProfile({ activityId: profileActivity, profileId: 'p1', profile: { a: 10 }, etag, matchHeader: 'If-Match' });
      expect(await statusOf(xapi.setActivityProfile({ activityId: profileActivity, profileId: 'p1', profile: { a: 11 }, etag, matchHeader: 'If-Match' }))).to.equal(412);
      expect((await xapi.getActivityProfile({ activityId: profileActivity, profileId: 'p1' })).data).to.deep.equal({ a: 10 });
      expect(await statusOf(xapi.deleteActivityProfile({ activityId: profileActivity, profileId: 'p1', etag }))).to.equal(412);
    });

    it('merges on POST, lists ids and deletes', async () => {
      await xapi.createActivityProfile({ activityId: profileActivity, profileId: 'p2', profile: { x: 1 } });
      await xapi.createActivityProfile({ activityId: profileActivity, profileId: 'p2', profile: { y: 2 } });
      expect((await xapi.getActivityProfile({ activityId: profileActivity, profileId: 'p2' })).data).to.deep.equal({ x: 1, y: 2 });
      expect((await xapi.getActivityProfiles({ activityId: profileActivity })).data).to.deep.equal(['p1', 'p2']);
      await xapi.deleteActivityProfile({ activityId: profileActivity, profileId: 'p2' });
      expect(await statusOf(xapi.getActivityProfile({ activityId: profileActivity, profileId: 'p2' }))).to.equal(404);
    });
  });

  describe('Agent Profile resource', () => {
    it('stores with If-None-Match, refuses an unconditional overwrite (409), updates with If-Match and merges on POST', async () => {
      await xapi.setAgentProfile({ agent, profileId: 'prefs', profile: { theme: 'dark' }, etag: '*', matchHeader: 'If-None-Match' });
      await raw()
        .put('/xapi/agents/profile')
        .query({ agent: JSON.stringify(agent), profileId: 'prefs' })
        .set(VERSION)
        .set('Authorization', auth)
        .send({ theme: 'light' })
        .expect(409);
      const { headers } = await xapi.getAgentProfile({ agent, profileId: 'prefs' });
      await xapi.setAgentProfile({ agent, profileId: 'prefs', profile: { theme: 'light' }, etag: (headers as Record<string, string>).etag, matchHeader: 'If-Match' });
      await xapi.createAgentProfile({ agent, profileId: 'prefs', profile: { language: 'pl' } });
      expect((await xapi.getAgentProfile({ agent, profileId: 'prefs' })).data).to.deep.equal({ theme: 'light', language: 'pl' });
      expect((await xapi.getAgentProfiles({ agent })).data).to.deep.equal(['prefs']);
    });

    it('refuses a Group as the agent parameter', async () => {
      await raw()
        .get('/xapi/agents/profile')
        .query({ agent: JSON.stringify({ objectType: 'Group', mbox: 'mailto:g@example.com' }) })
        .set(VERSION)
        .set('Authorization', auth)
        .expect(400);
    });
  });

  describe('Communication 2.6, 2.7, 3.1: a PUT to a profile must carry If-Match or If-None-Match', () => {
    const resources = [
      { name: 'Activity Profile', path: '/xapi/activities/profile', query: (profileId: string) => ({ activityId, profileId }) },
      { name: 'Agent Profile', path: '/xapi/agents/profile', query: (profileId: string) => ({ agent: JSON.stringify(agent), profileId }) },
    ];
    for (const resource of resources) {
      it(`${resource.name}: refuses PUT without either header (400 JSON, nothing stored), creates with If-None-Match, lets POST merge without them`, async () => {
        const profileId = `bare-${randomUUID()}`;
        const send = () => raw().put(resource.path).query(resource.query(profileId)).set(VERSION).set('Authorization', auth).set('Content-Type', 'application/json');
        const refused = await send().send({ a: 1 }).expect(400);
        expect(refused.headers['content-type']).to.match(/^application\/json/);
        expect(refused.body.message)
          .to.match(/If-Match or If-None-Match/)
          .and.match(/If-None-Match: \*/);
        await raw().get(resource.path).query(resource.query(profileId)).set(VERSION).set('Authorization', auth).expect(404);
        await send().set('If-None-Match', '*').send({ a: 1 }).expect(204);
        // Over the profile now stored: still refused, with the 409 of 3.1.s4.b13, and unchanged.
        expect((await send().send({ a: 2 }).expect(409)).body.message).to.match(/If-Match/);
        // POST: clients SHOULD send the headers (3.1.s3.b2), so the LRS does not require them.
        await raw().post(resource.path).query(resource.query(profileId)).set(VERSION).set('Authorization', auth).set('Content-Type', 'application/json').send({ b: 2 }).expect(204);
        const stored = await raw().get(resource.path).query(resource.query(profileId)).set(VERSION).set('Authorization', auth).expect(200);
        expect(stored.body).to.deep.equal({ a: 1, b: 2 });
        const created = `posted-${randomUUID()}`;
        await raw().post(resource.path).query(resource.query(created)).set(VERSION).set('Authorization', auth).set('Content-Type', 'application/json').send({ c: 3 }).expect(204);
      });
    }

    it('State: PUT without either header creates and replaces a document (3.1.s3: the State resource permits it)', async () => {
      const query = { agent: JSON.stringify(agent), activityId, stateId: `bare-${randomUUID()}` };
      for (const state of [{ v: 1 }, { v: 2 }]) {
        await raw().put('/xapi/activities/state').query(query).set(VERSION).set('Authorization', auth).set('Content-Type', 'application/json').send(state).expect(204);
      }
      expect((await raw().get('/xapi/activities/state').query(query).set(VERSION).set('Authorization', auth).expect(200)).body).to.deep.equal({ v: 2 });
    });
  });

  describe('all document resources', () => {
    it('answer HEAD with the ETag and no body', async () => {
      await xapi.setState({ agent, activityId, stateId: 'head', state: { h: 1 } });
      const res = await raw()
        .head('/xapi/activities/state')
        .query({ agent: JSON.stringify(agent), activityId, stateId: 'head' })
        .set(VERSION)
        .set('Authorization', auth)
        .expect(200);
      expect(res.headers.etag).to.equal(sha1Etag(JSON.stringify({ h: 1 })));
      expect(res.text ?? '').to.equal('');
    });

    it('honour If-Match on POST (412 for a stale ETag, nothing merged)', async () => {
      await xapi.setState({ agent, activityId, stateId: 'guarded', state: { a: 1 } });
      await raw()
        .post('/xapi/activities/state')
        .query({ agent: JSON.stringify(agent), activityId, stateId: 'guarded' })
        .set(VERSION)
        .set('Authorization', auth)
        .set('If-Match', sha1Etag('something else'))
        .send({ b: 2 })
        .expect(412);
      expect((await xapi.getState({ agent, activityId, stateId: 'guarded' })).data).to.deep.equal({ a: 1 });
    });

    it('work through the alternate request syntax, content and headers in the form', async () => {
      const form = new URLSearchParams({
        'X-Experience-API-Version': '1.0.3',
        Authorization: auth,
        'Content-Type': 'application/json',
        'If-None-Match': '*',
        content: JSON.stringify({ via: 'form' }),
        activityId,
        profileId: 'from-form',
      });
      await raw().post('/xapi/activities/profile?method=PUT').type('form').send(form.toString()).expect(204);
      expect((await xapi.getActivityProfile({ activityId, profileId: 'from-form' })).data).to.deep.equal({ via: 'form' });
    });

    it('answer 403 to writes from a read-only client', async () => {
      const reader = await createLrsClient({ organisationId: (await buildOrganisation())._id.toHexString(), name: 'reader', canWrite: false });
      await raw()
        .put('/xapi/activities/state')
        .query({ agent: JSON.stringify(agent), activityId, stateId: 's' })
        .set(VERSION)
        .set('Authorization', XAPI.toBasicAuth(reader.key, reader.secret))
        .send({ a: 1 })
        .expect(403);
    });
  });

  describe('document Content-Types (issue 10, finding 11)', () => {
    const stateQuery = (stateId: string) => ({ agent: JSON.stringify(agent), activityId, stateId });
    const putState = (stateId: string, contentType: string, body: string) =>
      raw().put('/xapi/activities/state').query(stateQuery(stateId)).set(VERSION).set('Authorization', auth).set('Content-Type', contentType).send(body);
    const getState = (stateId: string) =>
      raw()
        .get('/xapi/activities/state')
        .query(stateQuery(stateId))
        .set(VERSION)
        .set('Authorization', auth)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });

    it('serves a document stored as text/html, SVG or XML as an octet-stream download that cannot run script', async () => {
      const page = '<html><body><script>fetch("/konto").then((r) => r.text()).then(alert)</script></body></html>';
      for (const [stateId, contentType] of [
        ['page', 'text/html; charset=utf-8'],
        ['picture', 'image/svg+xml'],
        ['xhtml', 'application/xhtml+xml'],
        ['xml', 'text/xml'],
        ['script', 'text/javascript'],
      ]) {
        await putState(stateId, contentType, page).expect(204);
        const res = await getState(stateId).expect(200);
        expect(res.headers['content-type'], contentType).to.equal('application/octet-stream');
        expect(res.headers['content-disposition'], contentType).to.equal('attachment');
        expect(res.headers['x-content-type-options']).to.equal('nosniff');
        expect(res.headers['content-security-policy']).to.equal("default-src 'none'; sandbox");
        // The bytes themselves are the client's, unchanged.
        expect((res.body as Buffer).toString('utf8')).to.equal(page);
      }
    });

    it('serves inert types (JSON, plain text, images) as stored, with nosniff', async () => {
      await putState('plain', 'text/plain; charset=utf-8', 'zwykły tekst').expect(204);
      const res = await getState('plain').expect(200);
      expect(res.headers['content-type']).to.equal('text/plain; charset=utf-8');
      expect(res.headers['content-disposition']).to.equal(undefined);
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      await xapi.setState({ agent, activityId, stateId: 'json', state: { a: 1 } });
      expect((await getState('json').expect(200)).headers['content-type']).to.match(/^application\/json/);
    });

    it('answers 400 JSON to a Content-Type with a line break, without a subtype, or longer than 255 characters, and stores nothing', async () => {
      // A real header cannot carry CR/LF (Node refuses it); the alternate request syntax can.
      const form = new URLSearchParams({
        'X-Experience-API-Version': '1.0.3',
        Authorization: auth,
        'Content-Type': 'text/plain\r\nSet-Cookie: session=stolen',
        content: 'x',
        ...stateQuery('injected'),
      });
      const injected = await raw().post('/xapi/activities/state?method=PUT').type('form').send(form.toString()).expect(400);
      expect(injected.body.message).to.match(/Content-Type is not a media type/);
      await raw().post('/xapi/activities/state?method=POST').type('form').send(form.toString()).expect(400);
      const noSubtype = await putState('no-subtype', 'text', 'x').expect(400);
      expect(noSubtype.body).to.include({ error: 'bad_request' });
      const long = await putState('long', `text/plain; x=${'a'.repeat(260)}`, 'x').expect(400);
      expect(long.body.message).to.match(/at most 255/);
      for (const stateId of ['injected', 'no-subtype', 'long']) await getState(stateId).expect(404);
    });

    it('serves a document stored earlier with a broken Content-Type as an octet-stream download, not a 500', async () => {
      await putState('legacy', 'text/plain', 'stare dane').expect(204);
      // As an older version stored it, before Content-Types were checked.
      const changed = await XapiDocument.updateOne({ organisationId, documentId: 'legacy' }, { $set: { contentType: 'text/html\r\nSet-Cookie: a=b' } });
      expect(changed.modifiedCount).to.equal(1);
      const res = await getState('legacy').expect(200);
      expect(res.headers['content-type']).to.equal('application/octet-stream');
      expect(res.headers['set-cookie']).to.equal(undefined);
      expect((res.body as Buffer).toString('utf8')).to.equal('stare dane');
    });
  });

  describe('Activities and Agents resources', () => {
    it('returns the activity with the definition its statements carried, and a bare activity when unknown', async () => {
      const id = 'http://example.com/activities/defined';
      await xapi.sendStatement({
        statement: { actor: agent, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { objectType: 'Activity', id, definition: { name: { pl: 'Lekcja' } } } },
      });
      expect((await xapi.getActivity({ activityId: id })).data).to.deep.equal({ objectType: 'Activity', id, definition: { name: { pl: 'Lekcja' } } });
      expect((await xapi.getActivity({ activityId: 'http://example.com/unknown' })).data).to.deep.equal({ objectType: 'Activity', id: 'http://example.com/unknown' });
    });

    it('returns a Person object for an agent', async () => {
      const { data } = await xapi.getAgent({ agent: { ...agent, name: 'Jan' } });
      expect(data).to.deep.equal({ objectType: 'Person', name: ['Jan'], account: [agent.account] });
    });
  });
});
