// MUST requirements of xAPI 1.0.3 not covered by the other xapi-* tests (see the table in docs/xapi.md).
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildOrganisation } from '../helpers/factories.js';
import { startTestServer, testConfig, type TestServer } from '../helpers/server.js';

const VERSION = { 'X-Experience-API-Version': '1.0.3' };
const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
const actor = { objectType: 'Agent', account: { homePage: 'https://akademia.example.pl', name: 'learner-1' } };
const verb = { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { pl: 'przeczytanie' } };
const statement = (overrides: Record<string, unknown> = {}) => ({ actor, verb, object: { objectType: 'Activity', id: 'http://example.com/activities/c' }, ...overrides });

describe('xAPI 1.0.3 conformance (MUSTs beyond the resource tests)', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let auth: string;
  let readOnly: string;
  const lrs = () => request(server.url);

  before(async () => {
    server = await startTestServer();
    const organisation = await buildOrganisation();
    const client = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'conformance' });
    const reader = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'reader', canWrite: false });
    auth = basic(client.key, client.secret);
    readOnly = basic(reader.key, reader.secret);
  });
  after(async () => server.close());

  describe('Data 2.4: statement validation (400, nothing stored)', () => {
    const invalid: Array<[string, Record<string, unknown>]> = [
      ['an mbox without mailto:', { actor: { mbox: 'someone@example.com' } }],
      ['an mbox_sha1sum that is not 40 hex digits', { actor: { mbox_sha1sum: 'abc' } }],
      ['an account without homePage', { actor: { account: { name: 'x' } } }],
      ['a group inside a group', { actor: { objectType: 'Group', name: 'g', member: [{ objectType: 'Group', member: [actor] }] } }],
      ['an unknown interactionType', { object: { id: 'http://example.com/q', definition: { interactionType: 'essay' } } }],
      ['an activity type that is not an IRI', { object: { id: 'http://example.com/q', definition: { type: 'lesson' } } }],
      ['a language map value that is not a string', { verb: { id: verb.id, display: { pl: 1 } } }],
      ['a raw score above max', { result: { score: { raw: 11, min: 0, max: 10 } } }],
      ['a min score above max', { result: { score: { min: 5, max: 1 } } }],
      ['an unknown top-level property', { grade: 'A' }],
      ['context.platform with a StatementRef object', { object: { objectType: 'StatementRef', id: randomUUID() }, context: { platform: 'x' } }],
      ['a statement id that is not a UUID', { id: 'not-a-uuid' }],
      ['an extension key that is not an IRI', { result: { extensions: { score: 1 } } }],
      ['a SubStatement with stored', { object: { objectType: 'SubStatement', actor, verb, object: { id: 'http://example.com/a' }, stored: new Date().toISOString() } }],
      ['a SubStatement with version', { object: { objectType: 'SubStatement', actor, verb, object: { id: 'http://example.com/a' }, version: '1.0.0' } }],
      ['a SubStatement with authority', { object: { objectType: 'SubStatement', actor, verb, object: { id: 'http://example.com/a' }, authority: actor } }],
      ['a group member without an identifier', { actor: { objectType: 'Group', member: [{ objectType: 'Agent', name: 'Anonymous' }] } }],
      ['an anonymous group without members', { actor: { objectType: 'Group', name: 'Referat' } }],
      ['an openid that is not a URI', { actor: { openid: 'janek' } }],
      ['a verb without id', { verb: { display: { pl: 'x' } } }],
      ['an object without id', { object: { objectType: 'Activity' } }],
      ['a StatementRef without a UUID', { object: { objectType: 'StatementRef', id: 'abc' } }],
      ['a context with a bad contextActivities key', { context: { contextActivities: { parents: [{ id: 'http://example.com/p' }] } } }],
      ['an interaction component without id', { object: { id: 'http://example.com/q', definition: { interactionType: 'choice', choices: [{ description: { pl: 'a' } }] } } }],
      ['a context team that is an Agent', { context: { team: actor } }],
      ['a context statement that is not a StatementRef', { context: { statement: { objectType: 'Activity', id: 'http://example.com/a' } } }],
      [
        'an attachment usageType that is not an IRI',
        { attachments: [{ usageType: 'photo', display: { en: 'x' }, contentType: 'text/plain', length: 1, sha2: 'a'.repeat(64), fileUrl: 'http://example.com/f' }] },
      ],
      [
        'an attachment with a negative length',
        {
          attachments: [{ usageType: 'http://example.com/u', display: { en: 'x' }, contentType: 'text/plain', length: -1, sha2: 'a'.repeat(64), fileUrl: 'http://example.com/f' }],
        },
      ],
      [
        'an attachment with a bad sha2',
        { attachments: [{ usageType: 'http://example.com/u', display: { en: 'x' }, contentType: 'text/plain', length: 1, sha2: 'zz', fileUrl: 'http://example.com/f' }] },
      ],
    ];
    for (const [what, overrides] of invalid) {
      it(`rejects ${what}`, async () => {
        const id = randomUUID();
        const body: Record<string, unknown> = { id, ...statement(overrides) };
        if ('id' in overrides) body.id = overrides.id;
        const res = await lrs().post('/xapi/statements').set(VERSION).set('Authorization', auth).send(body);
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.message).to.be.a('string').and.not.equal('');
        if (body.id === id) await lrs().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).expect(404);
      });
    }

    it('sets stored itself whatever the client sent (Data 2.4.8)', async () => {
      const [id] = (
        await lrs()
          .post('/xapi/statements')
          .set(VERSION)
          .set('Authorization', auth)
          .send(statement({ stored: '2001-01-01T00:00:00Z' }))
          .expect(200)
      ).body;
      const res = await lrs().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).expect(200);
      expect(Date.parse(res.body.stored)).to.be.closeTo(Date.now(), 60_000);
    });

    it('keeps the version a statement was sent with (Data 2.4.10)', async () => {
      const [id] = (
        await lrs()
          .post('/xapi/statements')
          .set(VERSION)
          .set('Authorization', auth)
          .send(statement({ version: '1.0.2' }))
          .expect(200)
      ).body;
      const res = await lrs().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).expect(200);
      expect(res.body.version).to.equal('1.0.2');
    });

    it("overwrites an authority sent by the client with the client's own (Data 2.4.9, Communication 4.1)", async () => {
      const claimed = { objectType: 'Agent', mbox: 'mailto:boss@example.com' };
      const [id] = (
        await lrs()
          .post('/xapi/statements')
          .set(VERSION)
          .set('Authorization', auth)
          .send(statement({ authority: claimed }))
          .expect(200)
      ).body;
      const res = await lrs().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).expect(200);
      expect(res.body.authority).to.not.deep.equal(claimed);
      expect(res.body.authority.account.homePage).to.match(/\/xapi\/clients$/);
    });

    it('keeps Polish letters and other UTF-8 intact (Communication 1.4)', async () => {
      const display = { pl: 'zażółć gęślą jaźń', uk: 'прочитав' };
      const [id] = (
        await lrs()
          .post('/xapi/statements')
          .set(VERSION)
          .set('Authorization', auth)
          .send(statement({ verb: { id: verb.id, display } }))
          .expect(200)
      ).body;
      const res = await lrs().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).expect(200);
      expect(res.body.verb.display).to.deep.equal(display);
    });
  });

  /** POSTs one statement and expects a 400 whose message matches, with nothing stored under its id. */
  async function expectRefused(body: Record<string, unknown>, message: RegExp): Promise<void> {
    const id = randomUUID();
    const res = await lrs()
      .post('/xapi/statements')
      .set(VERSION)
      .set('Authorization', auth)
      .send({ id, ...body });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.body.message).to.match(message);
    await lrs().get(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).expect(404);
  }

  describe('Data 2.4.9: authority is an Agent or an anonymous Group of two Agents', () => {
    const consumer = { objectType: 'Agent', account: { homePage: 'https://lms.example.pl/oauth/token', name: 'consumer-1' } };
    const user = { objectType: 'Agent', mbox: 'mailto:urzednik@example.pl' };

    it('accepts an Agent, and an anonymous Group of the OAuth consumer and the user, then records its own authority', async () => {
      for (const authority of [user, { objectType: 'Group', member: [consumer, { mbox: 'mailto:bob@example.com' }] }]) {
        const res = await lrs().post('/xapi/statements').set(VERSION).set('Authorization', auth).send(statement({ authority }));
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        const stored = await lrs().get(`/xapi/statements?statementId=${res.body[0]}`).set(VERSION).set('Authorization', auth).expect(200);
        expect(stored.body.authority.account.homePage).to.match(/\/xapi\/clients$/);
      }
    });

    const refused: Array<[string, Record<string, unknown>, RegExp]> = [
      ['an identified Group (mbox)', { objectType: 'Group', mbox: 'mailto:referat@example.pl' }, /anonymous.*mbox/],
      ['an identified Group (mbox_sha1sum)', { objectType: 'Group', mbox_sha1sum: 'a'.repeat(40), member: [consumer, user] }, /anonymous.*mbox_sha1sum/],
      ['an identified Group (openid)', { objectType: 'Group', openid: 'https://openid.example.pl/referat', member: [consumer, user] }, /anonymous.*openid/],
      ['an identified Group (account)', { objectType: 'Group', account: { homePage: 'https://example.pl', name: 'referat' }, member: [consumer, user] }, /anonymous.*account/],
      ['a Group of one member', { objectType: 'Group', member: [consumer] }, /exactly two members.*has 1/],
      ['a Group of three members', { objectType: 'Group', member: [consumer, user, { mbox: 'mailto:trzeci@example.pl' }] }, /exactly two members.*has 3/],
      ['a Group whose member is a Group', { objectType: 'Group', member: [consumer, { objectType: 'Group', member: [user] }] }, /authority\.member\.1: .*must be an Agent/],
      [
        'a Group of two Agents neither of which is an OAuth consumer',
        { objectType: 'Group', member: [user, { mbox: 'mailto:drugi@example.pl' }] },
        /OAuth consumer, identified by account/,
      ],
    ];
    for (const [what, authority, message] of refused) {
      it(`refuses (400, JSON message) ${what} as authority`, async () => {
        await expectRefused(statement({ authority }), message);
      });
    }
  });

  describe('Data 2.4.3-2.4.6, 2.4.4.3: RFC 5646 language maps inside a SubStatement', () => {
    const tag = 'zh-z-aaa-z-bbb-c-ccc'; // the singleton z twice: RFC 5646 2.2.6
    const sub = (overrides: Record<string, unknown>) => ({ objectType: 'SubStatement', actor, verb, object: { id: 'http://example.com/a' }, ...overrides });
    const attachment = { usageType: 'http://example.com/u', contentType: 'text/plain', length: 1, sha2: 'a'.repeat(64), fileUrl: 'http://example.com/f' };
    const places: Array<[string, Record<string, unknown>, string]> = [
      ['the verb display', sub({ verb: { id: verb.id, display: { [tag]: 'x' } } }), 'object.verb.display'],
      ['the activity name', sub({ object: { id: 'http://example.com/a', definition: { name: { [tag]: 'x' } } } }), 'object.object.definition.name'],
      ['the activity description', sub({ object: { id: 'http://example.com/a', definition: { description: { [tag]: 'x' } } } }), 'object.object.definition.description'],
      [
        'an interaction component description',
        sub({ object: { id: 'http://example.com/q', definition: { interactionType: 'choice', choices: [{ id: 'a', description: { [tag]: 'x' } }] } } }),
        'object.object.definition.choices.0.description',
      ],
      [
        'a context activity name',
        sub({ context: { contextActivities: { parent: [{ id: 'http://example.com/p', definition: { name: { [tag]: 'x' } } }] } } }),
        'object.context.contextActivities.parent.0.definition.name',
      ],
      ['context.language', sub({ context: { language: tag } }), 'object.context.language'],
      ['an attachment display', sub({ attachments: [{ ...attachment, display: { [tag]: 'x' } }] }), 'object.attachments.0.display'],
      ['an attachment description', sub({ attachments: [{ ...attachment, display: { en: 'x' }, description: { [tag]: 'x' } }] }), 'object.attachments.0.description'],
    ];
    for (const [what, object, where] of places) {
      it(`refuses ${tag} in ${what} of a SubStatement (400 naming the place)`, async () => {
        await expectRefused(statement({ object }), new RegExp(`${where.replace(/\./g, '\\.')}.*RFC 5646`));
      });
    }

    it('refuses the same tag at the top level, and a variant given twice, by the same rule', async () => {
      await expectRefused(statement({ verb: { id: verb.id, display: { [tag]: 'x' } } }), /verb\.display.*RFC 5646/);
      await expectRefused(statement({ object: { id: 'http://example.com/a', definition: { name: { 'de-CH-1901-1901': 'x' } } } }), /definition\.name.*RFC 5646/);
    });

    it('accepts well-formed tags in a SubStatement (region, script, extensions with distinct singletons, private use)', async () => {
      const display = { 'pl-PL': 'przeczytał', 'zh-Hant-TW': 'x', 'en-a-bbb-x-a-ccc': 'y', 'zh-z-aaa-c-bbb': 'z' };
      const res = await lrs()
        .post('/xapi/statements')
        .set(VERSION)
        .set('Authorization', auth)
        .send(statement({ object: sub({ verb: { id: verb.id, display } }) }));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    });
  });

  describe('Communication 2.1.3: format=ids reduces every Agent and Group to its identifier', () => {
    const named = (name: string, ifi: Record<string, unknown>) => ({ objectType: 'Agent', name, ...ifi });
    const alice = named('Alicja Nowak', { mbox: 'mailto:alicja@example.pl' });
    const bob = named('Bogdan Kowal', { account: { homePage: 'https://example.pl', name: 'bogdan' } });
    const carol = { name: 'Celina', openid: 'https://openid.example.pl/celina' };
    const dave = named('Dawid', { mbox_sha1sum: 'b'.repeat(40) });
    const anonymous = { objectType: 'Group', name: 'Zespół A', member: [alice, bob] };
    const identified = { objectType: 'Group', name: 'Referat', mbox: 'mailto:referat@example.pl', member: [carol, dave] };
    const ids = {
      alice: { objectType: 'Agent', mbox: 'mailto:alicja@example.pl' },
      bob: { objectType: 'Agent', account: { homePage: 'https://example.pl', name: 'bogdan' } },
      carol: { openid: 'https://openid.example.pl/celina' },
      dave: { objectType: 'Agent', mbox_sha1sum: 'b'.repeat(40) },
      anonymous: { objectType: 'Group', member: [] as unknown[] },
      identified: { objectType: 'Group', mbox: 'mailto:referat@example.pl' },
    };
    ids.anonymous.member = [ids.alice, ids.bob];
    const context = { instructor: carol, team: identified, contextActivities: { parent: [{ id: 'http://example.com/p', definition: { name: { pl: 'Kurs' } } }] } };
    const reducedContext = { instructor: ids.carol, team: ids.identified, contextActivities: { parent: [{ id: 'http://example.com/p' }] } };

    async function idsOf(body: Record<string, unknown>): Promise<Record<string, unknown>> {
      const res = await lrs().post('/xapi/statements').set(VERSION).set('Authorization', auth).send(body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const one = await lrs().get(`/xapi/statements?statementId=${res.body[0]}&format=ids`).set(VERSION).set('Authorization', auth).expect(200);
      const list = await lrs().get('/xapi/statements?format=ids&limit=1').set(VERSION).set('Authorization', auth).expect(200);
      expect(list.body.statements[0]).to.deep.equal(one.body);
      return one.body as Record<string, unknown>;
    }

    it('in the actor, the object, context.instructor and context.team, and the authority (members included)', async () => {
      const authority = (await idsOf(statement({ actor: anonymous, object: identified, context: { instructor: bob, team: anonymous } }))).authority as Record<string, unknown>;
      expect(authority).to.have.keys('objectType', 'account');
      const reduced = await idsOf(statement({ actor: identified, object: anonymous, context }));
      expect(reduced.actor).to.deep.equal(ids.identified);
      expect(reduced.object).to.deep.equal(ids.anonymous);
      expect(reduced.verb).to.deep.equal({ id: verb.id });
      expect(reduced.context).to.deep.equal(reducedContext);
      const agentObject = await idsOf(statement({ actor: dave, object: alice, context: { instructor: anonymous } }));
      expect(agentObject.actor).to.deep.equal(ids.dave);
      expect(agentObject.object).to.deep.equal(ids.alice);
      expect((agentObject.context as Record<string, unknown>).instructor).to.deep.equal(ids.anonymous);
    });

    it('in every part of a SubStatement', async () => {
      const sub = { objectType: 'SubStatement', actor: anonymous, verb, object: bob, context };
      const reduced = await idsOf(statement({ actor: carol, object: sub }));
      expect(reduced.actor).to.deep.equal(ids.carol);
      expect(reduced.object).to.deep.equal({ objectType: 'SubStatement', actor: ids.anonymous, verb: { id: verb.id }, object: ids.bob, context: reducedContext });
      const withActivity = await idsOf(statement({ object: { ...sub, actor: identified, object: { id: 'http://example.com/a', definition: { name: { pl: 'A' } } } } }));
      expect((withActivity.object as Record<string, unknown>).actor).to.deep.equal(ids.identified);
      expect((withActivity.object as Record<string, unknown>).object).to.deep.equal({ id: 'http://example.com/a' });
    });
  });

  describe('Communication 2.1.3: GET statements parameters', () => {
    const bad = [
      `statementId=${randomUUID()}&voidedStatementId=${randomUUID()}`,
      'since=yesterday',
      'until=2024-13-01T00:00:00Z',
      'limit=-1',
      'limit=ten',
      'format=xml',
      'agent=not-json',
      `agent=${encodeURIComponent(JSON.stringify({ mbox: 'mailto:a@example.com', openid: 'http://example.com/a' }))}`,
      'registration=abc',
      'ascending=maybe',
      'attachments=yes',
      'verb=experienced',
      `statementId=${randomUUID()}&limit=1`,
    ];
    for (const query of bad) {
      it(`answers 400 to ?${decodeURIComponent(query)}`, async () => {
        const res = await lrs().get(`/xapi/statements?${query}`).set(VERSION).set('Authorization', auth);
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.headers['x-experience-api-version']).to.equal('1.0.3');
        expect(res.headers['x-experience-api-consistent-through']).to.be.a('string');
      });
    }

    it('answers attachments=true as multipart/mixed even without attachments, and attachments=false as JSON', async () => {
      const [id] = (await lrs().post('/xapi/statements').set(VERSION).set('Authorization', auth).send(statement()).expect(200)).body;
      const multipart = await lrs()
        .get(`/xapi/statements?statementId=${id}&attachments=true`)
        .set(VERSION)
        .set('Authorization', auth)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
        });
      expect(multipart.status).to.equal(200);
      expect(multipart.headers['content-type']).to.match(/^multipart\/mixed; *boundary=/);
      expect(multipart.body as unknown).to.contain(id);
      const json = await lrs().get(`/xapi/statements?statementId=${id}&attachments=false`).set(VERSION).set('Authorization', auth).expect(200);
      expect(json.headers['content-type']).to.match(/^application\/json/);
    });

    it('still returns the voiding statement in lists, and statements referring to a voided one (2.1.4)', async () => {
      const target = randomUUID();
      await lrs().put(`/xapi/statements?statementId=${target}`).set(VERSION).set('Authorization', auth).send(statement()).expect(204);
      const voiding = randomUUID();
      await lrs()
        .put(`/xapi/statements?statementId=${voiding}`)
        .set(VERSION)
        .set('Authorization', auth)
        .send({ actor, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: target } })
        .expect(204);
      const referring = randomUUID();
      await lrs()
        .put(`/xapi/statements?statementId=${referring}`)
        .set(VERSION)
        .set('Authorization', auth)
        .send(statement({ object: { objectType: 'StatementRef', id: target } }))
        .expect(204);
      const list = await lrs().get('/xapi/statements?limit=0').set(VERSION).set('Authorization', auth).expect(200);
      const ids = (list.body.statements as Array<{ id: string }>).map((s) => s.id);
      expect(ids).to.include.members([voiding, referring]);
      expect(ids).to.not.include(target);
    });
  });

  describe('Communication 2.2–2.7: document resources', () => {
    const activityId = 'http://example.com/activities/never-seen';
    const agent = JSON.stringify(actor);

    it('accepts documents about activities and agents it has never seen (2.2.s4.b2), 404 for a missing one', async () => {
      const state = `/xapi/activities/state?activityId=${encodeURIComponent(activityId)}&agent=${encodeURIComponent(agent)}&stateId=bookmark`;
      await lrs().get(state).set(VERSION).set('Authorization', auth).expect(404);
      await lrs().put(state).set(VERSION).set('Authorization', auth).set('Content-Type', 'text/plain').send('lekcja-2').expect(204);
      const res = await lrs().get(state).set(VERSION).set('Authorization', auth).expect(200);
      expect(res.text).to.equal('lekcja-2');
      expect(res.headers['content-type']).to.match(/^text\/plain/);
      await lrs().delete(state).set(VERSION).set('Authorization', auth).expect(204);
      await lrs().get(state).set(VERSION).set('Authorization', auth).expect(404);
    });

    it('answers 400 for a registration that is not a UUID and for a missing stateId on PUT', async () => {
      const base = `/xapi/activities/state?activityId=${encodeURIComponent(activityId)}&agent=${encodeURIComponent(agent)}`;
      await lrs().get(`${base}&stateId=s&registration=abc`).set(VERSION).set('Authorization', auth).expect(400);
      await lrs().put(base).set(VERSION).set('Authorization', auth).send({ a: 1 }).expect(400);
    });

    it('lists profile ids with since, and answers a GET of one profile with a quoted SHA-1 ETag', async () => {
      const base = `/xapi/agents/profile?agent=${encodeURIComponent(agent)}`;
      const before = new Date(Date.now() - 1000).toISOString();
      await lrs().put(`${base}&profileId=settings`).set(VERSION).set('Authorization', auth).set('If-None-Match', '*').send({ theme: 'dark' }).expect(204);
      const ids = await lrs()
        .get(`${base}&since=${encodeURIComponent(before)}`)
        .set(VERSION)
        .set('Authorization', auth)
        .expect(200);
      expect(ids.body).to.deep.equal(['settings']);
      const later = await lrs()
        .get(`${base}&since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
        .set(VERSION)
        .set('Authorization', auth)
        .expect(200);
      expect(later.body).to.deep.equal([]);
      const one = await lrs().get(`${base}&profileId=settings`).set(VERSION).set('Authorization', auth).expect(200);
      expect(one.headers.etag).to.match(/^"[0-9a-f]{40}"$/);
    });

    it('answers 400 to the Activities resource without activityId', async () => {
      await lrs().get('/xapi/activities').set(VERSION).set('Authorization', auth).expect(400);
      await lrs().get('/xapi/activities/profile?profileId=x').set(VERSION).set('Authorization', auth).expect(400);
    });
  });

  describe('Communication 2.8, 3, 4: About, headers, authentication', () => {
    it('About has exactly version (1.0.3 among them) and extensions, and ignores the version header', async () => {
      const res = await lrs().get('/xapi/about').set('X-Experience-API-Version', '0.9').expect(200);
      expect(Object.keys(res.body).sort()).to.deep.equal(['extensions', 'version']);
      expect(res.body.version).to.include('1.0.3');
    });

    it('sends the version header on 401, 403, 404, 409 and 413 answers too (3.3.s3.b1)', async () => {
      const answers = [
        await lrs().get('/xapi/statements').set(VERSION).expect(401),
        await lrs().post('/xapi/statements').set(VERSION).set('Authorization', readOnly).send(statement()).expect(403),
        await lrs().get(`/xapi/statements?statementId=${randomUUID()}`).set(VERSION).set('Authorization', auth).expect(404),
        await lrs()
          .post('/xapi/statements')
          .set(VERSION)
          .set('Authorization', auth)
          .set('Content-Type', 'application/json')
          .send(`[${'"x",'.repeat(6_000_000)}"x"]`)
          .expect(413),
      ];
      const id = randomUUID();
      await lrs().put(`/xapi/statements?statementId=${id}`).set(VERSION).set('Authorization', auth).send(statement()).expect(204);
      answers.push(
        await lrs()
          .put(`/xapi/statements?statementId=${id}`)
          .set(VERSION)
          .set('Authorization', auth)
          .send(statement({ verb: { id: 'http://example.com/other' } }))
          .expect(409),
      );
      for (const res of answers) {
        expect(res.headers['x-experience-api-version'], String(res.status)).to.equal('1.0.3');
        expect(res.headers['content-type'], String(res.status)).to.match(/^application\/json/);
      }
    });

    it('asks for Basic credentials with WWW-Authenticate on 401 (4.0)', async () => {
      const res = await lrs().get('/xapi/statements').set(VERSION).expect(401);
      expect(res.headers['www-authenticate']).to.match(/^Basic realm=/);
    });

    it('takes its largest request body from XAPI_MAX_BODY_MB (3.2.s3.b16), default 20 MB', async () => {
      expect(testConfig().XAPI_MAX_BODY_MB).to.equal(20);
      const small = await startTestServer({ XAPI_MAX_BODY_MB: '1' });
      try {
        const document = 'x'.repeat(1024 * 1024 + 1);
        const state = `/xapi/activities/state?activityId=${encodeURIComponent('http://example.com/a')}&agent=${encodeURIComponent(JSON.stringify(actor))}&stateId=big`;
        const res = await request(small.url).put(state).set(VERSION).set('Authorization', auth).set('Content-Type', 'text/plain').send(document).expect(413);
        expect(res.body.message).to.contain('(1 MB)');
        await request(small.url).put(state).set(VERSION).set('Authorization', auth).set('Content-Type', 'text/plain').send(document.slice(2)).expect(204);
      } finally {
        await small.close();
      }
    });

    it('accepts any 1.0.x version header (3.3.s3.b5)', async () => {
      await lrs().get('/xapi/statements').set('X-Experience-API-Version', '1.0.9').set('Authorization', auth).expect(200);
    });
  });
});
