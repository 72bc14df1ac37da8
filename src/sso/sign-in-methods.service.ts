// The office admin's rules for sign-in methods: add, change, switch off, remove, check; platform passwords on or off.
import { Types } from 'mongoose';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { Organisation, type OrganisationDoc } from '../organisations/organisation.model.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { OfficeSignIn } from './office-sign-in.model.js';
import { openSecret, signInKindEntry, type ConnectionCheck, type SignInKindEntry } from './sign-in-kinds.js';
import { localPasswordsOff, methodsOfOffice, signInMethodById } from './sign-in-methods.read.js';
import type { MethodCommonInput } from './sign-in-methods.schemas.js';
import { SignInMethod, secretPurposeOf, type SignInKind, type SignInMethodDoc } from './sign-in-method.model.js';

/** What the admin pages need from the platform (a Platform fits). */
export interface SignInMethodsDeps {
  secretBox: SecretBox;
  audit: AuditTrail;
  logger: Pick<Logger, 'warn' | 'info'>;
}

/** The admin of an office, as the services see them. */
export type MethodsActor = AuditActor & { organisationId: string };

/** One method on the list page. */
export interface MethodListItem {
  id: string;
  kind: SignInKind;
  label: string;
  /** The locale key of the kind's name (sso:kinds.<kind>.name). */
  kindNameKey: string;
  enabled: boolean;
  lastSyncAt?: Date;
  syncable: boolean;
}

/** The list page: the office's methods and its platform-password switch. */
export async function signInMethodsPage(organisationId: string): Promise<{ methods: MethodListItem[]; localPasswordsOff: boolean }> {
  const methods = await methodsOfOffice(organisationId);
  return {
    methods: methods.map((method) => ({
      id: String(method._id),
      kind: method.kind,
      label: method.label,
      kindNameKey: `sso:kinds.${method.kind}.name`,
      enabled: method.enabled,
      lastSyncAt: method.lastSyncAt ?? undefined,
      syncable: method.kind === 'ldap',
    })),
    localPasswordsOff: await localPasswordsOff(organisationId),
  };
}

/** A method of the actor's office, or NotFoundError (another office's id is not found either). */
export async function methodOfOffice(organisationId: string, methodId: string): Promise<SignInMethodDoc> {
  const method = await signInMethodById(methodId);
  if (!method || String(method.organisationId) !== organisationId) throw new NotFoundError('Nie znaleziono sposobu logowania.');
  return method;
}

/** The office's current departments, for the mapping table's selects. */
export async function mappingDepartments(organisationId: string): Promise<Array<{ id: string; name: string }>> {
  const office = await Organisation.findById(organisationId).lean<OrganisationDoc>();
  return (office?.departments ?? []).filter((d) => !d.archivedAt).map((d) => ({ id: String(d._id), name: d.name }));
}

/** The edit form's starting point for a stored method: its values (no secret) and whether a secret is stored. */
export async function methodToEdit(organisationId: string, methodId: string) {
  const method = await methodOfOffice(organisationId, methodId);
  const entry = signInKindEntry(method.kind);
  if (!entry) throw new NotFoundError('Nie znaleziono sposobu logowania.');
  return {
    id: String(method._id),
    kind: method.kind,
    entry,
    hasSecret: Boolean(method.sealedSecret),
    values: { label: method.label, enabled: method.enabled ? 'tak' : '', departmentAttribute: method.mapping?.departmentAttribute ?? '', ...entry.formValues(method.settings) },
    departments: (method.mapping?.departments ?? []).map((rule) => ({ value: rule.value, departmentId: String(rule.departmentId) })),
    groupRoles: (method.mapping?.groupRoles ?? []).map((rule) => ({ group: rule.group, role: rule.role })),
  };
}

/**
 * Adds a method (no `methodId`) or changes one. The kind's part of the form becomes its settings; the secret, when
 * typed, is sealed (a blank secret keeps the stored one; a new method of a kind that needs one must be given it);
 * mapped departments must be the office's current ones. Audited without any secret.
 */
export async function saveMethod(
  deps: SignInMethodsDeps,
  actor: MethodsActor,
  kind: SignInKind,
  methodId: string | undefined,
  input: { common: MethodCommonInput; kindForm: unknown },
): Promise<{ id: string }> {
  const entry = signInKindEntry(kind);
  if (!entry) throw new NotFoundError('Nie znaleziono rodzaju logowania.');
  const existing = methodId ? await methodOfOffice(actor.organisationId, methodId) : undefined;
  if (existing && existing.kind !== kind) throw new NotFoundError('Nie znaleziono sposobu logowania.');
  const { settings, secret } = entry.settingsOf(input.kindForm);
  if (entry.secretRequired && !secret && !existing?.sealedSecret) throw new ValidationError({ [entry.secretField]: ['sso:errors.secretRequired'] });
  const open = new Set((await mappingDepartments(actor.organisationId)).map((d) => d.id));
  if (input.common.mapping.departments.some((rule) => !open.has(rule.departmentId))) throw new ValidationError({ departmentValue: ['sso:errors.departmentRow'] });
  const fields = {
    label: input.common.label,
    enabled: input.common.enabled,
    settings,
    mapping: {
      departmentAttribute: input.common.mapping.departmentAttribute,
      departments: input.common.mapping.departments.map((rule) => ({ value: rule.value, departmentId: new Types.ObjectId(rule.departmentId) })),
      groupRoles: input.common.mapping.groupRoles,
    },
    ...(secret ? { sealedSecret: deps.secretBox.seal(secret, secretPurposeOf(kind)) } : {}),
  };
  let id: string;
  if (existing) {
    await SignInMethod.updateOne({ _id: existing._id, organisationId: existing.organisationId }, { $set: fields });
    id = String(existing._id);
  } else {
    const created = await SignInMethod.create({ organisationId: new Types.ObjectId(actor.organisationId), kind, ...fields });
    id = String(created._id);
  }
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor,
    action: existing ? 'signInMethod.changed' : 'signInMethod.added',
    subject: { kind: 'signInMethod', id, label: input.common.label },
    details: { kind, enabled: input.common.enabled, secretChanged: Boolean(secret) },
  });
  return { id };
}

/** Switches a method on or off (off: its button goes from the sign-in page, its form refuses). */
export async function setMethodEnabled(deps: SignInMethodsDeps, actor: MethodsActor, methodId: string, enabled: boolean): Promise<SignInMethodDoc> {
  const method = await methodOfOffice(actor.organisationId, methodId);
  if (method.enabled === enabled) return method;
  await SignInMethod.updateOne({ _id: method._id, organisationId: method.organisationId }, { $set: { enabled } });
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor,
    action: 'signInMethod.changed',
    subject: { kind: 'signInMethod', id: methodId, label: method.label },
    details: { enabled },
  });
  return method;
}

/** Removes a method. The accounts it created stay (with their records); they sign in another way or not at all. */
export async function removeMethod(deps: SignInMethodsDeps, actor: MethodsActor, methodId: string): Promise<SignInMethodDoc> {
  const method = await methodOfOffice(actor.organisationId, methodId);
  await SignInMethod.deleteOne({ _id: method._id, organisationId: method.organisationId });
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor,
    action: 'signInMethod.removed',
    subject: { kind: 'signInMethod', id: methodId, label: method.label },
    details: { kind: method.kind },
  });
  return method;
}

/**
 * Switches platform passwords off (or back on) for the office's staff. Off needs an enabled method first, so that
 * the switch cannot lock the office out; the operator keeps the password whatever the switch.
 */
export async function setLocalPasswords(deps: SignInMethodsDeps, actor: MethodsActor, off: boolean): Promise<void> {
  if (off && !(await methodsOfOffice(actor.organisationId)).some((method) => method.enabled)) throw new ValidationError({ localPasswords: ['sso:errors.noMethodForPasswordsOff'] });
  if ((await localPasswordsOff(actor.organisationId)) === off) return;
  const organisationId = new Types.ObjectId(actor.organisationId);
  await OfficeSignIn.updateOne({ _id: organisationId, organisationId }, { $set: { localPasswordsOff: off } }, { upsert: true });
  await deps.audit.record({
    organisationId: actor.organisationId,
    actor,
    action: 'organisation.localPasswordsChanged',
    subject: { kind: 'organisation', id: actor.organisationId },
    details: { localPasswordsOff: off },
  });
}

/** "Sprawdź połączenie": the kind's own check with the stored settings and secret; the directory's detail is logged. */
export async function checkMethodConnection(deps: SignInMethodsDeps, organisationId: string, methodId: string): Promise<ConnectionCheck & { label: string }> {
  const method = await methodOfOffice(organisationId, methodId);
  const entry = signInKindEntry(method.kind);
  if (!entry?.checkConnection) return { ok: false, messageKey: 'sso:check.notAvailable', label: method.label };
  const settings = entry.parseSettings(method.settings);
  if (!settings) return { ok: false, messageKey: 'sso:check.badSettings', label: method.label };
  const result = await entry.checkConnection(settings, openSecret(deps.secretBox, method));
  if (!result.ok) deps.logger.warn({ signInMethodId: methodId, problem: result.messageKey, detail: result.detail }, 'directory connection check failed');
  return { ...result, label: method.label };
}

/** The kind entries as the add page lists them. */
export function kindChoices(entries: SignInKindEntry[]): Array<{ kind: SignInKind; nameKey: string; descriptionKey: string }> {
  return entries.map((entry) => ({ kind: entry.kind, nameKey: entry.nameKey, descriptionKey: entry.descriptionKey }));
}
