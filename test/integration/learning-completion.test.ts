import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { Certificate } from '../../src/certificates/certificate.model.js';
import { CertificateFile } from '../../src/certificates/certificate-file.model.js';
import { issueCertificate } from '../../src/certificates/certificate-issue.service.js';
import { MovableClock } from '../../src/calendar/clock.js';
import type { Course } from '../../src/courses/course.types.js';
import { Enrolment, type EnrolmentDoc } from '../../src/learning/enrolment.model.js';
import { LearningProgress } from '../../src/learning/learning-progress.model.js';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model.js';
import { completeRequiredSteps } from '../helpers/completion.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { changedCatalogue, startTestServer, type TestServer } from '../helpers/server.js';
import { statementsAnywhere } from '../helpers/statements.js';
import { unescapeHtml } from '../helpers/quiz-form.js';

const COURSE = '/szkolenia/przyklad-kurs';
const QUIZ = `${COURSE}/test`;
const LESSON_1 = `${COURSE}/lekcje/wprowadzenie`;
const LESSON_2 = `${COURSE}/lekcje/podsumowanie`;
type Agent = Awaited<ReturnType<typeof loginAgent>>;

async function enrolledLearner(server: TestServer): Promise<{ agent: Agent; userId: string }> {
  const { user, password } = await buildLearner();
  const agent = await loginAgent(server.url, user.email, password);
  const page = await agent.get(COURSE).expect(200);
  await agent
    .post(`${COURSE}/zapis`)
    .type('form')
    .send({ _csrf: csrfTokenFrom(page.text) })
    .expect(303);
  return { agent, userId: String(user._id) };
}

async function progressOfUser(userId: string) {
  const enrolment = await Enrolment.findOne({ userId, courseId: 'przyklad-kurs' }).setOptions({ acrossOrganisations: true }).lean();
  return LearningProgress.findById(enrolment!._id).lean();
}

/** Text of a page without tags and with entities decoded, spaces collapsed (what a reader sees). */
function visible(html: string): string {
  return unescapeHtml(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

describe('learning/completion rules (course.yaml completion:)', () => {
  useTestDatabase(import.meta.url);
  const clock = new MovableClock();
  let server: TestServer;
  let course: Course;

  before(async () => {
    // The fixture finishes lessons at once; this server gives the lessons the default floor (half the reading time).
    const catalogue = await changedCatalogue('test/fixtures/courses', 'przyklad-kurs', (loaded) => ({
      ...loaded,
      completion: { lessons: 'all', minimumReadingShare: 0.5, checks: 'all' },
    }));
    course = catalogue.require('przyklad-kurs');
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' }, { catalogue, clock });
  });
  after(async () => server.close());

  it('refuses to finish a lesson before its reading-time floor, says how long is left, and records nothing', async () => {
    const { agent, userId } = await enrolledLearner(server);
    const page = await agent.get(LESSON_1).expect(200);
    expect(visible(page.text)).to.contain('Lekcję możesz zakończyć po 5 min od jej otwarcia.');
    expect(page.text).to.contain(`action="${LESSON_1}/zakoncz"`);

    clock.set(new Date(clock.now().getTime() + 3 * 60_000));
    const early = await agent
      .post(`${LESSON_1}/zakoncz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) })
      .expect(409);
    expect(visible(early.text)).to.contain(
      'Za wcześnie, aby zakończyć tę lekcję: poczekaj jeszcze 2 min (minimalny czas czytania to 5 min od otwarcia lekcji). Niczego nie zapisano.',
    );
    expect((await progressOfUser(userId))?.lessonsCompleted ?? []).to.deep.equal([]);
    const completed = await statementsAnywhere({ verbId: 'http://adlnet.gov/expapi/verbs/completed' });
    expect(completed.filter((s) => s.json.includes('/lessons/wprowadzenie'))).to.have.length(0);

    // Reopening the lesson does not restart the floor: it counts from the first opening.
    await agent.get(LESSON_1).expect(200);
    clock.set(new Date(clock.now().getTime() + 2 * 60_000 + 1_000));
    const done = await agent
      .post(`${LESSON_1}/zakoncz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    expect(done.headers.location).to.equal(LESSON_2);
    const progress = await progressOfUser(userId);
    expect(progress?.lessonsCompleted).to.deep.equal(['wprowadzenie']);
    // A lesson completed is a step, not the course.
    expect(progress?.status).to.equal('in_progress');
    expect(progress?.completedAt).to.equal(undefined);
    const statements = (await statementsAnywhere({ verbId: 'http://adlnet.gov/expapi/verbs/completed' })).filter((s) => s.json.includes('/lessons/wprowadzenie'));
    expect(statements).to.have.length(1);

    // Pressing again records nothing more.
    await agent
      .post(`${LESSON_1}/zakoncz`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) })
      .expect(303);
    expect((await statementsAnywhere({ verbId: 'http://adlnet.gov/expapi/verbs/completed' })).filter((s) => s.json.includes('/lessons/wprowadzenie'))).to.have.length(1);
  });

  it('refuses to start the final test before the rule is met, listing what is missing on the course and test pages', async () => {
    const { agent } = await enrolledLearner(server);
    const overview = await agent.get(QUIZ).expect(200);
    const text = visible(overview.text);
    expect(text).to.contain('Ukończenie 2 z 2 lekcji (min. 50 % czasu czytania każdej), odpowiedź na 2 pytania sprawdzające i zaliczenie testu końcowego (min. 70 %)');
    expect(text).to.contain('Test końcowy będzie dostępny, gdy ukończysz:');
    expect(text).to.contain('Wprowadzenie – min. 5 min czytania od otwarcia lekcji');
    expect(text).to.contain('Podsumowanie – min. 10 min czytania od otwarcia lekcji');
    expect(text).to.contain('pytanie sprawdzające w lekcji Wprowadzenie pytanie sprawdzające w lekcji Podsumowanie');
    expect(overview.text).to.not.contain(`action="${QUIZ}"`);

    const attemptsBefore = await QuizAttempt.countDocuments({}).setOptions({ acrossOrganisations: true });
    const refused = await agent
      .post(QUIZ)
      .type('form')
      .send({ _csrf: csrfTokenFrom(overview.text) })
      .expect(409);
    expect(visible(refused.text)).to.contain('Test końcowy można rozpocząć dopiero po spełnieniu zasad ukończenia');
    expect(await QuizAttempt.countDocuments({}).setOptions({ acrossOrganisations: true })).to.equal(attemptsBefore);

    // One lesson opened: the course page says how long it still needs; progress counts the rule's steps.
    await agent.get(LESSON_1).expect(200);
    clock.set(new Date(clock.now().getTime() + 60_000));
    const coursePage = visible((await agent.get(COURSE).expect(200)).text);
    expect(coursePage).to.contain('Wprowadzenie – możesz ją zakończyć za 4 min');
    expect(coursePage).to.contain('0% ukończono');
  });

  it('opens the final test once every step is done, and counts progress in the rule steps (never 100 % before the test)', async () => {
    const { agent } = await enrolledLearner(server);
    await completeRequiredSteps(agent, course, { clock });
    const coursePage = await agent.get(COURSE).expect(200);
    // 2 lessons + 2 checks of 5 steps (the test is the fifth).
    expect(visible(coursePage.text)).to.contain('80% ukończono');
    expect(coursePage.text).to.not.contain('completion-missing');
    const overview = await agent.get(QUIZ).expect(200);
    expect(overview.text).to.contain(`action="${QUIZ}"`);
    const started = await agent
      .post(QUIZ)
      .type('form')
      .send({ _csrf: csrfTokenFrom(overview.text) })
      .expect(303);
    expect(started.headers.location).to.match(new RegExp(`^${QUIZ}/[0-9a-f]{24}$`));
  });

  it('states the rule that was met on the certificate (pl, en) and in the Open Badge criteria', async () => {
    const { agent, userId } = await enrolledLearner(server);
    await completeRequiredSteps(agent, course, { clock });
    const enrolment = (await Enrolment.findOne({ userId, courseId: 'przyklad-kurs' }).setOptions({ acrossOrganisations: true }).lean<EnrolmentDoc>())!;
    // The certificate a pass earns (the course.passed listener calls the same function).
    const issued = await issueCertificate(server.platform, {
      userId,
      organisationId: enrolment.organisationId.toHexString(),
      courseId: 'przyklad-kurs',
      enrolmentId: enrolment._id.toHexString(),
      registration: enrolment.registration,
      scorePercent: 90,
      completedAt: clock.now(),
    });
    const rulePl = 'Ukończenie 2 z 2 lekcji (min. 50 % czasu czytania każdej), odpowiedź na 2 pytania sprawdzające i zaliczenie testu końcowego (min. 70 %)';
    const ruleEn = "Completing 2 of 2 lessons (at least 50% of each one's reading time), answering 2 knowledge checks and passing the final test (at least 70%)";
    const certificate = (await Certificate.findById(issued.id).lean())!;
    expect(certificate).to.include({ completionRule: rulePl, completionRuleEn: ruleEn });
    const file = (await CertificateFile.findById(issued.id))!;
    const pdfPath = path.join(mkdtempSync(path.join(tmpdir(), 'rule-')), 'certificate.pdf');
    writeFileSync(pdfPath, Buffer.from(file.pdf));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).to.contain(rulePl);
    const badge = decodeJwt(certificate.credentialJwt) as { credentialSubject: { achievement: { criteria: { narrative: string } } } };
    expect(badge.credentialSubject.achievement.criteria.narrative).to.equal(`${rulePl}.\n\n${ruleEn}.`);
  });

  it('shows the rule in English', async () => {
    const { agent } = await enrolledLearner(server);
    const overview = visible((await agent.get(`${QUIZ}?lang=en`).expect(200)).text);
    expect(overview).to.contain("Completing 2 of 2 lessons (at least 50% of each one's reading time), answering 2 knowledge checks and passing the final test (at least 70%)");
    expect(overview).to.contain('The final test opens once you have completed:');
    await agent.get(`${QUIZ}?lang=pl`).expect(200);
  });
});
