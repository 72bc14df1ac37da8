// One office's people and departments as the people pages read them: one read of the office's users per request.
import { Types } from 'mongoose';
import { User, type AccountStatus, type Role } from '../auth/user.model.js';
import { usersOfOrganisation } from '../auth/users.read.js';
import { NotFoundError } from '../http/errors.js';
import { isObjectId } from '../http/validate.js';
import { Organisation, type OrganisationDoc } from '../organisations/organisation.model.js';

/** One person as the people pages need them (never the password hash). */
export interface OfficePerson {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  fullName: string;
  email: string;
  departmentId?: Types.ObjectId | null;
  departmentHistory?: Array<{ departmentId: Types.ObjectId; from: Date; to?: Date | null }>;
  position?: string | null;
  employeeNumber?: string | null;
  status?: AccountStatus | null;
  deactivatedAt?: Date | null;
  roles: Role[];
  createdAt?: Date;
}

export interface OfficeDepartment {
  id: string;
  name: string;
  archived: boolean;
}

const PERSON_FIELDS = 'organisationId fullName email departmentId departmentHistory position employeeNumber status deactivatedAt roles createdAt';

/** The office with this id (by _id: fast), or NotFoundError. */
export async function officeOf(organisationId: string): Promise<OrganisationDoc> {
  const organisation = isObjectId(organisationId) ? await Organisation.findById(organisationId).lean<OrganisationDoc>() : null;
  if (!organisation) throw new NotFoundError('Nie znaleziono urzędu.');
  return organisation;
}

/** The office's departments in its own order, archived ones marked (kept for history, take nobody new). */
export function departmentsOfOffice(organisation: OrganisationDoc): OfficeDepartment[] {
  return (organisation.departments ?? []).map((department) => ({ id: String(department._id), name: department.name, archived: Boolean(department.archivedAt) }));
}

/**
 * Everyone in the office, sorted by name (Polish collation), then e-mail. Cost: the office's own member index and one
 * `_id` look-up per person (auth/users.read.ts), so it does not grow with other offices. Searching, filtering and
 * paging then happen in memory (people.service.ts), so a page costs one read whatever the filters.
 */
export async function peopleOfOffice(organisationId: Types.ObjectId | string): Promise<OfficePerson[]> {
  const people = await usersOfOrganisation<OfficePerson>(organisationId, PERSON_FIELDS);
  return people.sort((a, b) => a.fullName.localeCompare(b.fullName, 'pl') || a.email.localeCompare(b.email));
}

/** One person of the office by id (fast), or NotFoundError — also for a person of another office (404, nothing revealed). */
export async function personOfOffice(organisationId: string, userId: string): Promise<OfficePerson> {
  const person = isObjectId(userId) ? await User.findById(userId).select(PERSON_FIELDS).lean<OfficePerson>() : null;
  if (!person || String(person.organisationId) !== organisationId) throw new NotFoundError('Nie znaleziono osoby.');
  return person;
}

/** Letters without diacritics, lower case: "Łódź" and "lodz" match in searches and header names. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLowerCase()
    .trim();
}
