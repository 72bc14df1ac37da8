// Who may join an office on their own: the office admin's setting, the office search of the registration form, the rule.
import { Types } from 'mongoose';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import { NotFoundError } from '../http/errors.js';
import { Organisation, type JoinPolicy, type OrganisationDoc } from './organisation.model.js';

/** What the registration form shows of the office a person chose. */
export interface JoinableOffice {
  id: string;
  name: string;
  teryt?: string;
  joinPolicy: JoinPolicy;
  emailDomains: string[];
  /** Departments that take new people (archived ones do not). */
  departments: { id: string; name: string }[];
}

function joinableOffice(office: OrganisationDoc): JoinableOffice {
  return {
    id: office._id.toHexString(),
    name: office.name,
    teryt: office.teryt ?? undefined,
    // Offices stored before join policies existed have none: mongoose's default ('invitation') applies on read,
    // which is set here too for lean reads (see README, "Upgrading: who may join").
    joinPolicy: office.joinPolicy ?? 'invitation',
    emailDomains: office.emailDomains ?? [],
    departments: (office.departments ?? []).filter((d) => !d.archivedAt).map((d) => ({ id: d._id.toHexString(), name: d.name })),
  };
}

/** The office with this id for the registration form, or undefined (not an id, not an office). */
export async function joinableOfficeById(id: unknown): Promise<JoinableOffice | undefined> {
  if (typeof id !== 'string' || !Types.ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id)) return undefined;
  const office = await Organisation.findById(id).lean<OrganisationDoc>();
  return office && office.kind === 'office' ? joinableOffice(office) : undefined;
}

/** At most this many offices answer a search: a short list to choose from, never the whole country. */
export const OFFICE_SEARCH_LIMIT = 10;

function searchKey(text: string): string {
  return text.toLocaleLowerCase('pl').normalize('NFD').replace(/\p{M}/gu, '').replace(/ł/g, 'l').replace(/\s+/g, ' ').trim();
}

/**
 * Offices whose name contains every word of `query` (case and diacritics ignored: "lodz" finds "Łódź"), or whose
 * TERYT code starts with it when it is digits. Fewer than 2 characters find nothing. Returns up to
 * OFFICE_SEARCH_LIMIT, by name, and whether there were more (the person then types more).
 * Matching is done here rather than with a $regex: the typed text never becomes a pattern, and FerretDB reads
 * the collection for a regex anyway (a few thousand offices at most).
 */
export async function searchOffices(query: string): Promise<{ offices: JoinableOffice[]; more: boolean }> {
  const key = searchKey(query);
  if (key.length < 2) return { offices: [], more: false };
  const words = key.split(' ');
  const all = await Organisation.find({ kind: 'office' }).select('name teryt joinPolicy emailDomains departments kind').lean<OrganisationDoc[]>();
  const found = all
    .filter((office) => (/^\d+$/.test(key) ? (office.teryt ?? '').replace(/\D/g, '').startsWith(key) : words.every((word) => searchKey(office.name).includes(word))))
    .sort((a, b) => a.name.localeCompare(b.name, 'pl'));
  return { offices: found.slice(0, OFFICE_SEARCH_LIMIT).map(joinableOffice), more: found.length > OFFICE_SEARCH_LIMIT };
}

export type JoinRefusal = 'invitation-only' | 'domain';

/** Why `email` may not register into `office` on its own, or undefined when it may (approval: pending). */
export function joinRefusal(office: Pick<JoinableOffice, 'joinPolicy' | 'emailDomains'>, email: string): JoinRefusal | undefined {
  if (office.joinPolicy === 'invitation') return 'invitation-only';
  if (office.joinPolicy === 'domains') {
    // The exact domain after the last @: "urzad.gmina.pl" does not admit "evil-urzad.gmina.pl" nor a sub-domain.
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    if (!office.emailDomains.map((d) => d.toLowerCase()).includes(domain)) return 'domain';
  }
  return undefined;
}

export interface JoinPolicySetting {
  joinPolicy: JoinPolicy;
  emailDomains: string[];
}

/** The office's current setting (the admin's page). */
export async function joinPolicyOf(organisationId: string): Promise<JoinPolicySetting & { name: string }> {
  const office = await Organisation.findById(new Types.ObjectId(organisationId)).lean<OrganisationDoc>();
  if (!office) throw new NotFoundError();
  return { name: office.name, joinPolicy: office.joinPolicy ?? 'invitation', emailDomains: office.emailDomains ?? [] };
}

/**
 * Sets who may join the admin's own office. Nobody is deleted or changed: people already in the office (pending
 * ones too) stay as they are; the setting applies to registrations from now on. Recorded as organisation.joinPolicyChanged.
 */
export async function setJoinPolicy(deps: { audit: AuditTrail }, organisationId: string, setting: JoinPolicySetting, actor: AuditActor): Promise<void> {
  const before = await joinPolicyOf(organisationId);
  await Organisation.updateOne({ _id: new Types.ObjectId(organisationId) }, { $set: { joinPolicy: setting.joinPolicy, emailDomains: setting.emailDomains } });
  await deps.audit.record({
    organisationId,
    actor,
    action: 'organisation.joinPolicyChanged',
    subject: { kind: 'organisation', id: organisationId, label: before.name },
    details: { from: { joinPolicy: before.joinPolicy, emailDomains: before.emailDomains }, to: setting },
  });
}
