// The sso feature's read API: an office's sign-in methods and policy, for the sign-in page, the login and the adapters.
import { Types } from 'mongoose';
import { isObjectId } from '../http/validate.js';
import { Organisation, type OrganisationDoc } from '../organisations/organisation.model.js';
import { OfficeSignIn, type OfficeSignInDoc } from './office-sign-in.model.js';
import { SignInMethod, type SignInKind, type SignInMethodDoc } from './sign-in-method.model.js';

/** A method as the sign-in page offers it (no settings, no secret). */
export interface OfferedMethod {
  id: string;
  kind: SignInKind;
  label: string;
}

/** The office's methods, enabled or not, in the order they were added (admin page, sync). */
export async function methodsOfOffice(organisationId: string | Types.ObjectId): Promise<SignInMethodDoc[]> {
  return SignInMethod.find({ organisationId: new Types.ObjectId(String(organisationId)) })
    .sort({ createdAt: 1, _id: 1 })
    .lean<SignInMethodDoc[]>();
}

/** The address of an LDAP method's sync page (its dry run and apply, src/sso/ldap/ldap-sync.routes.ts). */
export const ldapSyncPath = (methodId: string | Types.ObjectId) => `/urzad/logowanie/${String(methodId)}/synchronizacja`;

/** The office's enabled LDAP methods as links to their sync pages: HR's people list offers them (HR has no admin pages). */
export async function directorySyncLinks(organisationId: string | Types.ObjectId): Promise<Array<{ label: string; href: string }>> {
  return (await enabledMethodsOf(organisationId)).filter((method) => method.kind === 'ldap').map((method) => ({ label: method.label, href: ldapSyncPath(method._id) }));
}

/** The office's enabled methods (the sign-in page's buttons, the "local passwords off" message). */
export async function enabledMethodsOf(organisationId: string | Types.ObjectId): Promise<SignInMethodDoc[]> {
  return (await methodsOfOffice(organisationId)).filter((method) => method.enabled);
}

/** One method by id, whichever office's (ids are unguessable; callers check `organisationId` and `enabled`), or undefined. */
export async function signInMethodById(id: string): Promise<SignInMethodDoc | undefined> {
  if (!isObjectId(id)) return undefined;
  return (await SignInMethod.findById(id).lean<SignInMethodDoc>()) ?? undefined;
}

/** One enabled method of the given kind by id, or undefined (what a protocol's sign-in route starts from). */
export async function enabledMethodById(id: string, kind: SignInKind): Promise<SignInMethodDoc | undefined> {
  const method = await signInMethodById(id);
  return method && method.enabled && method.kind === kind ? method : undefined;
}

/** The methods to offer as buttons: plain objects. */
export function offeredMethods(methods: SignInMethodDoc[]): OfferedMethod[] {
  return methods.map((method) => ({ id: String(method._id), kind: method.kind, label: method.label }));
}

/**
 * The office an e-mail address belongs to by its domain (organisation.emailDomains), or undefined. A scan of the
 * organisations (a few hundred at most, across organisations by design: the person is not signed in yet).
 */
export async function officeByEmailDomain(email: string): Promise<Pick<OrganisationDoc, '_id' | 'name'> | undefined> {
  const domain = email.trim().toLowerCase().split('@')[1];
  if (!domain) return undefined;
  const office = await Organisation.findOne({ kind: 'office', emailDomains: domain }).select('_id name').lean<Pick<OrganisationDoc, '_id' | 'name'>>();
  return office ?? undefined;
}

/** The offices that have at least one enabled method (the "choose your office" list), by name. */
export async function officesWithMethods(): Promise<Array<{ id: string; name: string }>> {
  // Across organisations by design: the list is for people not signed in yet.
  const methods = await SignInMethod.find({ enabled: true })
    .setOptions({ acrossOrganisations: true })
    .select('organisationId')
    .lean<Array<Pick<SignInMethodDoc, 'organisationId'>>>();
  const ids = [...new Set(methods.map((method) => String(method.organisationId)))];
  const offices = await Promise.all(ids.map((id) => Organisation.findById(id).select('_id name').lean<Pick<OrganisationDoc, '_id' | 'name'>>()));
  return offices
    .filter((office): office is Pick<OrganisationDoc, '_id' | 'name'> => office !== null)
    .map((office) => ({ id: String(office._id), name: office.name }))
    .sort((a, b) => a.name.localeCompare(b.name, 'pl'));
}

/** Whether the office switched platform passwords off for its staff (read by `_id`). */
export async function localPasswordsOff(organisationId: string): Promise<boolean> {
  if (!isObjectId(organisationId)) return false;
  const policy = await OfficeSignIn.findById(organisationId).lean<OfficeSignInDoc>();
  return Boolean(policy?.localPasswordsOff);
}

/**
 * The methods a person signing in with a platform password must use instead, or undefined when the password is
 * fine: an office that switched passwords off and still has an enabled method (so nobody is locked out by a switch
 * left on after its last method went). The operator always keeps the password.
 */
export async function localPasswordRefusal(user: { organisationId: string; roles: readonly string[] }): Promise<OfferedMethod[] | undefined> {
  if (user.roles.includes('operator')) return undefined;
  if (!(await localPasswordsOff(user.organisationId))) return undefined;
  const methods = await enabledMethodsOf(user.organisationId);
  return methods.length ? offeredMethods(methods) : undefined;
}
