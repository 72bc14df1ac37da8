// Test factories: organisations, confirmed learners, and a supertest agent that has logged in.
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Types } from 'mongoose';
import request from 'supertest';
import { hashPassword } from '../../src/auth/password.js';
import { User, type Role, type UserDoc } from '../../src/auth/user.model.js';
import { issueCertificate, type CertificateDeps } from '../../src/certificates/certificate-issue.service.js';
import { attemptKey, insertKey } from '../../src/learning/enrolment-keys.js';
import { QuizAttempt, type QuizAttemptDoc } from '../../src/learning/quiz-attempt.model.js';
import { Organisation, type OrganisationDoc } from '../../src/organisations/organisation.model.js';

/** The password every factory-built user gets unless told otherwise (meets the 12-character rule). */
export const TEST_PASSWORD = 'Haslo-testowe-2026';

function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** Creates an office (with two departments) unless `overrides` say otherwise. */
export async function buildOrganisation(overrides: Partial<OrganisationDoc> = {}): Promise<OrganisationDoc> {
  const suffix = uniqueSuffix();
  const organisation = await Organisation.create({
    name: `Urząd Gminy Testowo ${suffix}`,
    slug: `ug-testowo-${suffix}`,
    kind: 'office',
    departments: [{ name: 'Referat Organizacyjny' }, { name: 'Referat Finansowy' }],
    ...overrides,
  });
  return organisation.toObject();
}

export interface BuildLearnerOptions {
  /** The learner's organisation; a fresh office when omitted. */
  organisation?: { _id: OrganisationDoc['_id'] };
  overrides?: Partial<Omit<UserDoc, 'roles'>> & { password?: string; roles?: Role[] };
}

/** Creates a user with a confirmed e-mail (role learner unless overridden); returns it with its password. */
export async function buildLearner(options: BuildLearnerOptions = {}): Promise<{ user: UserDoc; password: string }> {
  const organisation = options.organisation ?? (await buildOrganisation());
  const { password = TEST_PASSWORD, ...overrides } = options.overrides ?? {};
  const suffix = uniqueSuffix();
  const user = await User.create({
    email: `kursant-${suffix}@example.test`,
    fullName: 'Zażółć Gęślą Jaźń',
    roles: ['learner'],
    emailConfirmedAt: new Date(),
    organisationId: organisation._id,
    // Cost 4 keeps factories fast; logins verify against whatever cost the hash carries.
    passwordHash: await hashPassword(password, 4),
    ...overrides,
  });
  return { user: user.toObject() as unknown as UserDoc, password };
}

/** The value of the hidden `_csrf` input in a page, or throws when the page has none. */
export function csrfTokenFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No _csrf input on the page');
  return match[1];
}

/** A supertest agent (keeps cookies) that fetched the login form and signed in as `email`. */
export async function loginAgent(serverUrl: string, email: string, password: string) {
  const agent = request.agent(serverUrl);
  const form = await agent.get('/logowanie').expect(200);
  const res = await agent
    .post('/logowanie')
    .type('form')
    .send({ email, password, _csrf: csrfTokenFrom(form.text) });
  expect(res.status, `login as ${email} failed: ${res.text.slice(0, 300)}`).to.equal(302);
  expect(res.headers.location).to.not.match(/^\/logowanie/);
  return agent;
}

/** A signed-in supertest agent (loginAgent). */
export type Agent = Awaited<ReturnType<typeof loginAgent>>;

/** Sends a form as a person does: opens the page at `pagePath` for its CSRF token, posts `fields` to `action`, expects `status`. */
export async function submitForm(agent: Agent, pagePath: string, action: string, fields: Record<string, string | string[]>, status: number) {
  const page = await agent.get(pagePath).expect(200);
  return agent
    .post(action)
    .type('form')
    .send({ ...fields, _csrf: csrfTokenFrom(page.text) })
    .expect(status);
}

/** Issues a certificate of the example course (test/fixtures/courses) to `user`, as passing its quiz would. */
export function buildCertificate(platform: CertificateDeps, user: UserDoc, options: { scorePercent?: number; completedAt?: Date } = {}) {
  return issueCertificate(platform, {
    userId: user._id.toHexString(),
    organisationId: user.organisationId.toHexString(),
    courseId: 'przyklad-kurs',
    enrolmentId: new Types.ObjectId().toHexString(),
    registration: randomUUID(),
    scorePercent: options.scorePercent ?? 90,
    completedAt: options.completedAt ?? new Date(),
  });
}

/**
 * Stores a quiz attempt as if it had been taken (graded fields given), with its key `attempt:<enrolmentId>:<n>`:
 * the quiz pages find attempts by key only, so an attempt without one is not there for them.
 */
export async function buildQuizAttempt(
  fields: Partial<Omit<QuizAttemptDoc, 'questions'>> & Pick<QuizAttemptDoc, 'organisationId' | 'enrolmentId' | 'number'> & { questions: unknown[] },
) {
  const attempt = await QuizAttempt.create(fields);
  await insertKey({ _id: attemptKey(fields.enrolmentId, fields.number), organisationId: fields.organisationId, enrolmentId: fields.enrolmentId, itemId: attempt._id });
  return attempt;
}
