// The organisation HR reports on: its departments and its people, read once for the matrix, assignments and reminders.
import { Types } from 'mongoose';
import { User } from '../auth/user.model.js';
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
 * (pending) are left out: they are not in reports until HR approves them. Leavers stay (status deactivated).
 */
export async function peopleOf(organisationId: Types.ObjectId): Promise<PersonDoc[]> {
  const everyone = await User.find({ organisationId }).select('fullName email departmentId roles learnerId language status').lean<PersonDoc[]>();
  const people = everyone.filter((person) => person.status !== 'pending');
  return people.sort((a, b) => a.fullName.localeCompare(b.fullName, 'pl') || a.email.localeCompare(b.email));
}
