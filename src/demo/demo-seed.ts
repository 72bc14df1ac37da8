// The demo organisation and users (kursant, HR, two authors, admin) a fresh installation starts with.
import type { Types } from 'mongoose';
import { hashPassword } from '../auth/password.js';
import { User, type Role } from '../auth/user.model.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import { assignCourse } from '../learning/enrolment.service.js';
import type { LearningDeps } from '../learning/learner.js';
import type { Logger } from '../logger.js';
import { Organisation } from '../organisations/organisation.model.js';

export const DEMO_ASSOCIATION = { name: 'Związek Gmin Przykładowych', slug: 'zwiazek-gmin-przykladowych' };
export const DEMO_OFFICE = { name: 'Urząd Gminy Przykładowo', slug: 'ug-przykladowo', teryt: '9999011' };
/** The demo accounts' e-mail domain, stored as the demo office's domain. */
export const DEMO_EMAIL_DOMAIN = 'demo.akademia-jst.local';
export const DEMO_DEPARTMENTS = ['Referat Organizacyjny', 'Referat Finansowy', 'Referat Inwestycji i Zamówień Publicznych', 'Urząd Stanu Cywilnego'];

/** The demo logins, documented in README.md ("Demo accounts"); fixed so that anyone can try the platform. */
export const DEMO_USERS: {
  email: string;
  password: string;
  fullName: string;
  roles: Role[];
  organisation: 'office' | 'association';
  department?: string;
}[] = [
  {
    email: 'kursant@demo.akademia-jst.local',
    password: 'Kursant-Demo-2026',
    fullName: 'Anna Kowalska',
    roles: ['learner'],
    organisation: 'office',
    department: 'Referat Organizacyjny',
  },
  {
    email: 'kadry@demo.akademia-jst.local',
    password: 'Kadry-Demo-2026',
    fullName: 'Barbara Nowak',
    roles: ['hr', 'learner'],
    organisation: 'office',
    department: 'Referat Organizacyjny',
  },
  {
    email: 'autor@demo.akademia-jst.local',
    password: 'Autor-Demo-2026',
    fullName: 'Cezary Wiśniewski',
    roles: ['author'],
    organisation: 'association',
  },
  {
    // The second author: a course sent to review is approved by someone other than its author (the four-eyes rule).
    email: 'recenzent@demo.akademia-jst.local',
    password: 'Recenzent-Demo-2026',
    fullName: 'Ewa Lewandowska',
    roles: ['author'],
    organisation: 'association',
  },
  {
    email: 'admin@demo.akademia-jst.local',
    password: 'Admin-Demo-2026',
    fullName: 'Dorota Zielińska',
    roles: ['admin', 'hr'],
    organisation: 'office',
  },
];

export interface DemoSeedResult {
  associationId: Types.ObjectId;
  officeId: Types.ObjectId;
  createdUsers: string[];
}

/**
 * Creates the demo association, office (a member of it, with four departments) and users — only what is
 * missing, so it can run any number of times. Existing users keep their password and roles.
 */
export async function seedDemo(platform: LearningDeps & { catalogue: CourseCatalogue; logger: Pick<Logger, 'info'> }): Promise<DemoSeedResult> {
  const association = await Organisation.findOneAndUpdate(
    { slug: DEMO_ASSOCIATION.slug },
    { $setOnInsert: { name: DEMO_ASSOCIATION.name, slug: DEMO_ASSOCIATION.slug, kind: 'association' } },
    { upsert: true, new: true },
  );
  const office = await Organisation.findOneAndUpdate(
    { slug: DEMO_OFFICE.slug },
    // Registration with HR's approval keeps the demo open to anyone and shows the policy at work (the demo HR
    // account approves at /kadry/oczekujacy); set on insert only, so an admin's later choice survives a re-run.
    { $setOnInsert: { name: DEMO_OFFICE.name, slug: DEMO_OFFICE.slug, kind: 'office', teryt: DEMO_OFFICE.teryt, joinPolicy: 'approval', emailDomains: [DEMO_EMAIL_DOMAIN] } },
    { upsert: true, new: true },
  );
  // Added one by one so departments someone created by hand (and their ids) are kept.
  const missingDepartments = DEMO_DEPARTMENTS.filter((name) => !office.departments.some((d) => d.name === name));
  if (!office.memberOf.some((id) => id.equals(association._id))) {
    await Organisation.updateOne({ _id: office._id }, { $addToSet: { memberOf: association._id } });
  }
  if (missingDepartments.length) {
    await Organisation.updateOne({ _id: office._id }, { $push: { departments: { $each: missingDepartments.map((name) => ({ name })) } } });
  }
  const seededOffice = await Organisation.findById(office._id).orFail();

  const createdUsers: string[] = [];
  for (const demo of DEMO_USERS) {
    // Cross-tenant by design: e-mail addresses are unique across all organisations.
    const exists = await User.exists({ email: demo.email }).setOptions({ acrossOrganisations: true });
    if (exists) continue;
    const organisation = demo.organisation === 'office' ? seededOffice : association;
    const department = demo.department ? seededOffice.departments.find((d) => d.name === demo.department) : undefined;
    await User.create({
      email: demo.email,
      fullName: demo.fullName,
      roles: demo.roles,
      organisationId: organisation._id,
      departmentId: department?._id,
      passwordHash: await hashPassword(demo.password),
      emailConfirmedAt: new Date(),
    });
    createdUsers.push(demo.email);
  }
  // A new demo learner starts with RODO assigned by HR (due in 30 days), so "Moje szkolenia" and the HR
  // matrix show something on the first visit.
  const rodo = platform.catalogue.get('rodo-w-urzedzie');
  const learnerEmail = DEMO_USERS[0].email;
  if (rodo && createdUsers.includes(learnerEmail)) {
    const learner = await User.findOne({ email: learnerEmail, organisationId: seededOffice._id }).orFail().lean();
    const hr = await User.findOne({ email: DEMO_USERS[1].email, organisationId: seededOffice._id }).lean();
    await assignCourse(platform, {
      learner: { id: learner._id.toHexString(), organisationId: seededOffice._id.toHexString(), learnerId: learner.learnerId, fullName: learner.fullName },
      course: rodo,
      dueDate: new Date(Date.now() + 30 * 24 * 60 * 60 * 1000),
      assignedBy: (hr?._id ?? learner._id).toHexString(),
    });
  }
  platform.logger.info({ createdUsers }, 'demo organisation and users are in place');
  return { associationId: association._id, officeId: office._id, createdUsers };
}

/** True when no organisation exists yet (a fresh installation). */
export async function isFreshInstallation(): Promise<boolean> {
  return !(await Organisation.exists({}));
}
