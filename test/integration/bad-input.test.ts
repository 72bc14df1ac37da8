// Hostile and garbage input to every route of the app: never a 5xx, forms answer 4xx with field errors, nothing half-written.
import { expect } from 'chai';
import { enrolAndCompleteSteps } from '../helpers/completion.js';
import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { SESSION_COLLECTION } from '../../src/auth/session-cleanup.js';
import { WINDOW_COUNT_COLLECTION } from '../../src/db/window-counter.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { routeTable, type RouteEntry } from '../helpers/route-table.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = ReturnType<typeof request.agent>;

const SCRIPT = '<script>alert(1)</script>';
const HUGE = 'x'.repeat(100_000);
/** Every field name any form of the app reads. */
const FIELDS = [
  'email',
  'password',
  'passwordConfirm',
  'fullName',
  'organisationId',
  'departmentId',
  'consent',
  'next',
  'reason',
  'name',
  'access',
  'answer',
  'code',
  'q0',
  'q0_0',
  'q1',
];

/** Values put in place of every :param (and the *file wildcard), already URL-encoded where needed. */
const PATH_VALUES = [
  'zzz',
  '0123456789abcdef01234567',
  'nie-ma-takiego',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%E0%A4%A',
  '%00',
  encodeURIComponent(SCRIPT),
  '-1',
  'a'.repeat(3000),
  '__proto__',
];

/** Query strings sent to every GET route. */
const QUERIES = [
  'a[b]=c&lang[]=en&lang=pl&next[]=%2F&code[]=1&code=2',
  'lang=%E0%A4%A&next=%FF%FE',
  `next=${encodeURIComponent('//evil.example/')}&code=${encodeURIComponent(SCRIPT)}`,
  `code=${'x'.repeat(5000)}`,
  'limit=-1&since=wczoraj&until[]=1&ascending=maybe&statementId=zzz&agent=%7Bbad&more=garbage&activityId=..%2F..',
];

/** Form bodies (each gets a valid _csrf added) sent to every POST route. */
function formBodies(): Array<{ label: string; body: string | Buffer; type?: string; headers?: Record<string, string> }> {
  const each = (value: string, except: string[] = []) =>
    FIELDS.filter((field) => !except.includes(field))
      .map((field) => `${field}=${encodeURIComponent(value)}`)
      .join('&');
  return [
    { label: 'empty body', body: '' },
    { label: 'arrays', body: FIELDS.map((field) => `${field}=1&${field}=2`).join('&') },
    { label: 'bracket keys', body: 'email[$gt]=&password[$ne]=x&a[b]=c&__proto__[admin]=1&constructor[prototype][x]=1&reason[]=x&fullName[a]=b' },
    { label: 'script tags', body: each(SCRIPT) },
    {
      label: 'negative and odd numbers, path traversal',
      body:
        each('-1', ['next', 'code', 'q0', 'q1', 'answer']) +
        `&q0=NaN&q1=1e309&answer=-999999999999999999999&next=${encodeURIComponent('/../../etc/passwd')}&code=${encodeURIComponent('../../../etc/passwd')}`,
    },
    { label: 'one 100 kB field per form field', body: FIELDS.map((field) => `${field}=${HUGE.slice(0, 12_000)}`).join('&') },
    { label: 'a 100 kB field', body: `reason=${HUGE}&fullName=${HUGE}` },
    { label: 'a body over the size limit', body: `email=${'y'.repeat(300_000)}` },
    { label: 'invalid UTF-8 percent-encoding', body: 'email=%FF%FE&password=%C3%28&fullName=%E0%A4%A&reason=%ZZ' },
    { label: 'raw invalid UTF-8 bytes', body: Buffer.concat([Buffer.from('fullName='), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('&reason=')]) },
    {
      label: 'truncated multipart',
      body: '--x\r\nContent-Disposition: form-data; name="plik"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7',
      type: 'multipart/form-data; boundary=x',
    },
    { label: 'multipart without a boundary', body: 'plik=1', type: 'multipart/form-data' },
    { label: 'an unknown charset', body: 'email=a%40b.pl', type: 'application/x-www-form-urlencoded; charset=utf-7' },
    { label: 'a body that is not the gzip it claims', body: 'email=a%40b.pl', headers: { 'Content-Encoding': 'gzip' } },
    {
      label: 'JSON body (CSRF in the header)',
      body: JSON.stringify({ email: { $gt: '' }, password: ['a'], fullName: { toString: 1 }, reason: null, answer: { $ne: 1 } }),
      type: 'application/json',
    },
  ];
}

/** The xAPI bodies sent to every LRS route. */
const XAPI_BODIES: Array<{ label: string; body: string | Buffer; type: string }> = [
  { label: 'empty', body: '', type: 'application/json' },
  { label: 'not JSON', body: '{"actor":', type: 'application/json' },
  { label: 'null', body: 'null', type: 'application/json' },
  { label: 'a string', body: '"statement"', type: 'application/json' },
  { label: 'wrong types', body: JSON.stringify({ actor: { mbox: ['x'] }, verb: 1, object: [] }), type: 'application/json' },
  { label: 'deep nesting', body: `${'['.repeat(5000)}${']'.repeat(5000)}`, type: 'application/json' },
  { label: 'keys with $ and dots', body: JSON.stringify({ $where: '1', 'a.b': 1, __proto__: { x: 1 } }), type: 'application/json' },
  { label: 'raw invalid UTF-8', body: Buffer.from([0xff, 0xfe, 0x7b]), type: 'application/json' },
  { label: 'a 100 kB string', body: JSON.stringify(HUGE), type: 'application/json' },
  { label: 'garbage multipart', body: '--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b', type: 'multipart/mixed; boundary=b' },
  { label: 'form without method', body: 'content=%7B%7D&a[b]=c', type: 'application/x-www-form-urlencoded' },
];

/** Forms anonymous visitors may send (the others answer 401 before reading the body). */
const PUBLIC_FORMS = [/^\/rejestracja$/, /^\/potwierdz-email/, /^\/logowanie$/, /^\/wyloguj$/, /^\/haslo\/reset/, /^\/(weryfikacja|verify)\//];

/** Substitutes `value` for every parameter of a route pattern. */
function withParams(path: string, value: string): string {
  return path.replace(/:[A-Za-z]+/g, value).replace(/\*[A-Za-z]+/g, value);
}

/** A stack trace or a server error page must never reach the client. */
function expectNoLeak(res: request.Response, label: string): void {
  expect(res.status, `${label}: ${res.text?.slice(0, 300)}`).to.be.below(500);
  const text = res.text ?? '';
  expect(text, `${label} leaks a stack trace`).to.not.match(/\n\s+at .+\.(?:ts|js):\d+/);
  // JSON may carry stored text verbatim (e.g. a revocation reason in a statement); HTML must escape it.
  if (/html/.test(String(res.headers['content-type']))) expect(text, `${label} reflects a script tag`).to.not.contain(SCRIPT);
}

function expectJsonError(res: request.Response, label: string): void {
  if (res.status < 400) return;
  expect(res.headers['content-type'], label).to.match(/application\/json/);
  expect(res.body.message, `${label}: a helpful message`).to.be.a('string').and.not.equal('');
}

/** Counts of every collection that a request could write to (sessions and rate-limit stores aside). */
async function documentCounts(): Promise<Record<string, number>> {
  const db = mongoose.connection.db!;
  const collections = (await db.collections()).filter((collection) => ![SESSION_COLLECTION, WINDOW_COUNT_COLLECTION].includes(collection.collectionName));
  const counts = await Promise.all(collections.map((collection) => collection.countDocuments({})));
  return Object.fromEntries(collections.map((collection, index) => [collection.collectionName, counts[index]]));
}

describe('bad input to every route', function () {
  this.timeout(300_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let routes: RouteEntry[];
  let member: Agent;
  let memberCsrf: string;
  let lrsAuth: string;
  let certificateId: string;
  let attemptUrl: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses', VERIFY_RATE_LIMIT_PER_MINUTE: '100000' });
    routes = routeTable(await createApp(server.platform));
    const organisation = await buildOrganisation();
    // Every role at once, so each handler is reached rather than stopped by a role check.
    const person = await buildLearner({ organisation, overrides: { roles: ['learner', 'hr', 'admin', 'author'] } });
    member = await loginAgent(server.url, person.user.email, person.password);
    certificateId = (await buildCertificate(server.platform, person.user)).id;
    // Enrolled with an open attempt, so the enrolment and the quiz start are idempotent during the run.
    await enrolAndCompleteSteps(member, server.platform.catalogue.require('przyklad-kurs'));
    const quiz = await member.get('/szkolenia/przyklad-kurs/test').expect(200);
    attemptUrl = (
      await member
        .post('/szkolenia/przyklad-kurs/test')
        .type('form')
        .send({ _csrf: csrfTokenFrom(quiz.text) })
        .expect(303)
    ).headers.location;
    memberCsrf = csrfTokenFrom((await member.get('/moje-szkolenia').expect(200)).text);
    const client = await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'LMS' });
    lrsAuth = `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`;
  });
  after(async () => server.close());

  it('finds every route of the app', () => {
    const described = routes.map((route) => `${route.method} ${route.path}`);
    expect(routes.length).to.be.at.least(60);
    for (const expected of [
      'POST /rejestracja',
      'POST /zaswiadczenia/:id/popraw-dane',
      'POST /szkolenia/:courseId/test/:attemptId',
      'PUT /xapi/statements',
      'POST /admin/lrs-klienci/:id/usun',
      'POST /weryfikacja/:code/plik',
    ]) {
      expect(described).to.include(expected);
    }
  });

  for (const who of ['anonymous', 'signed in'] as const) {
    it(`page routes, ${who}: garbage in path and query never gives a 5xx`, async () => {
      const agent = who === 'anonymous' ? request(server.url) : member;
      let sent = 0;
      for (const route of routes.filter((r) => r.method === 'GET' && !r.path.startsWith('/xapi'))) {
        // Every garbage parameter value without a query, and every garbage query on the first of them.
        const paths = route.path.includes(':') || route.path.includes('*') ? PATH_VALUES.map((value) => withParams(route.path, value)) : [route.path];
        const urls = [...paths, ...QUERIES.map((query) => `${paths[0]}?${query}`)];
        for (const url of urls) {
          const res = await agent.get(url).redirects(0);
          expectNoLeak(res, `GET ${url.slice(0, 120)}`);
          sent++;
        }
      }
      expect(sent).to.be.greaterThan(200);
    });

    it(`page forms, ${who}: garbage bodies give 4xx (or a re-rendered form), never a 5xx, and write nothing when refused`, async () => {
      const agent = who === 'anonymous' ? request.agent(server.url) : member;
      const csrf = who === 'anonymous' ? csrfTokenFrom((await agent.get('/logowanie').expect(200)).text) : memberCsrf;
      let refused = 0;
      const forms = routes.filter((r) => r.method === 'POST' && !r.path.startsWith('/xapi') && !(who === 'signed in' && r.path === '/wyloguj'));
      for (const route of forms) {
        // The route's own path with an unknown and a malformed id, then (last) one that reaches the handler.
        const paths = route.path.includes(':') ? [withParams(route.path, '0123456789abcdef01234567'), withParams(route.path, '%E0%A4%A')] : [];
        paths.push(
          withParams(
            route.path
              .replace(':courseId', 'przyklad-kurs')
              .replace(':lessonId', 'wprowadzenie')
              .replace(':checkId', 'check-zasady-1')
              .replace(/^\/zaswiadczenia\/:id/, `/zaswiadczenia/${certificateId}`),
            '0123456789abcdef01234567',
          ),
        );
        // Anonymous visitors are stopped before private handlers read the body: one variant each is enough there.
        const reachesHandler = who === 'signed in' || PUBLIC_FORMS.some((pattern) => pattern.test(route.path));
        const requests = paths.flatMap((path, index) =>
          (index === paths.length - 1 && reachesHandler ? formBodies() : formBodies().filter((v) => v.label === 'script tags')).map((variant) => ({ path, variant })),
        );
        // The counts after one request are the counts before the next.
        let before = await documentCounts();
        for (const { path, variant } of requests) {
          const body =
            typeof variant.body === 'string' && !variant.type
              ? variant.body
                ? `${variant.body}&_csrf=${encodeURIComponent(csrf)}`
                : `_csrf=${encodeURIComponent(csrf)}`
              : variant.body;
          const res = await agent
            .post(path)
            .set('Content-Type', variant.type ?? 'application/x-www-form-urlencoded')
            .set('x-csrf-token', csrf)
            .set(variant.headers ?? {})
            .send(body)
            .redirects(0);
          const label = `POST ${path.slice(0, 80)} (${variant.label}, ${who})`;
          expectNoLeak(res, label);
          const after = await documentCounts();
          if (res.status >= 400) {
            refused++;
            expect(res.headers['content-type'], label).to.match(/text\/html/);
            expect(after, `${label} wrote despite answering ${res.status}`).to.deep.equal(before);
          }
          before = after;
        }
      }
      expect(refused).to.be.greaterThan(who === 'anonymous' ? 60 : 100);
    });
  }

  it('the quiz: a garbage submission of a real open attempt is refused and leaves it open', async () => {
    for (const variant of formBodies().filter((v) => ['arrays', 'a 100 kB field', 'a body over the size limit'].includes(v.label))) {
      const bodies =
        variant.label === 'arrays' ? `${'q'.repeat(30)}=1&_csrf=${encodeURIComponent(memberCsrf)}` : `${variant.body as string}&_csrf=${encodeURIComponent(memberCsrf)}`;
      const res = await member.post(attemptUrl).type('form').send(bodies).redirects(0);
      expectNoLeak(res, variant.label);
      expect(res.status, variant.label).to.be.within(400, 499);
    }
    // Still open: the attempt page shows the form, not the result.
    await member.get(attemptUrl).expect(200);
  });

  for (const who of ['no credentials', 'a valid client'] as const) {
    it(`the LRS, ${who}: garbage gives 4xx JSON with a message, never a 5xx, and stores nothing`, async () => {
      const headers: Record<string, string> = who === 'a valid client' ? { Authorization: lrsAuth, 'X-Experience-API-Version': '1.0.3' } : {};
      const before = await documentCounts();
      let sent = 0;
      for (const route of routes.filter((r) => r.path.startsWith('/xapi'))) {
        for (const query of ['', ...QUERIES, 'method=PUT&method=GET', 'statementId=%E0%A4%A', 'agent=%7B%22mbox%22%3A%5B1%5D%7D&activityId=x&stateId=s']) {
          const url = query ? `${route.path}?${query}` : route.path;
          // Without credentials nothing past authentication reads the body: one body is enough.
          const bodies =
            route.method === 'GET' || route.method === 'DELETE'
              ? [{ label: 'none', body: '', type: 'application/json' }]
              : who === 'a valid client'
                ? XAPI_BODIES
                : XAPI_BODIES.slice(4, 5);
          for (const variant of bodies) {
            const req = request(server.url)[route.method.toLowerCase() as 'get' | 'put' | 'post' | 'delete'](url).set(headers);
            const res = await (route.method === 'GET' || route.method === 'DELETE' ? req : req.set('Content-Type', variant.type).send(variant.body));
            const label = `${route.method} ${url.slice(0, 100)} (${variant.label}, ${who})`;
            expectNoLeak(res, label);
            expectJsonError(res, label);
            sent++;
          }
        }
      }
      expect(sent).to.be.greaterThan(150);
      // Deleting documents of unknown scopes succeeds (204) but removes nothing that existed.
      expect(await documentCounts()).to.deep.equal(before);
    });
  }

  it('unusual methods never give a 5xx', async () => {
    for (const path of ['/', '/logowanie', '/szkolenia/przyklad-kurs', '/xapi/statements', '/weryfikacja/odznaka', '/favicon.ico']) {
      for (const method of ['OPTIONS', 'PATCH', 'DELETE', 'PUT', 'HEAD'] as const) {
        const res = await member[method.toLowerCase() as 'options' | 'patch' | 'delete' | 'put' | 'head'](path).set('x-csrf-token', memberCsrf);
        expectNoLeak(res, `${method} ${path}`);
      }
    }
  });

  it('garbage cookies and headers never give a 5xx', async () => {
    const cookies = ['lang=%E0%A4%A; ajst.sid=s%3Agarbage.sig; ajst.x-csrf=%ZZ', `lang=${'x'.repeat(3000)}`, 'ajst.sid=; lang=en; lang=pl'];
    for (const cookie of cookies) {
      for (const path of ['/', '/logowanie', '/moje-szkolenia', '/weryfikacja/AJST-XXXX']) {
        expectNoLeak(await request(server.url).get(path).set('Cookie', cookie).redirects(0), `GET ${path} with ${cookie.slice(0, 40)}`);
      }
      expectNoLeak(await request(server.url).post('/logowanie').set('Cookie', cookie).type('form').send('email=a&password=b'), `POST /logowanie with ${cookie.slice(0, 40)}`);
    }
    for (const accept of ['application/json', '*/*;q=x', 'text/html;level=%']) {
      expectNoLeak(await request(server.url).get('/nie-ma').set('Accept', accept), `Accept: ${accept}`);
    }
    const json = await request(server.url).get('/moje-zaswiadczenia/zzz/pdf').set('Accept', 'application/json');
    expect(json.status).to.be.within(400, 499);
    expect(json.body.message).to.be.a('string');
  });

  describe('forms re-render with field errors and keep what was typed', () => {
    async function freshCsrf(agent: Agent, page: string): Promise<string> {
      return csrfTokenFrom((await agent.get(page).expect(200)).text);
    }

    it('registration', async () => {
      const office = await buildOrganisation({ joinPolicy: 'domains', emailDomains: ['example.test'] });
      const agent = request.agent(server.url);
      const csrf = await freshCsrf(agent, `/rejestracja?urzad=${office._id.toHexString()}`);
      const res = await agent
        .post('/rejestracja')
        .type('form')
        .send({ _csrf: csrf, fullName: SCRIPT, email: 'nie-adres', password: 'krotkie', passwordConfirm: 'inne', organisationId: office._id.toHexString(), consent: 'nie' })
        .expect(400);
      expect(res.text).to.contain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
      expect(res.text).to.contain('value="nie-adres"');
      expect(res.text).to.match(/id="email"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="email"/);
      expect(res.text).to.contain('aria-describedby');
    });

    it("registration refuses an association, an unknown office and another office's department, creating nothing", async () => {
      const association = await buildOrganisation({ kind: 'association' });
      const office = await buildOrganisation({ joinPolicy: 'domains', emailDomains: ['example.test'] });
      const other = await buildOrganisation();
      const valid = { fullName: 'Jan Nowak', email: 'jan.nowak@example.test', password: 'Bardzo-dlugie-haslo-1', passwordConfirm: 'Bardzo-dlugie-haslo-1', consent: 'tak' };
      const cases = [
        { organisationId: association._id.toHexString(), field: 'organisationId' },
        { organisationId: new Types.ObjectId().toHexString(), field: 'organisationId' },
        { organisationId: office._id.toHexString(), departmentId: other.departments[0]._id.toHexString(), field: 'departmentId' },
      ];
      const before = await documentCounts();
      for (const { field, ...placement } of cases) {
        const agent = request.agent(server.url);
        const csrf = await freshCsrf(agent, `/rejestracja?urzad=${office._id.toHexString()}`);
        const res = await agent
          .post('/rejestracja')
          .type('form')
          .send({ _csrf: csrf, ...valid, ...placement })
          .expect(400);
        expect(res.text, field).to.contain(`id="${field}-error"`);
        expect(res.text, field).to.match(new RegExp(`aria-describedby="[^"]*${field}-error"`));
        // A wrong office brings back the office search (the form belongs to a chosen office); a wrong department the form as typed.
        if (field === 'departmentId') expect(res.text).to.contain('value="jan.nowak@example.test"');
        else expect(res.text).to.contain('id="szukaj"');
      }
      expect(await documentCounts()).to.deep.equal(before);
    });

    it('login and password reset', async () => {
      const agent = request.agent(server.url);
      const loginCsrf = await freshCsrf(agent, '/logowanie');
      const login = await agent.post('/logowanie').type('form').send({ _csrf: loginCsrf, email: SCRIPT, password: '' }).expect(400);
      expect(login.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(login.text).to.contain('aria-invalid="true"');
      const resetCsrf = await freshCsrf(agent, '/haslo/reset');
      const reset = await agent
        .post('/haslo/reset')
        .type('form')
        .send({ _csrf: resetCsrf, email: `${'a'.repeat(300)}@x` })
        .expect(400);
      expect(reset.text).to.contain('a'.repeat(300));
      expect(reset.text).to.contain('aria-invalid="true"');
    });

    it('revoking and correcting a certificate', async () => {
      const revoke = await member.post(`/zaswiadczenia/${certificateId}/uniewaznij`).type('form').send({ _csrf: memberCsrf, reason: '<b>' }).expect(400);
      expect(revoke.text).to.contain('&lt;b&gt;</textarea>');
      expect(revoke.text).to.contain('aria-invalid="true"');
      const correct = await member.post(`/zaswiadczenia/${certificateId}/popraw-dane`).type('form').send({ _csrf: memberCsrf, fullName: SCRIPT }).expect(400);
      expect(correct.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(correct.text).to.contain('aria-invalid="true"');
    });

    it('creating an LRS client', async () => {
      const res = await member
        .post('/admin/lrs-klienci')
        .type('form')
        .send({ _csrf: memberCsrf, name: `${SCRIPT}${'n'.repeat(120)}`, access: 'root' })
        .expect(400);
      expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.text).to.contain('aria-invalid="true"');
    });

    it('a broken upload on the verification page (no boundary, truncated body)', async () => {
      for (const type of ['multipart/form-data', 'multipart/form-data; boundary=x']) {
        const res = await request(server.url)
          .post('/weryfikacja/odznaka')
          .set('Content-Type', type)
          .send('--x\r\nContent-Disposition: form-data; name="odznaka"; filename="a.json"\r\n\r\n{')
          .expect(400);
        expect(res.text).to.contain('Wybierz plik do sprawdzenia.');
        expect(res.text).to.contain('aria-invalid="true"');
      }
    });

    it('the certificate lookup', async () => {
      const res = await request(server.url)
        .get(`/weryfikacja?code=${encodeURIComponent(SCRIPT)}`)
        .expect(400);
      expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.text).to.contain('aria-invalid="true"');
    });
  });
});
