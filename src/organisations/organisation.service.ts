// Reads about organisations that other features need: where a person may be placed, an office's contacts.
import { Types } from 'mongoose';
import { displayNameOf, Organisation } from './organisation.model.js';

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

export interface AccessibilityContact {
  name: string;
  coordinator: { name?: string; email?: string; phone?: string };
  contactEmail?: string;
  contactPhone?: string;
}

/** The organisation a person belongs to, as the privacy notice names it: the controller of its staff's training data. */
export interface DataController {
  name: string;
  kind: 'office' | 'association';
  contactEmail?: string;
  contactPhone?: string;
}

/** The person's organisation as controller (one `_id` read), or undefined (none, or the operator's own). */
export async function dataControllerOf(organisationId: string): Promise<DataController | undefined> {
  if (!Types.ObjectId.isValid(organisationId)) return undefined;
  const organisation = await Organisation.findById(organisationId, { name: 1, officialName: 1, kind: 1, contactEmail: 1, contactPhone: 1 }).lean();
  if (!organisation || organisation.kind === 'platform') return undefined;
  return { name: displayNameOf(organisation), kind: organisation.kind, contactEmail: organisation.contactEmail ?? undefined, contactPhone: organisation.contactPhone ?? undefined };
}

/** An office's accessibility coordinator and contact for the accessibility statement, or undefined when none is set. */
export async function accessibilityContactOf(organisationId: string): Promise<AccessibilityContact | undefined> {
  if (!Types.ObjectId.isValid(organisationId)) return undefined;
  const organisation = await Organisation.findById(organisationId, { name: 1, officialName: 1, kind: 1, accessibilityCoordinator: 1, contactEmail: 1, contactPhone: 1 }).lean();
  if (!organisation || organisation.kind === 'platform') return undefined;
  const coordinator = organisation.accessibilityCoordinator ?? {};
  const contact: AccessibilityContact = {
    name: displayNameOf(organisation),
    coordinator: { name: coordinator.name ?? undefined, email: coordinator.email ?? undefined, phone: coordinator.phone ?? undefined },
    contactEmail: organisation.contactEmail ?? undefined,
    contactPhone: organisation.contactPhone ?? undefined,
  };
  const anything = contact.coordinator.name || contact.coordinator.email || contact.coordinator.phone || contact.contactEmail;
  return anything ? contact : undefined;
}

/** An association and its member offices by name, or undefined when `organisationId` is not an association. */
export async function memberOfficesOf(organisationId: string): Promise<{ name: string; offices: { id: string; name: string; teryt?: string }[] } | undefined> {
  if (!Types.ObjectId.isValid(organisationId)) return undefined;
  const association = await Organisation.findById(organisationId, { name: 1, officialName: 1, kind: 1 }).lean();
  if (association?.kind !== 'association') return undefined;
  // Across offices on purpose: membership is recorded on each office (memberOf), and the association reads who lists it.
  const offices = await Organisation.find({ kind: 'office', memberOf: association._id }, { name: 1, teryt: 1 }).lean();
  return {
    name: displayNameOf(association),
    // Polish order (Ł after L), which the database's byte order is not.
    offices: offices.map((office) => ({ id: office._id.toHexString(), name: office.name, teryt: office.teryt ?? undefined })).sort((a, b) => a.name.localeCompare(b.name, 'pl')),
  };
}

/** What the course sharing rule needs to know about an office (course-availability.ts isOpenTo). */
export interface OfficeCourseFacts {
  id: string;
  /** The associations the office is a member of. */
  memberOf: string[];
  /** The courses its admin hid from its catalogue. */
  hiddenCourses: string[];
}

/** The sharing facts of an organisation document already read (HR's pages read it for other reasons too). */
export function courseFactsOf(organisation: { _id: Types.ObjectId; memberOf?: Types.ObjectId[] | null; hiddenCourses?: string[] | null }): OfficeCourseFacts {
  return {
    id: organisation._id.toHexString(),
    memberOf: (organisation.memberOf ?? []).map((id) => id.toHexString()),
    hiddenCourses: [...(organisation.hiddenCourses ?? [])],
  };
}

/**
 * The sharing facts of a person's organisation, read by `_id` (one look-up) on each request that needs them, so
 * that an admin hiding a course or the operator changing a membership takes effect without anyone signing in again.
 * An organisation that is gone has no memberships and hides nothing (its people see the repository's courses only).
 */
export async function officeCourseFactsOf(organisationId: string): Promise<OfficeCourseFacts> {
  const organisation = Types.ObjectId.isValid(organisationId) ? await Organisation.findById(organisationId, { memberOf: 1, hiddenCourses: 1 }).lean() : null;
  return organisation ? courseFactsOf(organisation) : { id: organisationId, memberOf: [], hiddenCourses: [] };
}

/**
 * Ten years, as employee documentation is kept (Kodeks pracy art. 94 pkt 9b): a certificate is the proof that the
 * mandatory training took place, and an office may be asked for it as long as for the rest of the person's file.
 */
export const DEFAULT_CERTIFICATE_RETENTION_YEARS = 10;

/** How many years the office keeps the certificates of a person it erased. */
export async function certificateRetentionYearsOf(organisationId: string): Promise<number> {
  const office = await Organisation.findById(organisationId).select({ certificateRetentionYears: 1 }).lean();
  return office?.certificateRetentionYears ?? DEFAULT_CERTIFICATE_RETENTION_YEARS;
}

/** Sets the office's certificate retention after erasure (the caller checks the actor is its admin and audits it). */
export async function setCertificateRetentionYears(organisationId: string, years: number): Promise<void> {
  await Organisation.updateOne({ _id: new Types.ObjectId(organisationId) }, { $set: { certificateRetentionYears: years } });
}
