// Authorisation and tenant isolation across the whole app: two offices, each with a learner, HR and an admin.
import { expect } from 'chai';
import { enrolAndCompleteSteps } from '../helpers/completion.js';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import request from 'supertest';
import { User, type UserDoc } from '../../src/auth/user.model.js';
import { createApp } from '../../src/app.js';
import { Certificate, type CertificateDoc } from '../../src/certificates/certificate.model.js';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { QuizAttemptGrant } from '../../src/learning/quiz-attempt-grant.model.js';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { Organisation } from '../../src/organisations/organisation.model.js';
import { PeopleImport } from '../../src/people/people-import.model.js';
import { LrsClient } from '../../src/xapi/lrs-client.model.js';
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';
import { statementsOf } from '../../src/xapi/statement.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { routeTable, type RouteEntry } from '../helpers/route-table.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PUBLIC_PAGES } from '../../src/privacy/public-pages.presenter.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;
const COURSE = '/szkolenia/przyklad-kurs';
const LESSON = `${COURSE}/lekcje/wprowadzenie`;
const VERB = 'http://adlnet.gov/expapi/verbs/';

interface Office {
  id: string;
  learner: Agent;
  otherLearner: Agent;
  hr: Agent;
  admin: Agent;
  learnerId: string;
  certificateId: string;
  certificateCode: string;
  lrs: { key: string; secret: string; id: string };
}

/** A CSRF token of the agent's session (any page with a form has one: the header's logout form). */
async function tokenOf(agent: Agent): Promise<string> {
  return csrfTokenFrom((await agent.get('/moje-szkolenia').expect(200)).text);
}

function basic(client: { key: string; secret: string }): string {
  return `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`;
}

/** Turns a route pattern into a concrete path with harmless, well-formed values. */
function concrete(path: string): string {
  return path
    .replace(':courseId', 'przyklad-kurs')
    .replace(':lessonId', 'wprowadzenie')
    .replace(':checkId', 'check-zasady-1')
    .replace(/:(attemptId|id|userId|importId)/g, new Types.ObjectId().toHexString())
    .replace(':code', 'AJST-2026-ABCD-EFGH')
    .replace(':token', 'x'.repeat(43))
    .replace('*file', 'schemat-procesu.png');
}

describe('authorisation and tenant isolation', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let routes: RouteEntry[];
  const offices: Record<'a' | 'b', Office> = {} as Record<'a' | 'b', Office>;
  let attemptOfA: string;
  let enrolmentOfB: EnrolmentDoc;

  async function buildOffice(learnerName: string): Promise<Office> {
    const organisation = await buildOrganisation();
    const learner = await buildLearner({ organisation, overrides: { fullName: learnerName } });
    const otherLearner = await buildLearner({ organisation });
    const hr = await buildLearner({ organisation, overrides: { roles: ['hr', 'learner'] } });
    const admin = await buildLearner({ organisation, overrides: { roles: ['admin', 'learner'] } });
    const certificate = await buildCertificate(server.platform, learner.user);
    return {
      id: organisation._id.toHexString(),
      learner: await loginAgent(server.url, learner.user.email, learner.password),
      otherLearner: await loginAgent(server.url, otherLearner.user.email, otherLearner.password),
      hr: await loginAgent(server.url, hr.user.email, hr.password),
      admin: await loginAgent(server.url, admin.user.email, admin.password),
      learnerId: learner.user._id.toHexString(),
      certificateId: certificate.id,
      certificateCode: certificate.code,
      lrs: await createLrsClient({ organisationId: organisation._id.toHexString(), name: 'LMS' }),
    };
  }

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    routes = routeTable(await createApp(server.platform));
    offices.a = await buildOffice('Anna Alfa');
    offices.b = await buildOffice('Bogdan Beta');
    // Learner A enrols and opens a quiz attempt; learner B enrols and reads the first lesson.
    const course = server.platform.catalogue.require('przyklad-kurs');
    for (const office of [offices.a, offices.b]) await enrolAndCompleteSteps(office.learner, course);
    const overview = await offices.a.learner.get(`${COURSE}/test`).expect(200);
    const started = await offices.a.learner
      .post(`${COURSE}/test`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(overview.text) })
      .expect(303);
    attemptOfA = started.headers.location;
    await offices.b.learner.get(LESSON).expect(200);
    enrolmentOfB = (await Enrolment.findOne({ organisationId: offices.b.id, userId: offices.b.learnerId }).lean<EnrolmentDoc>())!;
    expect(enrolmentOfB, 'learner B enrolment').to.not.equal(null);
  });
  after(async () => server.close());

  describe('anonymous visitors', () => {
    const PUBLIC = [
      /^\/$/,
      /^\/healthz$/,
      /^\/favicon\.ico$/,
      /^\/xapi\//,
      // The cmi5 fetch URL: its one-time secret is the credential (the AU has no session; cmi5.test.ts).
      /^\/cmi5\/fetch\//,
      /^\/kursy-media\//,
      /^\/\.well-known\//,
      /^\/(weryfikacja|verify)/,
      /^\/rejestracja$/,
      /^\/potwierdz-email/,
      /^\/logowanie$/,
      // Signing in through an office's directory (src/sso): public forms, as the password login is.
      /^\/logowanie\/(ldap|oidc|saml)\//,
      // A SAML method's SP metadata, which the office's IdP administrator imports (src/sso/saml).
      /^\/saml\/:methodId\/metadata$/,
      /^\/haslo\/reset/,
      /^\/zaproszenie\//,
      // The page after a form that sent a link (registration, resend, reset).
      /^\/sprawdz-poczte$/,
      /^\/deklaracja-dostepnosci$/,
      // The catalogue and a course page show visitors the public courses (learning-visitors.test.ts); the lessons,
      // the quiz and enrolling still need a sign-in, and stay on the private lists below.
      /^\/szkolenia$/,
      /^\/szkolenia\/:courseId$/,
      // The privacy notice, terms, contact and cookie pages the law asks to be public.
      ...PUBLIC_PAGES.map((page) => new RegExp(`^${page.path}$`)),
    ];

    it('are sent to the login page, with the page to return to, from every private page', async () => {
      const privatePages = routes.filter((route) => route.method === 'GET' && !PUBLIC.some((pattern) => pattern.test(route.path)));
      expect(privatePages.length, 'private pages found in the router').to.be.at.least(14);
      for (const route of privatePages) {
        const path = concrete(route.path);
        const res = await request(server.url).get(path);
        expect(res.status, `GET ${path}`).to.equal(302);
        expect(res.headers.location, `GET ${path}`).to.equal(`/logowanie?next=${encodeURIComponent(path)}`);
      }
    });

    it('see the public catalogue and course page, with no way into a lesson, the quiz or an enrolment', async () => {
      const catalogue = await request(server.url).get('/szkolenia').expect(200);
      expect(catalogue.text).to.contain(`href="${COURSE}"`);
      const course = await request(server.url).get(COURSE).expect(200);
      expect(course.text).to.contain('Zaloguj się, aby się zapisać');
      for (const href of [`href="${LESSON}"`, `href="${COURSE}/test"`, `action="${COURSE}/zapis"`]) expect(course.text, href).to.not.contain(href);
      // Nobody's progress leaks into it: learners of both offices are enrolled on this course.
      for (const name of ['Anna Alfa', 'Bogdan Beta']) expect(course.text + catalogue.text, name).to.not.contain(name);
    });

    it('cannot post to any private form, even with a valid CSRF token of an anonymous session', async () => {
      const visitor = request.agent(server.url);
      const csrf = csrfTokenFrom((await visitor.get('/logowanie').expect(200)).text);
      const privateForms = routes.filter((route) => route.method === 'POST' && !PUBLIC.some((pattern) => pattern.test(route.path)) && route.path !== '/wyloguj');
      expect(privateForms.length).to.be.at.least(8);
      const before = await Promise.all([
        Enrolment.countDocuments({}).setOptions({ acrossOrganisations: true }),
        QuizAttempt.countDocuments({}).setOptions({ acrossOrganisations: true }),
        LrsClient.countDocuments({}).setOptions({ acrossOrganisations: true }),
      ]);
      for (const route of privateForms) {
        const path = concrete(route.path);
        const res = await visitor.post(path).type('form').send({ _csrf: csrf, name: 'Włamanie', access: 'read-write', reason: 'Bez powodu, ot tak', fullName: 'Jan Obcy' });
        expect(res.status, `POST ${path}`).to.equal(401);
        expect(res.text, `POST ${path}`).to.contain('Zaloguj się');
      }
      const after = await Promise.all([
        Enrolment.countDocuments({}).setOptions({ acrossOrganisations: true }),
        QuizAttempt.countDocuments({}).setOptions({ acrossOrganisations: true }),
        LrsClient.countDocuments({}).setOptions({ acrossOrganisations: true }),
      ]);
      expect(after).to.deep.equal(before);
    });
  });

  describe('learners', () => {
    it("cannot open, submit or see the result of another learner's quiz attempt (same office: 403, other office: 404)", async () => {
      const attemptId = attemptOfA.split('/').pop()!;
      const before = await QuizAttempt.findById(attemptId).lean();
      for (const [agent, status] of [
        [offices.a.otherLearner, 403],
        [offices.b.learner, 404],
        [offices.a.hr, 403],
        [offices.b.admin, 404],
      ] as const) {
        await agent.get(attemptOfA).expect(status);
        await agent.get(`${attemptOfA}/wynik`).expect(status);
        await agent.get(`${attemptOfA}/podsumowanie`).expect(status);
        const csrf = await tokenOf(agent);
        await agent.post(attemptOfA).type('form').send({ _csrf: csrf, q0: '0', q1: '0' }).expect(status);
        await agent.post(`${attemptOfA}/podsumowanie`).type('form').send({ _csrf: csrf }).expect(status);
      }
      const after = await QuizAttempt.findById(attemptId).lean();
      expect(after?.submittedAt).to.equal(undefined);
      expect(after).to.deep.equal(before);
      // The owner still reaches it.
      await offices.a.learner.get(attemptOfA).expect(200);
    });

    it("see only their own enrolments and progress, never another learner's", async () => {
      const mine = await offices.b.learner.get('/moje-szkolenia').expect(200);
      expect(mine.text).to.contain('Przykładowy kurs');
      for (const agent of [offices.a.otherLearner, offices.b.otherLearner]) {
        const res = await agent.get('/moje-szkolenia').expect(200);
        expect(res.text).to.not.contain('Przykładowy kurs');
        // The course page offers enrolment rather than someone else's progress.
        const course = await agent.get(COURSE).expect(200);
        expect(course.text).to.contain(`action="${COURSE}/zapis"`);
        // Lessons and the quiz of a course they are not enrolled on lead back to the course page.
        expect((await agent.get(LESSON).expect(303)).headers.location).to.equal(COURSE);
        expect((await agent.get(`${COURSE}/test`).expect(303)).headers.location).to.equal(COURSE);
      }
    });

    it("cannot download another learner's certificate PDF or badge", async () => {
      for (const office of [offices.a, offices.b]) {
        for (const suffix of ['pdf', 'odznaka.json', 'odznaka.jwt']) {
          await office.learner.get(`/moje-zaswiadczenia/${office.certificateId}/${suffix}`).expect(200);
        }
      }
      for (const [agent, id] of [
        [offices.a.otherLearner, offices.a.certificateId],
        [offices.a.learner, offices.b.certificateId],
        [offices.b.learner, offices.a.certificateId],
      ] as const) {
        for (const suffix of ['pdf', 'odznaka.json', 'odznaka.jwt']) {
          const res = await agent.get(`/moje-zaswiadczenia/${id}/${suffix}`);
          expect(res.status, suffix).to.equal(403);
          expect(res.headers['content-type']).to.not.match(/pdf|jwt/);
        }
        const list = await agent.get('/moje-zaswiadczenia').expect(200);
        expect(list.text).to.not.contain(id);
      }
    });

    it('cannot reach the HR certificate pages', async () => {
      const agent = offices.a.learner;
      await agent.get('/zaswiadczenia').expect(403);
      await agent.get(`/zaswiadczenia/${offices.a.certificateId}/pdf`).expect(403);
      await agent.get(`/zaswiadczenia/${offices.a.certificateId}/uniewaznij`).expect(403);
      const csrf = await tokenOf(agent);
      await agent.post(`/zaswiadczenia/${offices.a.certificateId}/uniewaznij`).type('form').send({ _csrf: csrf, reason: 'Chcę unieważnić swoje' }).expect(403);
      expect((await Certificate.findById(offices.a.certificateId).lean<CertificateDoc>())?.state).to.equal('issued');
    });
  });

  describe('HR and admins', () => {
    for (const role of ['hr', 'admin'] as const) {
      it(`${role} of office A lists only office A's certificates`, async () => {
        const res = await offices.a[role].get('/zaswiadczenia').expect(200);
        expect(res.text).to.contain(offices.a.certificateCode);
        expect(res.text).to.not.contain(offices.b.certificateCode);
      });

      it(`${role} of office A cannot download, revoke or correct office B's certificates`, async () => {
        const agent = offices.a[role];
        const id = offices.b.certificateId;
        const before = await Certificate.findById(id).lean<CertificateDoc>();
        const nameBefore = (await User.findOne({ _id: offices.b.learnerId, organisationId: offices.b.id }).lean())?.fullName;
        await agent.get(`/zaswiadczenia/${id}/pdf`).expect(403);
        await agent.get(`/zaswiadczenia/${id}/uniewaznij`).expect(403);
        await agent.get(`/zaswiadczenia/${id}/popraw-dane`).expect(403);
        const csrf = await tokenOf(agent);
        await agent.post(`/zaswiadczenia/${id}/uniewaznij`).type('form').send({ _csrf: csrf, reason: 'Obca organizacja próbuje' }).expect(403);
        await agent.post(`/zaswiadczenia/${id}/popraw-dane`).type('form').send({ _csrf: csrf, fullName: 'Jan Podmieniony' }).expect(403);
        const after = await Certificate.findById(id).lean<CertificateDoc>();
        expect(after?.state).to.equal('issued');
        expect(after?.updatedAt?.getTime?.()).to.equal(before?.updatedAt?.getTime?.());
        expect((await User.findOne({ _id: offices.b.learnerId, organisationId: offices.b.id }).lean())?.fullName).to.equal(nameBefore);
        expect(await Certificate.countDocuments({ organisationId: offices.b.id })).to.equal(1);
      });
    }

    it("HR of office A sees, exports and assigns only office A's people", async () => {
      const agent = offices.a.hr;
      const matrix = await agent.get('/kadry').expect(200);
      expect(matrix.text).to.contain('Anna Alfa');
      expect(matrix.text).to.not.contain('Bogdan Beta');
      for (const file of ['/kadry/eksport.csv', '/kadry/eksport.xlsx']) {
        const res = await agent
          .get(file)
          .buffer(true)
          .parse((stream, done) => {
            const chunks: Buffer[] = [];
            stream.on('data', (chunk: Buffer) => chunks.push(chunk));
            stream.on('end', () => done(null, Buffer.concat(chunks)));
          });
        expect(res.status, file).to.equal(200);
        let text = (res.body as Buffer).toString('utf8');
        if (file.endsWith('.xlsx')) {
          // A zipped workbook: read its cells.
          const workbook = new ExcelJS.Workbook();
          const bytes = res.body as Buffer;
          await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          text = workbook.worksheets.flatMap((sheet) => sheet.getSheetValues().flat().map(String)).join('\n');
        }
        expect(text, file).to.contain('Anna Alfa');
        expect(text, file).to.not.contain('Bogdan Beta');
      }
      const departmentOfB = (await Organisation.findById(offices.b.id).lean())!.departments[0]._id.toHexString();
      await agent.get('/kadry').query({ departmentId: departmentOfB }).expect(400);
      const csrf = await tokenOf(agent);
      const enrolmentsBefore = await Enrolment.countDocuments({ organisationId: offices.b.id });
      const byUser = await agent.post('/kadry/przypisz').type('form').send({ _csrf: csrf, courseId: 'przyklad-kurs', userIds: offices.b.learnerId, dueDate: '2030-01-01' });
      expect(byUser.status).to.equal(400);
      const byDepartment = await agent.post('/kadry/przypisz').type('form').send({ _csrf: csrf, courseId: 'przyklad-kurs', departmentId: departmentOfB, dueDate: '2030-01-01' });
      expect(byDepartment.status).to.equal(400);
      expect(await Enrolment.countDocuments({ organisationId: offices.b.id })).to.equal(enrolmentsBefore);
      expect(await Enrolment.countDocuments({ userId: offices.b.learnerId }).setOptions({ acrossOrganisations: true })).to.equal(1);
    });

    it('learners cannot reach the HR reports', async () => {
      for (const path of ['/kadry', '/kadry/eksport.csv', '/kadry/eksport.xlsx', '/kadry/przypisz']) await offices.a.learner.get(path).expect(403);
      const csrf = await tokenOf(offices.a.learner);
      await offices.a.learner.post('/kadry/przypomnienia').type('form').send({ _csrf: csrf }).expect(403);
      await offices.a.learner
        .post('/kadry/przypisz')
        .type('form')
        .send({ _csrf: csrf, courseId: 'przyklad-kurs', userIds: offices.a.learnerId, dueDate: '2030-01-01' })
        .expect(403);
    });

    for (const role of ['hr', 'admin'] as const) {
      it(`${role} of office A gets 404 for office B's person record and cannot grant them quiz exceptions`, async () => {
        const agent = offices.a[role];
        await agent.get(`/kadry/osoby/${offices.b.learnerId}`).expect(404);
        const csrf = await tokenOf(agent);
        for (const kind of ['dodatkowa', 'bez-przerwy']) {
          await agent
            .post(`/kadry/osoby/${offices.b.learnerId}/proby/${kind}`)
            .type('form')
            .send({ _csrf: csrf, courseId: 'przyklad-kurs', reason: 'Obca organizacja próbuje' })
            .expect(404);
        }
        expect(await QuizAttemptGrant.countDocuments({ organisationId: offices.b.id })).to.equal(0);
        expect(await AuditEntry.countDocuments({ organisationId: offices.b.id })).to.equal(0);
        // Their own office's person is reachable (not a blanket refusal).
        await agent.get(`/kadry/osoby/${offices.a.learnerId}`).expect(200);
      });
    }

    it('learners cannot reach person records or grant quiz exceptions, not even to themselves', async () => {
      const agent = offices.a.learner;
      await agent.get(`/kadry/osoby/${offices.a.learnerId}`).expect(403);
      const csrf = await tokenOf(agent);
      for (const kind of ['dodatkowa', 'bez-przerwy']) {
        await agent
          .post(`/kadry/osoby/${offices.a.learnerId}/proby/${kind}`)
          .type('form')
          .send({ _csrf: csrf, courseId: 'przyklad-kurs', reason: 'Sam sobie przyznaję' })
          .expect(403);
      }
      expect(await QuizAttemptGrant.countDocuments({ organisationId: offices.a.id })).to.equal(0);
    });

    it("the audit trail is for office admins only, each reading their own office's", async () => {
      await server.platform.audit.record({
        organisationId: offices.a.id,
        actor: { id: offices.a.learnerId, fullName: 'Admin Alfa' },
        action: 'person.rolesChanged',
        subject: { kind: 'person', id: offices.a.learnerId, label: 'Wpis Tylko Alfa' },
      });
      for (const agent of [offices.a.learner, offices.a.hr]) await agent.get('/urzad/dziennik').expect(403);
      expect((await offices.a.admin.get('/urzad/dziennik').expect(200)).text).to.contain('Wpis Tylko Alfa');
      // The page takes no office from the request: a query naming office A changes nothing for office B's admin.
      const other = await offices.b.admin.get('/urzad/dziennik').query({ organisationId: offices.a.id }).expect(200);
      expect(other.text).to.not.contain('Wpis Tylko Alfa');
    });

    it('HR of office A can still manage office A (the checks above are not blanket refusals)', async () => {
      await offices.a.hr.get(`/zaswiadczenia/${offices.a.certificateId}/pdf`).expect(200);
      await offices.a.hr.get(`/zaswiadczenia/${offices.a.certificateId}/uniewaznij`).expect(200);
    });
  });

  describe('people (/kadry/osoby)', () => {
    const personRoutes = () => routes.filter((route) => route.path.startsWith('/kadry/osoby/:userId'));

    it("HR and admins of office A list only office A's people", async () => {
      for (const role of ['hr', 'admin'] as const) {
        const res = await offices.a[role].get('/kadry/osoby').expect(200);
        expect(res.text).to.contain('Anna Alfa').and.not.contain('Bogdan Beta');
        expect((await offices.a[role].get('/kadry/osoby').query({ q: 'Bogdan' }).expect(200)).text).to.not.contain('Bogdan Beta');
      }
    });

    it("HR and admins of office A get 403/404 on every person route with office B's people, and nothing changes", async () => {
      expect(personRoutes().length, 'person routes found in the router').to.be.at.least(6);
      const before = await User.findById(offices.b.learnerId).lean();
      for (const role of ['hr', 'admin'] as const) {
        const agent = offices.a[role];
        const csrf = await tokenOf(agent);
        for (const route of personRoutes()) {
          const path = route.path.replace(':userId', offices.b.learnerId);
          const res =
            route.method === 'GET'
              ? await agent.get(path)
              : await agent
                  .post(path)
                  .type('form')
                  .send({ _csrf: csrf, reason: 'Obca organizacja próbuje', roles: ['learner', 'admin'], departmentId: '', position: 'Przejęty' });
          expect([403, 404], `${role} ${route.method} ${path}`).to.include(res.status);
          expect(res.text).to.not.contain('Bogdan Beta');
        }
      }
      expect(await User.findById(offices.b.learnerId).lean()).to.deep.equal(before);
    });

    it('learners are refused (403) on every people route, and nothing changes', async () => {
      const peopleRoutes = routes.filter((route) => route.path.startsWith('/kadry/osoby'));
      expect(peopleRoutes.length).to.be.at.least(9);
      const agent = offices.a.learner;
      const csrf = await tokenOf(agent);
      const before = await User.findById(offices.a.learnerId).lean();
      for (const route of peopleRoutes) {
        const path = concrete(route.path).replace(/\/kadry\/osoby\/[0-9a-f]{24}/, `/kadry/osoby/${offices.a.learnerId}`);
        const res =
          route.method === 'GET'
            ? await agent.get(path)
            : await agent
                .post(path)
                .type('form')
                .send({ _csrf: csrf, reason: 'Sam sobie', roles: ['admin'], fullName: 'Jan Obcy', email: 'obcy@example.test' });
        expect(res.status, `${route.method} ${path}`).to.equal(403);
      }
      const upload = await agent
        .post('/kadry/osoby/import')
        .field('_csrf', csrf)
        .attach('plik', Buffer.from('name,email\nJan Obcy,obcy@example.test\n'), { filename: 'osoby.csv' });
      expect(upload.status).to.equal(403);
      expect(await User.countDocuments({ email: 'obcy@example.test' }).setOptions({ acrossOrganisations: true })).to.equal(0);
      expect(await User.findById(offices.a.learnerId).lean()).to.deep.equal(before);
    });

    it("office A's HR cannot import into office B: B's people are another office's, B's dry runs are not found", async () => {
      const hrA = offices.a.hr;
      const learnerB = (await User.findById(offices.b.learnerId).lean())!;
      const page = await hrA.get('/kadry/osoby/import').expect(200);
      const uploaded = await hrA
        .post('/kadry/osoby/import')
        .field('_csrf', csrfTokenFrom(page.text))
        .attach('plik', Buffer.from(`imię i nazwisko;e-mail;dział\n${learnerB.fullName};${learnerB.email};Referat Organizacyjny\n`), { filename: 'osoby.csv' })
        .expect(303);
      const review = await hrA.get(uploaded.headers.location).expect(200);
      expect(review.text).to.contain('adres e-mail należy do osoby z innego urzędu');
      // B's HR can neither see nor run A's dry run (nor the other way round).
      await offices.b.hr.get(uploaded.headers.location).expect(404);
      const csrfB = await tokenOf(offices.b.hr);
      await offices.b.hr.post(uploaded.headers.location).type('form').send({ _csrf: csrfB }).expect(404);
      await hrA
        .post(uploaded.headers.location)
        .type('form')
        .send({ _csrf: csrfTokenFrom(review.text) })
        .expect(303);
      expect(String((await User.findById(offices.b.learnerId).lean<UserDoc>())?.organisationId)).to.equal(offices.b.id);
      expect(await PeopleImport.countDocuments({ organisationId: offices.b.id })).to.equal(0);
    });
  });

  describe('/admin/*', () => {
    it('is refused (403) to learners and HR on every admin route', async () => {
      const adminRoutes = routes.filter((route) => route.path.startsWith('/admin'));
      expect(adminRoutes.length, 'admin routes found in the router').to.be.at.least(3);
      const clientsBefore = await LrsClient.countDocuments({ organisationId: offices.a.id });
      for (const agent of [offices.a.learner, offices.a.hr]) {
        const csrf = await tokenOf(agent);
        for (const route of adminRoutes) {
          const path = route.path.replace(':id', offices.a.lrs.id);
          const res = route.method === 'GET' ? await agent.get(path) : await agent.post(path).type('form').send({ _csrf: csrf, name: 'Włamanie', access: 'read-write' });
          expect(res.status, `${route.method} ${path}`).to.equal(403);
          expect(res.text).to.not.contain(offices.a.lrs.key);
        }
      }
      expect(await LrsClient.countDocuments({ organisationId: offices.a.id })).to.equal(clientsBefore);
    });

    it("an admin of office A sees and deletes only office A's LRS clients", async () => {
      const page = await offices.a.admin.get('/admin/lrs-klienci').expect(200);
      expect(page.text).to.contain(offices.a.lrs.key);
      expect(page.text).to.not.contain(offices.b.lrs.key);
      // Nor its confirmation page, which would name the client and its key.
      const confirm = await offices.a.admin.get(`/admin/lrs-klienci/${offices.b.lrs.id}/usun`).expect(404);
      expect(confirm.text).to.not.contain(offices.b.lrs.key);
      await offices.a.admin
        .post(`/admin/lrs-klienci/${offices.b.lrs.id}/usun`)
        .type('form')
        .send({ _csrf: csrfTokenFrom(page.text) })
        .expect(404);
      expect(await LrsClient.countDocuments({ _id: offices.b.lrs.id })).to.equal(1);
    });
  });

  describe('/operator/*, /urzad/*, /zwiazek (administration)', () => {
    it('operator routes are refused (403) to learners, HR and office admins, and create nothing', async () => {
      const operatorRoutes = routes.filter((route) => route.path.startsWith('/operator'));
      expect(operatorRoutes.length, 'operator routes found in the router').to.be.at.least(5);
      const organisationsBefore = await Organisation.countDocuments({});
      const usersBefore = await User.countDocuments({}).setOptions({ acrossOrganisations: true });
      for (const agent of [offices.a.learner, offices.a.hr, offices.a.admin]) {
        const csrf = await tokenOf(agent);
        for (const route of operatorRoutes) {
          const path = route.path.replace(':id', offices.b.id);
          const res =
            route.method === 'GET'
              ? await agent.get(path)
              : await agent
                  .post(path)
                  .type('form')
                  .send({ _csrf: csrf, name: 'Włamanie', officeType: 'gmina', teryt: '1234567', fullName: 'Jan Obcy', email: 'obcy@example.test' });
          expect(res.status, `${route.method} ${path}`).to.equal(403);
        }
      }
      expect(await Organisation.countDocuments({})).to.equal(organisationsBefore);
      expect(await User.countDocuments({}).setOptions({ acrossOrganisations: true })).to.equal(usersBefore);
    });

    it("office routes are refused (403) to learners and HR; office A's admin gets 404 for office B's departments", async () => {
      const officeRoutes = routes.filter((route) => route.path.startsWith('/urzad/'));
      expect(officeRoutes.length, 'office routes found in the router').to.be.at.least(8);
      const departmentOfB = (await Organisation.findById(offices.b.id).lean())!.departments[0]._id.toHexString();
      const otherOfB = (await Organisation.findById(offices.b.id).lean())!.departments[1]._id.toHexString();
      const before = await Organisation.findById(offices.b.id).lean();
      for (const agent of [offices.a.learner, offices.a.hr]) {
        const csrf = await tokenOf(agent);
        for (const route of officeRoutes) {
          const path = route.path.replace(':id', departmentOfB);
          const res = route.method === 'GET' ? await agent.get(path) : await agent.post(path).type('form').send({ _csrf: csrf, name: 'Włamanie', officialName: 'Włamanie' });
          // HR runs the directory sync too (src/sso/ldap): for another office's id that is a 404, nothing changed.
          const hrMay = agent === offices.a.hr && /\/synchronizacja$/.test(route.path);
          expect(res.status, `${route.method} ${path}`).to.equal(hrMay ? 404 : 403);
        }
      }
      const csrf = await tokenOf(offices.a.admin);
      for (const route of officeRoutes.filter((r) => r.path.includes(':id'))) {
        const path = route.path.replace(':id', departmentOfB);
        const res =
          route.method === 'GET' ? await offices.a.admin.get(path) : await offices.a.admin.post(path).type('form').send({ _csrf: csrf, name: 'Włamanie', intoId: otherOfB });
        expect(res.status, `${route.method} ${path}`).to.equal(404);
      }
      // The settings page is always the admin's own office: it never shows or changes office B.
      const settings = await offices.a.admin.get('/urzad/ustawienia').expect(200);
      expect(settings.text).to.not.contain(before!.name);
      expect(await Organisation.findById(offices.b.id).lean()).to.deep.equal(before);
    });

    it("the association overview is refused (403) to an office's learners, HR and admin", async () => {
      for (const agent of [offices.a.learner, offices.a.hr, offices.a.admin]) await agent.get('/zwiazek').expect(403);
    });
  });

  describe('CSRF on pages answered before the check', () => {
    it('the upload result page gives a signed-in person a working logout form; a forged logout is still refused', async () => {
      const person = await buildLearner();
      const agent = await loginAgent(server.url, person.user.email, person.password);
      // Without a token the logout is refused (the check is not weakened)…
      await agent.post('/wyloguj').type('form').send({}).expect(403);
      const pdf = await offices.a.learner
        .get(`/moje-zaswiadczenia/${offices.a.certificateId}/pdf`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      const result = await agent
        .post(`/weryfikacja/${offices.a.certificateCode}/plik`)
        .attach('plik', pdf.body as Buffer, { filename: 'z.pdf', contentType: 'application/pdf' })
        .expect(200);
      expect(result.text).to.contain('action="/wyloguj"');
      expect(result.text).to.contain('href="/moje-zaswiadczenia"');
      // …and the token on the result page works.
      const logout = await agent
        .post('/wyloguj')
        .type('form')
        .send({ _csrf: csrfTokenFrom(result.text) });
      expect(logout.status).to.equal(302);
      await agent.get('/moje-szkolenia').expect(302);
    });
  });

  describe('the LRS', () => {
    const xapi = (office: Office) => ({ Authorization: basic(office.lrs), 'X-Experience-API-Version': '1.0.3' });
    const actor = { objectType: 'Agent', account: { homePage: 'https://lms.example', name: 'anna' } };
    const activityId = 'https://lms.example/activities/tajne';
    let statementOfB: string;

    before(async () => {
      const res = await request(server.url)
        .post('/xapi/statements')
        .set(xapi(offices.b))
        .send({ actor, verb: { id: `${VERB}experienced` }, object: { id: activityId } })
        .expect(200);
      statementOfB = res.body[0];
      await request(server.url)
        .put('/xapi/activities/state')
        .query({ activityId, agent: JSON.stringify(actor), stateId: 'postep' })
        .set(xapi(offices.b))
        .set('Content-Type', 'application/json')
        .send({ tajne: 'B' })
        .expect(204);
      await request(server.url)
        .put('/xapi/agents/profile')
        .query({ agent: JSON.stringify(actor), profileId: 'profil' })
        .set(xapi(offices.b))
        .set('If-None-Match', '*')
        .set('Content-Type', 'application/json')
        .send({ tajne: 'B' })
        .expect(204);
      await request(server.url)
        .put('/xapi/activities/profile')
        .query({ activityId, profileId: 'profil' })
        .set(xapi(offices.b))
        .set('If-None-Match', '*')
        .set('Content-Type', 'application/json')
        .send({ tajne: 'B' })
        .expect(204);
    });

    it("a client of office A cannot read office B's statements", async () => {
      await request(server.url).get('/xapi/statements').query({ statementId: statementOfB }).set(xapi(offices.a)).expect(404);
      const all = await request(server.url).get('/xapi/statements').query({ limit: 500 }).set(xapi(offices.a)).expect(200);
      expect(all.text).to.not.contain(statementOfB);
      expect(all.text).to.not.contain(enrolmentOfB.registration);
      const byAgent = await request(server.url)
        .get('/xapi/statements')
        .query({ agent: JSON.stringify(actor) })
        .set(xapi(offices.a))
        .expect(200);
      expect(byAgent.body.statements).to.deep.equal([]);
      const byRegistration = await request(server.url).get('/xapi/statements').query({ registration: enrolmentOfB.registration }).set(xapi(offices.a)).expect(200);
      expect(byRegistration.body.statements).to.deep.equal([]);
      // …while office B's own client reads them.
      await request(server.url).get('/xapi/statements').query({ statementId: statementOfB }).set(xapi(offices.b)).expect(200);
    });

    it("a client of office A cannot read, list or delete office B's documents", async () => {
      const office = xapi(offices.a);
      await request(server.url)
        .get('/xapi/activities/state')
        .query({ activityId, agent: JSON.stringify(actor), stateId: 'postep' })
        .set(office)
        .expect(404);
      expect(
        (
          await request(server.url)
            .get('/xapi/activities/state')
            .query({ activityId, agent: JSON.stringify(actor) })
            .set(office)
            .expect(200)
        ).body,
      ).to.deep.equal([]);
      await request(server.url)
        .get('/xapi/agents/profile')
        .query({ agent: JSON.stringify(actor), profileId: 'profil' })
        .set(office)
        .expect(404);
      await request(server.url).get('/xapi/activities/profile').query({ activityId, profileId: 'profil' }).set(office).expect(404);
      const activity = await request(server.url).get('/xapi/activities').query({ activityId }).set(office).expect(200);
      expect(JSON.stringify(activity.body)).to.not.contain('definition');
      await request(server.url)
        .delete('/xapi/activities/state')
        .query({ activityId, agent: JSON.stringify(actor) })
        .set(office)
        .expect(204);
      await request(server.url)
        .delete('/xapi/agents/profile')
        .query({ agent: JSON.stringify(actor), profileId: 'profil' })
        .set(office)
        .expect(204);
      // Office B's documents survive office A's deletes.
      const state = await request(server.url)
        .get('/xapi/activities/state')
        .query({ activityId, agent: JSON.stringify(actor), stateId: 'postep' })
        .set(xapi(offices.b))
        .expect(200);
      expect(state.body).to.deep.equal({ tajne: 'B' });
      await request(server.url)
        .get('/xapi/agents/profile')
        .query({ agent: JSON.stringify(actor), profileId: 'profil' })
        .set(xapi(offices.b))
        .expect(200);
    });

    it("statements a client of office A sends with office B's registration do not change office B's progress", async () => {
      const before = await LearningProgress.findById(enrolmentOfB._id).lean();
      expect(before?.status).to.equal('in_progress');
      await request(server.url)
        .post('/xapi/statements')
        .set(xapi(offices.a))
        .send([
          { actor, verb: { id: `${VERB}passed` }, object: { id: activityId }, result: { score: { scaled: 1 } }, context: { registration: enrolmentOfB.registration } },
          { actor, verb: { id: `${VERB}completed` }, object: { id: activityId }, context: { registration: enrolmentOfB.registration } },
        ])
        .expect(200);
      const after = await LearningProgress.findById(enrolmentOfB._id).lean();
      expect(after?.status).to.equal('in_progress');
      expect(after?.attempts).to.equal(before?.attempts);
      expect(after?.passedAt).to.equal(undefined);
    });

    it("a client of office A voiding office B's statement changes neither that statement nor office B's progress", async () => {
      const logOfB = await statementsOf(offices.b.id);
      const experienced = await logOfB.findOne({ organisationId: offices.b.id, registration: enrolmentOfB.registration, verbId: `${VERB}experienced` }).lean();
      expect(experienced, "learner B's lesson statement").to.not.equal(null);
      const before = await LearningProgress.findById(enrolmentOfB._id).lean();
      expect(before?.lessonsViewed).to.include('wprowadzenie');
      await request(server.url)
        .post('/xapi/statements')
        .set(xapi(offices.a))
        .send({ actor, verb: { id: `${VERB}voided` }, object: { objectType: 'StatementRef', id: experienced!.statementId } })
        .expect(200);
      expect((await logOfB.findOne({ _id: experienced!._id }).lean())?.voided).to.equal(false);
      const after = await LearningProgress.findById(enrolmentOfB._id).lean();
      expect(after?.lessonsViewed).to.deep.equal(before?.lessonsViewed);
      expect(after?.status).to.equal(before?.status);
    });
  });
});
