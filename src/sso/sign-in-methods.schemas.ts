// zod schemas of the sign-in method pages: the common part of every method's form, the ids, the switches.
import { z } from 'zod';
import { objectId } from '../http/validate.js';
import { OFFICE_ROLES } from '../people/people.policy.js';
import { SIGN_IN_KINDS } from './sign-in-method.model.js';

/** Repeated form fields (one per table row) as a list of strings; a single value as a list of one. */
const rows = z.preprocess(
  (value): unknown[] => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value]),
  z.array(z.string().max(500, { error: 'sso:errors.tooLong' })).max(200),
);
const checkbox = z.preprocess((value) => value === 'tak' || value === true, z.boolean());

/** Roles a directory group may give (learner is everyone's; the operator is never an office's to give). */
export const MAPPABLE_ROLES = OFFICE_ROLES.filter((role) => role !== 'learner');

/**
 * The part every method's form shares: the label, enabled, and the mapping tables (rows of value → department,
 * group → role; blank rows are dropped, a half-filled row is an error on its field).
 */
export const MethodCommonForm = z
  .object({
    label: z.string({ error: 'sso:errors.labelRequired' }).trim().min(1, { error: 'sso:errors.labelRequired' }).max(100, { error: 'sso:errors.tooLong' }),
    enabled: checkbox,
    departmentAttribute: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
      z
        .string()
        .trim()
        .max(100, { error: 'sso:errors.tooLong' })
        .regex(/^[A-Za-z][A-Za-z0-9-]*$/, { error: 'sso:errors.attributeName' })
        .optional(),
    ),
    departmentValue: rows,
    departmentId: rows,
    groupName: rows,
    groupRole: rows,
  })
  .transform((form, context) => {
    const departments: Array<{ value: string; departmentId: string }> = [];
    form.departmentValue.forEach((raw, index) => {
      const value = raw.trim();
      const departmentId = (form.departmentId[index] ?? '').trim();
      if (!value && !departmentId) return;
      if (!value || !/^[0-9a-f]{24}$/i.test(departmentId)) context.addIssue({ code: 'custom', path: ['departmentValue'], message: 'sso:errors.departmentRow' });
      else departments.push({ value, departmentId });
    });
    const groupRoles: Array<{ group: string; role: (typeof MAPPABLE_ROLES)[number] }> = [];
    form.groupName.forEach((raw, index) => {
      const group = raw.trim();
      const role = (form.groupRole[index] ?? '').trim();
      if (!group && !role) return;
      if (!group || !(MAPPABLE_ROLES as readonly string[]).includes(role)) context.addIssue({ code: 'custom', path: ['groupName'], message: 'sso:errors.groupRow' });
      else groupRoles.push({ group, role: role as (typeof MAPPABLE_ROLES)[number] });
    });
    return { label: form.label, enabled: form.enabled, mapping: { departmentAttribute: form.departmentAttribute, departments, groupRoles } };
  });
export type MethodCommonInput = z.infer<typeof MethodCommonForm>;

export const MethodIdParams = z.object({ id: objectId() });
export type MethodIdParams = z.infer<typeof MethodIdParams>;

export const KindParams = z.object({ kind: z.enum(SIGN_IN_KINDS) });
export type KindParams = z.infer<typeof KindParams>;

export const LocalPasswordsBody = z.object({ localPasswords: z.enum(['on', 'off'], { error: 'sso:errors.choice' }) });
export type LocalPasswordsBody = z.infer<typeof LocalPasswordsBody>;

/** The username and password of the LDAP sign-in form. */
export const LdapSignInBody = z.object({
  username: z.string({ error: 'sso:errors.usernameRequired' }).trim().min(1, { error: 'sso:errors.usernameRequired' }).max(256, { error: 'sso:errors.tooLong' }),
  password: z.string({ error: 'sso:errors.passwordRequired' }).min(1, { error: 'sso:errors.passwordRequired' }).max(1000, { error: 'sso:errors.tooLong' }),
  next: z.preprocess((value) => (value === '' ? undefined : value), z.string().max(2000).optional().catch(undefined)),
});
export type LdapSignInBody = z.infer<typeof LdapSignInBody>;

/** The e-mail typed to find one's office on the sign-in page, or the office picked from the list. */
export const FindOfficeQuery = z.object({
  email: z.preprocess((value) => (typeof value === 'string' && value.trim() ? value.trim().toLowerCase() : undefined), z.string().max(254).optional().catch(undefined)),
  urzad: z.preprocess((value) => (typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value) ? value : undefined), z.string().optional().catch(undefined)),
});
export type FindOfficeQuery = z.infer<typeof FindOfficeQuery>;
