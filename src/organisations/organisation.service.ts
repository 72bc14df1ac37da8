// Reads about organisations that other features need: the offices people can join, and their departments.
import { Types } from 'mongoose';
import { Organisation } from './organisation.model.js';

export interface OfficeChoice {
  id: string;
  name: string;
  departments: { id: string; name: string }[];
}

/** Every office with its departments, by name (registration form). Associations are not joined directly. */
export async function listOfficeChoices(): Promise<OfficeChoice[]> {
  const offices = await Organisation.find({ kind: 'office' }).sort({ name: 1 }).lean();
  return offices.map((office) => ({
    id: office._id.toHexString(),
    name: office.name,
    // Archived (and merged) departments take no new people.
    departments: (office.departments ?? []).filter((d) => !d.archivedAt).map((d) => ({ id: d._id.toHexString(), name: d.name })),
  }));
}

/**
 * Checks that `officeId` is an office and `departmentId` (when given) one of its departments.
 * Returns which of the two is wrong, or nothing when both are fine.
 */
export async function checkPlacement(officeId: string, departmentId?: string): Promise<'organisation' | 'department' | undefined> {
  if (!Types.ObjectId.isValid(officeId)) return 'organisation';
  const office = await Organisation.findById(officeId).lean();
  if (!office || office.kind !== 'office') return 'organisation';
  if (departmentId && !(office.departments ?? []).some((d) => d._id.toHexString() === departmentId && !d.archivedAt)) return 'department';
  return undefined;
}
