// The learner's dashboard (/pulpit) and their due dates as iCalendar (/pulpit/terminy.ics), through HTTP on the real database.
import { expect } from 'chai';
import nodeIcal from 'node-ical';
import request from 'supertest';
import { toSessionUser } from '../../src/auth/session-user.js';
import { addDays, endOfWarsawDay, warsawIsoDay } from '../../src/calendar/calendar.js';
import { MovableClock } from '../../src/calendar/clock.js';
import { revokeCertificate } from '../../src/certificates/certificate-admin.service.js';
import { issueCertificate } from '../../src/certificates/certificate-issue.service.js';
import { assignCourse, enrolLearner } from '../../src/learning/enrolment.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Person = Awaited<ReturnType<typeof buildLearner>>;
type Agent = Awaited<ReturnType<typeof loginAgent>>;

const RODO = 'rodo-w-urzedzie';

/** The catalogue card of one course (from its link to the next card). */
function catalogueCard(html: string, courseId: string): string {
  const from = html.indexOf(`href="/szkolenia/${courseId}"`);
  expect(from, `the catalogue lists ${courseId}`).to.be.greaterThan(-1);
  const next = html.indexOf('href="/szkolenia/', from + 1);
  return html.slice(from, next === -1 ? undefined : next);
}
const PZP = 'zamowienia-publiczne-w-jst';
const DIALOG = 'dialog-techniczny';

/** The VEVENTs of an iCalendar text, parsed back by node-ical. */
function eventsOf(text: string) {
  return Object.values(nodeIcal.sync.parseICS(text)).filter((component): component is nodeIcal.VEvent => component?.type === 'VEVENT');
}

/** The calendar day of a date-only value as node-ical gives it (local midnight of that day), YYYY-MM-DD. */
function dayOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** One section of the dashboard: from its heading's id to the end of the section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, `section ${id}`).to.be.greaterThan(-1);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

async function download(agent: Agent) {
  const res = await agent
    .get('/pulpit/terminy.ics')
    .buffer(true)
    .parse((response, done) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => done(null, text));
    })
    .expect(200);
  return { res, text: res.body as string };
}

describe('learning/dashboard.routes (/pulpit)', () => {
  useTestDatabase(import.meta.url);
  const clock = new MovableClock();
  let server: TestServer;
  let start: Date;
  let anna: Person;
  let annaAgent: Agent;
  let hr: Person;
  const due = { rodo: '', pzp: '' };
  const enrolmentIds = { rodo: '', pzp: '', dialog: '' };

  async function assign(person: Person, courseId: string, dueDay: string) {
    return assignCourse(server.platform, {
      learner: toSessionUser(person.user),
      course: server.platform.catalogue.require(courseId),
      dueDate: endOfWarsawDay(dueDay),
      assignedBy: hr.user._id.toHexString(),
    });
  }

  before(async () => {
    server = await startTestServer({}, { clock });
    start = clock.now();
    const organisation = await buildOrganisation();
    anna = await buildLearner({ organisation, overrides: { fullName: 'Anna Pulpitowa' } });
    hr = await buildLearner({ organisation, overrides: { roles: ['hr', 'learner'] } });
    // Assigned later first: the dashboard sorts by due date, not by when HR assigned.
    due.pzp = warsawIsoDay(addDays(start, 20));
    due.rodo = warsawIsoDay(addDays(start, 5));
    enrolmentIds.pzp = (await assign(anna, PZP, due.pzp))._id.toHexString();
    enrolmentIds.rodo = (await assign(anna, RODO, due.rodo))._id.toHexString();
    const dialog = await enrolLearner(server.platform, { learner: toSessionUser(anna.user), course: server.platform.catalogue.require(DIALOG) });
    enrolmentIds.dialog = dialog.enrolment._id.toHexString();
    annaAgent = await loginAgent(server.url, anna.user.email, anna.password);
  });
  after(async () => server.close());

  it('lands on the dashboard after signing in, and the header links to it', async () => {
    const agent = request.agent(server.url);
    const form = await agent.get('/logowanie').expect(200);
    const res = await agent
      .post('/logowanie')
      .type('form')
      .send({ email: anna.user.email, password: anna.password, _csrf: csrfTokenFrom(form.text) })
      .expect(302);
    expect(res.headers.location).to.equal('/pulpit');
    const page = await agent.get('/pulpit').expect(200);
    expect(page.text).to.contain('<h1>Mój pulpit</h1>');
    expect(page.text).to.match(/<a href="\/pulpit" aria-current="page">Mój pulpit<\/a>/);
    // Signed in already, the login page sends there too.
    expect((await agent.get('/logowanie').expect(302)).headers.location).to.equal('/pulpit');
  });

  it('sends people who are not signed in to the login page, the calendar included', async () => {
    expect((await request(server.url).get('/pulpit').expect(302)).headers.location).to.equal('/logowanie?next=%2Fpulpit');
    const ics = await request(server.url).get('/pulpit/terminy.ics').expect(302);
    expect(ics.headers.location).to.match(/^\/logowanie/);
    expect(ics.text).to.not.contain('VEVENT');
  });

  it('shows an empty state with a link to the catalogue for a learner with no courses, and an empty calendar', async () => {
    const newcomer = await buildLearner();
    const agent = await loginAgent(server.url, newcomer.user.email, newcomer.password);
    const page = await agent.get('/pulpit').expect(200);
    expect(page.text).to.contain('Nie masz jeszcze żadnych szkoleń.');
    expect(page.text).to.contain('<a class="button" href="/szkolenia">Przejdź do katalogu szkoleń</a>');
    expect(page.text).to.contain('Nie masz jeszcze zaświadczeń.');
    const { text } = await download(agent);
    expect(text).to.contain('BEGIN:VCALENDAR');
    expect(eventsOf(text)).to.have.length(0);
  });

  it('orders assigned courses by due date with their status words, then the other courses', async () => {
    const page = await annaAgent.get('/pulpit').expect(200);
    const assigned = section(page.text, 'dashboard-assigned');
    const rodoAt = assigned.indexOf(`data-enrolment="${enrolmentIds.rodo}"`);
    const pzpAt = assigned.indexOf(`data-enrolment="${enrolmentIds.pzp}"`);
    expect(rodoAt, 'RODO (due first) is listed').to.be.greaterThan(-1);
    expect(pzpAt, 'PZP is listed after RODO').to.be.greaterThan(rodoAt);
    expect(assigned).to.not.contain(`data-enrolment="${enrolmentIds.dialog}"`);
    const [rodoDay, pzpDay] = [due.rodo, due.pzp].map((day) => day.split('-').reverse().join('.'));
    expect(assigned.slice(rodoAt, pzpAt)).to.contain(rodoDay);
    expect(assigned.slice(pzpAt)).to.contain(pzpDay);
    expect(assigned.match(/status--not_started">nie rozpoczęto</g)).to.have.length(2);
    expect(section(page.text, 'dashboard-others')).to.contain(`data-enrolment="${enrolmentIds.dialog}"`);
    // The English page uses the same vocabulary's English words.
    const english = await annaAgent.get('/pulpit?lang=en').expect(200);
    expect(english.text).to.contain('<h1>My dashboard</h1>');
    expect(english.text).to.contain('Courses assigned by HR');
    await annaAgent.get('/pulpit?lang=pl').expect(200);
  });

  it('links "Kontynuuj" to the lesson where the learner left off, and shows the course as "w trakcie"', async () => {
    const course = server.platform.catalogue.require(RODO);
    const [first, second] = course.lessons;
    await annaAgent.get(`/szkolenia/${RODO}/lekcje/${first.id}`).expect(200);
    await annaAgent.get(`/szkolenia/${RODO}/lekcje/${second.id}`).expect(200);
    const page = await annaAgent.get('/pulpit').expect(200);
    const assigned = section(page.text, 'dashboard-assigned');
    const card = assigned.slice(assigned.indexOf(`data-enrolment="${enrolmentIds.rodo}"`), assigned.indexOf(`data-enrolment="${enrolmentIds.pzp}"`));
    expect(card).to.contain('status--in_progress">w trakcie<');
    expect(card).to.match(new RegExp(`<a class="button" href="/szkolenia/${RODO}/lekcje/${second.id}" aria-label="Kontynuuj szkolenie: RODO w urzędzie">Kontynuuj</a>`));
    // A course not opened yet offers its start, not "Kontynuuj".
    const pzpCard = assigned.slice(assigned.indexOf(`data-enrolment="${enrolmentIds.pzp}"`));
    expect(pzpCard).to.not.contain('>Kontynuuj<');
    expect(pzpCard).to.contain('>Rozpocznij<');
  });

  it('downloads the due dates as iCalendar: one all-day event per unfinished assigned course on its Warsaw due day, stable UIDs', async () => {
    const first = await download(annaAgent);
    expect(first.res.headers['content-type']).to.equal('text/calendar; charset=utf-8');
    expect(first.res.headers['content-disposition']).to.equal('attachment; filename="terminy-szkolen.ics"');
    const events = eventsOf(first.text).sort((a, b) => a.start.getTime() - b.start.getTime());
    expect(events.map((event) => event.summary)).to.deep.equal(['Termin szkolenia: RODO w urzędzie', 'Termin szkolenia: Zamówienia publiczne w JST']);
    expect(events.map((event) => dayOf(event.start))).to.deep.equal([due.rodo, due.pzp]);
    for (const event of events) {
      expect(event.datetype).to.equal('date');
      expect((event.start as Date & { dateOnly?: boolean }).dateOnly).to.equal(true);
      expect(dayOf(event.end!)).to.equal(warsawIsoDay(addDays(endOfWarsawDay(dayOf(event.start)), 1)));
      const alarms = (event as unknown as { alarms: Array<{ action: string; trigger: string }> }).alarms;
      expect(alarms.map((alarm) => [alarm.action, alarm.trigger])).to.deep.equal([['DISPLAY', '-P1D']]);
    }
    const url = (event: nodeIcal.VEvent) => (typeof event.url === 'string' ? event.url : (event.url as unknown as { val: string }).val);
    expect(events.map(url)).to.deep.equal([`${server.config.BASE_URL}/szkolenia/${RODO}`, `${server.config.BASE_URL}/szkolenia/${PZP}`]);
    // The course without a due date has no event.
    expect(first.text).to.not.contain(enrolmentIds.dialog);

    clock.advance({ days: 1 });
    const second = await download(annaAgent);
    const uids = (text: string) =>
      eventsOf(text)
        .map((event) => event.uid)
        .sort();
    expect(uids(second.text)).to.deep.equal(uids(first.text));
    expect(uids(first.text)).to.deep.equal([enrolmentIds.rodo, enrolmentIds.pzp].map((id) => `termin-${id}@${new URL(server.config.BASE_URL).hostname}`).sort());
    clock.set(start);
  });

  it('never shows another learner their colleague’s courses, certificates or due dates', async () => {
    const other = await buildLearner({ organisation: { _id: anna.user.organisationId } });
    const otherEnrolment = (await assign(other, DIALOG, warsawIsoDay(addDays(start, 3))))._id.toHexString();
    const agent = await loginAgent(server.url, other.user.email, other.password);
    const page = await agent.get('/pulpit').expect(200);
    expect(page.text).to.contain(`data-enrolment="${otherEnrolment}"`);
    for (const id of Object.values(enrolmentIds)) expect(page.text).to.not.contain(id);
    const { text } = await download(agent);
    expect(eventsOf(text).map((event) => event.uid)).to.deep.equal([`termin-${otherEnrolment}@${new URL(server.config.BASE_URL).hostname}`]);
    // And Anna does not see theirs.
    expect((await annaAgent.get('/pulpit').expect(200)).text).to.not.contain(otherEnrolment);
    expect((await download(annaAgent)).text).to.not.contain(otherEnrolment);
  });

  it('shows "po terminie" once a due date has passed, and keeps its event in the calendar', async () => {
    try {
      clock.set(endOfWarsawDay(warsawIsoDay(addDays(start, 6))));
      const page = await annaAgent.get('/pulpit').expect(200);
      const assigned = section(page.text, 'dashboard-assigned');
      const rodoCard = assigned.slice(assigned.indexOf(`data-enrolment="${enrolmentIds.rodo}"`), assigned.indexOf(`data-enrolment="${enrolmentIds.pzp}"`));
      expect(rodoCard).to.contain('status--overdue">po terminie<');
      // Overdue and started: still "Kontynuuj".
      expect(rodoCard).to.contain('>Kontynuuj<');
      expect(assigned.slice(assigned.indexOf(`data-enrolment="${enrolmentIds.pzp}"`))).to.contain('status--not_started">nie rozpoczęto<');
      const events = eventsOf((await download(annaAgent)).text);
      expect(events.map((event) => dayOf(event.start)).sort()).to.deep.equal([due.rodo, due.pzp]);
    } finally {
      clock.set(start);
    }
  });

  it('shows a completion as "ukończono" (no event), and as "unieważniono" once its certificate is revoked (the event back)', async () => {
    const beata = await buildLearner({ organisation: { _id: anna.user.organisationId }, overrides: { fullName: 'Beata Unieważniona' } });
    const dueDay = warsawIsoDay(addDays(start, 10));
    const enrolment = await assign(beata, RODO, dueDay);
    const issued = await issueCertificate(server.platform, {
      userId: beata.user._id.toHexString(),
      organisationId: beata.user.organisationId.toHexString(),
      courseId: RODO,
      enrolmentId: enrolment._id.toHexString(),
      registration: enrolment.registration,
      scorePercent: 90,
      completedAt: clock.now(),
    });
    const agent = await loginAgent(server.url, beata.user.email, beata.password);
    const before = await agent.get('/pulpit').expect(200);
    expect(section(before.text, 'dashboard-assigned')).to.contain('status--completed">ukończono<');
    const certificates = section(before.text, 'dashboard-certificates');
    expect(certificates).to.contain(issued.code);
    expect(certificates).to.contain(`href="/moje-zaswiadczenia/${issued.id}/pdf"`);
    expect(certificates).to.contain(`href="/weryfikacja/${issued.code}"`);
    expect(eventsOf((await download(agent)).text)).to.have.length(0);
    expect(catalogueCard((await agent.get('/szkolenia').expect(200)).text, RODO)).to.contain('ukończono</span>');

    await revokeCertificate(server.platform, { actor: toSessionUser(hr.user), certificateId: issued.id, reason: 'Omyłkowo wystawione' });
    const after = await agent.get('/pulpit').expect(200);
    expect(section(after.text, 'dashboard-assigned')).to.contain('status--revoked">unieważniono<');
    const revoked = section(after.text, 'dashboard-certificates');
    expect(revoked).to.contain(issued.code);
    expect(revoked).to.contain('status--revoked">unieważniono<');
    expect(revoked).to.not.contain(`/moje-zaswiadczenia/${issued.id}/pdf`);
    // The catalogue says the same: a revoked certificate is no completion.
    const card = catalogueCard((await agent.get('/szkolenia').expect(200)).text, RODO);
    expect(card).to.contain('unieważniono</span>');
    expect(card).to.not.contain('ukończono');
    const events = eventsOf((await download(agent)).text);
    expect(events.map((event) => [event.uid, dayOf(event.start)])).to.deep.equal([[`termin-${enrolment._id.toHexString()}@${new URL(server.config.BASE_URL).hostname}`, dueDay]]);
  });
});
