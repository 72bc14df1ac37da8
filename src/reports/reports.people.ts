// The organisation HR reports on: its departments and its people, read once for the matrix, assignments and reminders.
import { Types } from 'mongoose';
import { usersByIds, usersOfOrganisation } from '../auth/users.read.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { isObjectId } from '../http/validate.js';
import { Organisation, type OrganisationDoc } from '../organisations/organisation.model.js';

/** One person of the organisation, with what the reports show and mail. */
export type PersonDoc = {
  _id: Types.ObjectId;
  fullName: string;
  email: string;
  departmentId?: Types.ObjectId | null;
  roles: string[];
  learnerId: string;
  language?: string | null;
  /** invited, active or deactivated (a leaver: shown as left); pending people are not read (not in reports until approved). */
  status?: string | null;
};

/** The ObjectId of `id`, or null when it is not one (so a lookup finds nothing rather than throwing a cast error). */
export function objectIdOrNull(id: string): Types.ObjectId | null {
  return isObjectId(id) ? new Types.ObjectId(id) : null;
}

/** The organisation with this id, or NotFoundError. */
export async function organisationOf(organisationId: string): Promise<OrganisationDoc> {
  const organisation = await Organisation.findById(objectIdOrNull(organisationId)).lean<OrganisationDoc>();
  if (!organisation) throw new NotFoundError('Nie znaleziono organizacji.');
  return organisation;
}

/** The organisation's departments as ids and names, in the organisation's order. */
export function departmentsOf(organisation: OrganisationDoc): Array<{ id: string; name: string }> {
  return (organisation.departments ?? []).map((department) => ({ id: String(department._id), name: department.name }));
}

/** Throws a field error unless `departmentId` is one of the organisation's departments. */
export function checkDepartment(departments: Array<{ id: string }>, departmentId: string | undefined): void {
  if (departmentId && !departments.some((department) => department.id === departmentId)) {
    throw new ValidationError({ departmentId: ['reports:errors.departmentFromList'] });
  }
}

/**
 * Everyone in the organisation HR reports on, sorted by name (Polish order), then e-mail. People awaiting approval
 * (pending) are left out: they are not in the office until HR approves them (turned-down registrations are deleted:
 * auth/approval.service.ts). Leavers stay (status deactivated), shown as such.
 */
export async function peopleOf(organisationId: Types.ObjectId): Promise<PersonDoc[]> {
  const people = (await usersOfOrganisation<PersonDoc>(organisationId, 'fullName email departmentId roles learnerId language status')).filter(
    (person) => person.status !== 'pending',
  );
  return people.sort((a, b) => a.fullName.localeCompare(b.fullName, 'pl') || a.email.localeCompare(b.email));
}

/** One person of the organisation as their HR record shows them. */
export type PersonRecordDoc = PersonDoc & { position?: string | null; employeeNumber?: string | null; status?: string | null; deactivatedAt?: Date | null };

/** The person with this id in the organisation, or NotFoundError (another office's person looks like no one). */
export async function personOf(organisationId: Types.ObjectId, userId: string): Promise<PersonRecordDoc> {
  const id = objectIdOrNull(userId);
  const [person] = id
    ? await usersByIds<PersonRecordDoc>(organisationId, [id], 'fullName email departmentId roles learnerId language position employeeNumber status deactivatedAt')
    : [];
  if (!person) throw new NotFoundError('Nie znaleziono osoby.');
  return person;
}

/** The names of these people of the organisation by id (HR who assigned a course; unknown ids are left out). */
export async function namesOf(organisationId: Types.ObjectId, ids: Types.ObjectId[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const people = await usersByIds<{ _id: Types.ObjectId; fullName: string }>(organisationId, ids, 'fullName');
  return new Map(people.map((person) => [String(person._id), person.fullName]));
}
