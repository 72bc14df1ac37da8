// An office's departments: add, rename, merge (people follow through the department.merged event), archive, restore.
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import type { PlatformEvents } from '../events/platform-events.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { Organisation } from './organisation.model.js';

/** What the department rules need from the platform (a Platform fits). */
export interface DepartmentDeps {
  audit: AuditTrail;
  events: PlatformEvents;
}

export interface DepartmentView {
  id: string;
  name: string;
  archived: boolean;
  archivedAt?: Date;
  mergedIntoName?: string;
}

/** The organisation as a mongoose document (the rules change its departments array and save it). */
async function organisationDocument(organisationId: string) {
  const organisation = await Organisation.findById(organisationId);
  if (!organisation) throw new NotFoundError();
  return organisation;
}

/** One department of the organisation, or 404 (another office's id included: it is simply not found here). */
function departmentOf(organisation: Awaited<ReturnType<typeof organisationDocument>>, departmentId: string) {
  const department = organisation.departments.find((d) => d._id.toHexString() === departmentId);
  if (!department) throw new NotFoundError();
  return department;
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase('pl') === b.trim().toLocaleLowerCase('pl');
}

/** The organisation's departments, active ones first, each list by name. */
export async function listDepartments(organisationId: string): Promise<{ active: DepartmentView[]; archived: DepartmentView[] }> {
  const organisation = await Organisation.findById(organisationId, { departments: 1 }).lean();
  if (!organisation) throw new NotFoundError();
  const departments = organisation.departments ?? [];
  const names = new Map(departments.map((d) => [d._id.toHexString(), d.name]));
  const views = departments
    .map((d): DepartmentView => ({
      id: d._id.toHexString(),
      name: d.name,
      archived: Boolean(d.archivedAt),
      archivedAt: d.archivedAt ?? undefined,
      mergedIntoName: d.mergedInto ? names.get(d.mergedInto.toHexString()) : undefined,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'pl'));
  return { active: views.filter((d) => !d.archived), archived: views.filter((d) => d.archived) };
}

/** One department by id (its page), or 404. */
export async function departmentById(organisationId: string, departmentId: string): Promise<DepartmentView> {
  const { active, archived } = await listDepartments(organisationId);
  const found = [...active, ...archived].find((d) => d.id === departmentId);
  if (!found) throw new NotFoundError();
  return found;
}

/** Adds a department; a name already used by an active department of the office is a field message. */
export async function addDepartment(deps: DepartmentDeps, organisationId: string, name: string, actor: AuditActor): Promise<DepartmentView> {
  const organisation = await organisationDocument(organisationId);
  if (organisation.departments.some((d) => !d.archivedAt && sameName(d.name, name))) throw new ValidationError({ name: ['organisations:errors.departmentNameTaken'] });
  organisation.departments.push({ name });
  await organisation.save();
  const added = organisation.departments[organisation.departments.length - 1];
  const id = added._id.toHexString();
  await deps.audit.record({ organisationId, actor, action: 'department.added', subject: { kind: 'department', id, label: name } });
  return { id, name, archived: false };
}

export async function renameDepartment(deps: DepartmentDeps, organisationId: string, departmentId: string, name: string, actor: AuditActor): Promise<void> {
  const organisation = await organisationDocument(organisationId);
  const department = departmentOf(organisation, departmentId);
  if (department.name === name) return;
  if (organisation.departments.some((d) => d._id.toHexString() !== departmentId && !d.archivedAt && sameName(d.name, name))) {
    throw new ValidationError({ name: ['organisations:errors.departmentNameTaken'] });
  }
  const before = department.name;
  department.name = name;
  await organisation.save();
  await deps.audit.record({
    organisationId,
    actor,
    action: 'department.renamed',
    subject: { kind: 'department', id: departmentId, label: name },
    details: { before, after: name },
  });
}

/**
 * Merges `fromId` into `intoId`: the source is archived with mergedInto set (kept for history and old reports),
 * and department.merged is announced so that people (another feature) move its staff to the target.
 */
export async function mergeDepartment(deps: DepartmentDeps, organisationId: string, fromId: string, intoId: string, actor: AuditActor): Promise<{ from: string; into: string }> {
  if (fromId === intoId) throw new ValidationError({ intoId: ['organisations:errors.mergeSame'] });
  const organisation = await organisationDocument(organisationId);
  const from = departmentOf(organisation, fromId);
  if (from.archivedAt) throw new ValidationError({ intoId: ['organisations:errors.departmentArchived'] });
  const into = organisation.departments.find((d) => d._id.toHexString() === intoId);
  if (!into) throw new ValidationError({ intoId: ['organisations:errors.departmentInvalid'] });
  if (into.archivedAt) throw new ValidationError({ intoId: ['organisations:errors.departmentArchived'] });
  const at = new Date();
  from.archivedAt = at;
  from.mergedInto = into._id;
  await organisation.save();
  await deps.audit.record({
    organisationId,
    actor,
    action: 'department.merged',
    subject: { kind: 'department', id: fromId, label: from.name },
    details: { into: { id: intoId, name: into.name } },
  });
  await deps.events.emit('department.merged', { organisationId, fromDepartmentId: fromId, intoDepartmentId: intoId, actor, at });
  return { from: from.name, into: into.name };
}

/** Archives a department: kept with its history, offered to nobody new. */
export async function archiveDepartment(deps: DepartmentDeps, organisationId: string, departmentId: string, actor: AuditActor): Promise<string> {
  const organisation = await organisationDocument(organisationId);
  const department = departmentOf(organisation, departmentId);
  if (department.archivedAt) return department.name;
  department.archivedAt = new Date();
  await organisation.save();
  await deps.audit.record({ organisationId, actor, action: 'department.archived', subject: { kind: 'department', id: departmentId, label: department.name } });
  return department.name;
}

/** Restores an archived (not merged) department; a merged one stays merged: its people have moved. */
export async function restoreDepartment(deps: DepartmentDeps, organisationId: string, departmentId: string, actor: AuditActor): Promise<string> {
  const organisation = await organisationDocument(organisationId);
  const department = departmentOf(organisation, departmentId);
  if (!department.archivedAt || department.mergedInto) throw new NotFoundError();
  if (organisation.departments.some((d) => d._id.toHexString() !== departmentId && !d.archivedAt && sameName(d.name, department.name))) {
    throw new ValidationError({ name: ['organisations:errors.departmentNameTaken'] });
  }
  department.archivedAt = undefined;
  await organisation.save();
  await deps.audit.record({ organisationId, actor, action: 'department.restored', subject: { kind: 'department', id: departmentId, label: department.name } });
  return department.name;
}
