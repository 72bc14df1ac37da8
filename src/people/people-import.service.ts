// Importing people from a file: upload (read and stored), dry run (what would happen, row by row), import (write).
import { Types } from 'mongoose';
import { z } from 'zod';
import { invitePerson } from '../auth/invitation.service.js';
import type { SessionUser } from '../auth/session-user.js';
import { User, type Role } from '../auth/user.model.js';
import { claimOnce } from '../db/claims.js';
import { NotFoundError } from '../http/errors.js';
import { isObjectId } from '../http/validate.js';
import { departmentsOfOffice, foldText, officeOf, peopleOfOffice, type OfficeDepartment, type OfficePerson } from './people.directory.js';
import { PeopleImport, type PeopleImportDoc } from './people-import.model.js';
import { readPeopleFile, type ImportRow } from './people-file.js';
import { OFFICE_ROLES, assertCanManagePeople, canChangeRoles, type OfficeRole } from './people.policy.js';
import { movedDepartment, type PeopleDeps } from './people.service.js';
import { nameProblem } from '../mail/person-name.js';

type Actor = Pick<SessionUser, 'id' | 'organisationId' | 'fullName' | 'roles'>;

/** A dry run is valid for a day: after that the file is uploaded again (the office may have changed meanwhile). */
const IMPORT_VALID_MS = 24 * 60 * 60 * 1000;

/** The role names a file may use, Polish and English, folded. */
const ROLE_NAMES = new Map<string, OfficeRole>([
  ['learner', 'learner'],
  ['kursant', 'learner'],
  ['pracownik', 'learner'],
  ['uczestnik', 'learner'],
  ['hr', 'hr'],
  ['kadry', 'hr'],
  ['author', 'author'],
  ['autor', 'author'],
  ['admin', 'admin'],
  ['administrator', 'admin'],
  ['iod', 'iod'],
  ['inspektor ochrony danych', 'iod'],
]);

/** Why one row cannot be imported: a locale key under people:import.problems and its values. */
export interface RowProblem {
  code:
    | 'nameMissing'
    | 'nameTooLong'
    | 'nameCharacters'
    | 'nameLink'
    | 'emailMissing'
    | 'emailInvalid'
    | 'duplicateEmail'
    | 'duplicateEmployeeNumber'
    | 'unknownDepartment'
    | 'departmentArchived'
    | 'unknownRole'
    | 'rolesAdminOnly'
    | 'emailOtherOffice'
    | 'employeeNumberOtherPerson'
    | 'employeeNumberMismatch'
    | 'fieldTooLong';
  value?: string | number;
}

export type RowChange = 'department' | 'position' | 'employeeNumber' | 'roles';

export interface PlannedRow {
  line: number;
  fullName: string;
  email: string;
  action: 'create' | 'update' | 'unchanged' | 'reject';
  problems: RowProblem[];
  /** update: the person matched (by employee number, else e-mail) and what changes. */
  personId?: string;
  changes: RowChange[];
  departmentId?: string;
  departmentName?: string;
  position?: string;
  employeeNumber?: string;
  /** Roles named in the file; undefined when the cell is empty (new people: learner; existing: unchanged). */
  roles?: OfficeRole[];
}

export interface ImportPlan {
  importId: string;
  fileName: string;
  uploadedAt: Date;
  imported: boolean;
  ignoredColumns: string[];
  rows: PlannedRow[];
  counts: { create: number; update: number; unchanged: number; reject: number };
}

const emailSchema = z.email();

function parseRoles(text: string): { roles?: OfficeRole[]; unknown: string[] } {
  const names = text
    .split(/[,;|/\s]+/)
    .map((name) => foldText(name))
    .filter(Boolean);
  if (!names.length) return { unknown: [] };
  const roles = new Set<OfficeRole>();
  const unknown: string[] = [];
  for (const name of names) {
    const role = ROLE_NAMES.get(name);
    if (role) roles.add(role);
    else unknown.push(name);
  }
  return { roles: OFFICE_ROLES.filter((role) => roles.has(role)), unknown };
}

function sameRoles(person: OfficePerson, roles: OfficeRole[]): boolean {
  const current = OFFICE_ROLES.filter((role) => person.roles.includes(role));
  return current.join() === roles.join();
}

/**
 * What importing the rows would do now, row by row: every problem of a row (all of them, so one round of fixes
 * is enough), or create / update / unchanged. Existing people of the office are matched by employee number,
 * then by e-mail; so re-importing the same file finds everyone and creates nobody.
 */
async function planRows(actor: Actor, rows: ImportRow[]): Promise<PlannedRow[]> {
  const organisation = await officeOf(actor.organisationId);
  const departments = departmentsOfOffice(organisation);
  const people = await peopleOfOffice(organisation._id);
  const byEmail = new Map(people.map((person) => [person.email, person]));
  const byNumber = new Map(people.filter((person) => person.employeeNumber).map((person) => [person.employeeNumber!, person]));
  const emails = [...new Set(rows.map((row) => row.email.trim().toLowerCase()).filter((email) => email && !byEmail.has(email)))];
  // Addresses are unique platform-wide, so an address of another office's person cannot be invited here; this
  // read crosses offices for that one fact (it reveals nothing invitePerson would not refuse anyway).
  const elsewhere = new Set(
    emails.length
      ? (
          await User.find({ email: { $in: emails } })
            .select('email')
            .setOptions({ acrossOrganisations: true })
            .lean<Array<{ email: string }>>()
        ).map((user) => user.email)
      : [],
  );
  const mayGiveRoles = canChangeRoles(actor);
  const seenEmails = new Map<string, number>();
  const seenNumbers = new Map<string, number>();
  const departmentByName = (name: string): OfficeDepartment | undefined => {
    const folded = foldText(name);
    const matches = departments.filter((department) => foldText(department.name) === folded);
    return matches.find((department) => !department.archived) ?? matches[0];
  };

  return rows.map((row): PlannedRow => {
    const problems: RowProblem[] = [];
    const email = row.email.trim().toLowerCase();
    const fullName = row.fullName.trim();
    if (!fullName) problems.push({ code: 'nameMissing' });
    else if (fullName.length > 200) problems.push({ code: 'nameTooLong' });
    // The registration rule (mail/person-name.ts): such a name would go into the invitation and onto certificates.
    else if (nameProblem(fullName) === 'characters') problems.push({ code: 'nameCharacters' });
    else if (nameProblem(fullName) === 'link') problems.push({ code: 'nameLink' });
    if (!email) problems.push({ code: 'emailMissing' });
    else if (email.length > 254 || !emailSchema.safeParse(email).success) problems.push({ code: 'emailInvalid', value: row.email });
    if (row.position.length > 200 || row.employeeNumber.length > 50) problems.push({ code: 'fieldTooLong' });
    if (email && seenEmails.has(email)) problems.push({ code: 'duplicateEmail', value: seenEmails.get(email) });
    else if (email) seenEmails.set(email, row.line);
    const employeeNumber = row.employeeNumber || undefined;
    if (employeeNumber && seenNumbers.has(employeeNumber)) problems.push({ code: 'duplicateEmployeeNumber', value: seenNumbers.get(employeeNumber) });
    else if (employeeNumber) seenNumbers.set(employeeNumber, row.line);

    let department: OfficeDepartment | undefined;
    if (row.department) {
      department = departmentByName(row.department);
      if (!department) problems.push({ code: 'unknownDepartment', value: row.department });
      else if (department.archived) problems.push({ code: 'departmentArchived', value: department.name });
    }
    const { roles, unknown } = parseRoles(row.roles);
    for (const name of unknown) problems.push({ code: 'unknownRole', value: name });
    if (roles && !mayGiveRoles && roles.some((role) => role !== 'learner')) problems.push({ code: 'rolesAdminOnly' });

    const numberHolder = employeeNumber ? byNumber.get(employeeNumber) : undefined;
    const emailHolder = byEmail.get(email);
    const existing = numberHolder ?? emailHolder;
    if (numberHolder && numberHolder.email !== email) problems.push({ code: 'employeeNumberOtherPerson', value: numberHolder.fullName });
    else if (emailHolder && employeeNumber && emailHolder.employeeNumber && emailHolder.employeeNumber !== employeeNumber) {
      problems.push({ code: 'employeeNumberMismatch', value: emailHolder.employeeNumber });
    }
    if (!existing && email && elsewhere.has(email)) problems.push({ code: 'emailOtherOffice' });

    const planned: PlannedRow = {
      line: row.line,
      fullName,
      email,
      action: 'reject',
      problems,
      changes: [],
      departmentId: department?.id,
      departmentName: department?.name,
      position: row.position || undefined,
      employeeNumber,
      roles,
    };
    if (problems.length) return planned;
    if (!existing) return { ...planned, action: 'create' };
    const changes: RowChange[] = [];
    if (department && department.id !== String(existing.departmentId ?? '')) changes.push('department');
    if (planned.position && planned.position !== (existing.position ?? undefined)) changes.push('position');
    if (employeeNumber && !existing.employeeNumber) changes.push('employeeNumber');
    if (roles && mayGiveRoles && !sameRoles(existing, roles)) changes.push('roles');
    return { ...planned, personId: String(existing._id), action: changes.length ? 'update' : 'unchanged', changes };
  });
}

function countsOf(rows: PlannedRow[]): ImportPlan['counts'] {
  const counts = { create: 0, update: 0, unchanged: 0, reject: 0 };
  for (const row of rows) counts[row.action] += 1;
  return counts;
}

/**
 * Reads an uploaded file (PeopleFileError when it cannot be read) and keeps its rows for the dry run; nothing
 * about people is written. Stale dry runs of the office (older than a day) are removed on the way.
 */
export async function uploadPeopleFile(actor: Actor, file: { bytes: Buffer | undefined; fileName: string }): Promise<{ importId: string }> {
  assertCanManagePeople(actor);
  const { rows, ignoredColumns } = await readPeopleFile(file.bytes);
  const organisationId = new Types.ObjectId(actor.organisationId);
  await PeopleImport.deleteMany({ organisationId, uploadedAt: { $lt: new Date(Date.now() - IMPORT_VALID_MS) } });
  const stored = await PeopleImport.create({
    organisationId,
    uploadedBy: new Types.ObjectId(actor.id),
    fileName: file.fileName.slice(0, 200),
    rows,
    ignoredColumns: ignoredColumns.slice(0, 20).map((name) => name.slice(0, 100)),
  });
  return { importId: stored._id.toHexString() };
}

/** The stored upload, if it is the actor's (same office, same uploader) and still valid; NotFoundError otherwise. */
async function storedImport(actor: Actor, importId: string): Promise<PeopleImportDoc> {
  const stored = isObjectId(importId) ? await PeopleImport.findById(importId).lean<PeopleImportDoc>() : null;
  if (!stored || String(stored.organisationId) !== actor.organisationId || String(stored.uploadedBy) !== actor.id) throw new NotFoundError('Nie znaleziono importu.');
  if (!stored.importedAt && stored.uploadedAt.getTime() < Date.now() - IMPORT_VALID_MS) throw new NotFoundError('Import wygasł: wczytaj plik ponownie.');
  return stored;
}

/** The dry run of a stored upload, as of now (planned again on every view, so it never shows a stale answer). */
export async function reviewImport(actor: Actor, importId: string): Promise<ImportPlan> {
  assertCanManagePeople(actor);
  const stored = await storedImport(actor, importId);
  const rows = await planRows(actor, stored.rows as ImportRow[]);
  return {
    importId,
    fileName: stored.fileName ?? '',
    uploadedAt: stored.uploadedAt,
    imported: Boolean(stored.importedAt),
    ignoredColumns: stored.ignoredColumns ?? [],
    rows,
    counts: countsOf(rows),
  };
}

export interface ImportResult {
  alreadyImported: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/**
 * Imports the valid rows of a stored upload, planned again now: new people are invited (invitePerson, each
 * audited person.invited), existing ones updated (each audited person.imported with what changed), bad rows
 * skipped. One import.run entry gives the counts. Runs once per upload; importing the same file again (a new
 * upload) finds everyone and only updates what changed.
 */
export async function runImport(deps: PeopleDeps, actor: Actor, importId: string): Promise<ImportResult> {
  assertCanManagePeople(actor);
  const stored = await storedImport(actor, importId);
  const none = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  if (stored.importedAt || !(await claimOnce(`people-import:${importId}`, stored.organisationId))) return { alreadyImported: true, ...none };
  const organisation = await officeOf(actor.organisationId);
  const rows = await planRows(actor, stored.rows as ImportRow[]);
  const people = new Map((await peopleOfOffice(organisation._id)).map((person) => [String(person._id), person]));
  const result = { ...none };
  for (const row of rows) {
    if (row.action === 'reject') result.rejected += 1;
    else if (row.action === 'unchanged') result.unchanged += 1;
    else if (row.action === 'create') {
      const outcome = await invitePerson(
        deps,
        {
          organisationId: actor.organisationId,
          organisationName: organisation.name,
          email: row.email,
          fullName: row.fullName,
          roles: row.roles?.length ? row.roles : ['learner'],
          departmentId: row.departmentId,
          position: row.position,
          employeeNumber: row.employeeNumber,
        },
        actor,
      );
      // Taken meanwhile (someone registered or was invited between the dry run and now): the row is skipped.
      if (outcome.invited) result.created += 1;
      else result.rejected += 1;
    } else {
      const person = people.get(row.personId!)!;
      const set: Record<string, unknown> = {};
      if (row.changes.includes('department')) Object.assign(set, movedDepartment(person, new Types.ObjectId(row.departmentId), new Date()));
      if (row.changes.includes('position')) set.position = row.position;
      if (row.changes.includes('employeeNumber')) set.employeeNumber = row.employeeNumber;
      if (row.changes.includes('roles')) set.roles = [...(row.roles ?? []), ...person.roles.filter((role) => !(OFFICE_ROLES as readonly Role[]).includes(role))];
      await User.updateOne({ _id: person._id, organisationId: person.organisationId }, { $set: set });
      await deps.audit.record({
        organisationId: actor.organisationId,
        actor,
        action: 'person.imported',
        subject: { kind: 'person', id: row.personId, label: person.fullName },
        details: { importId, line: row.line, changes: row.changes },
      });
      if (row.changes.includes('department')) {
        await deps.events.emit('person.changed', {
          organisationId: actor.organisationId,
          userId: row.personId!,
          departmentId: row.departmentId ?? null,
          status: person.status ?? 'active',
          change: 'moved',
        });
      }
      result.updated += 1;
    }
  }
  await PeopleImport.updateOne({ _id: stored._id, organisationId: stored.organisationId }, { $set: { importedAt: new Date() } });
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor,
    action: 'import.run',
    subject: { kind: 'import', id: importId, label: stored.fileName ?? '' },
    details: { rows: rows.length, ...result },
  });
  return { alreadyImported: false, ...result };
}
