// Input schemas of the people pages: the list's search and filters, the add and edit forms, the status changes.
import { z } from 'zod';
import { ACCOUNT_STATUSES } from '../auth/user.model.js';
import { objectId } from '../http/validate.js';
import { OFFICE_ROLES } from './people.policy.js';
import { PersonName } from '../auth/auth.schemas.js';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const asList = (value: unknown) => (value === undefined || value === '' ? [] : Array.isArray(value) ? (value as unknown[]) : [value]);

/** The list page's query: a bad filter value is ignored rather than refused (a bookmarked link keeps working). */
export const PeopleQuery = z.object({
  q: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()).catch(undefined),
  departmentId: z.preprocess(emptyToUndefined, objectId().optional()).catch(undefined),
  status: z.preprocess(emptyToUndefined, z.enum(ACCOUNT_STATUSES).optional()).catch(undefined),
  role: z.preprocess(emptyToUndefined, z.enum(OFFICE_ROLES).optional()).catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type PeopleQuery = z.infer<typeof PeopleQuery>;

/** `:userId` in the paths. */
export const PersonParams = z.object({ userId: objectId('Nie znaleziono osoby.') });

// The registration rule: no line breaks, invisible characters or links (the name goes into mails and onto certificates).
const fullName = PersonName;
const email = z
  .string({ error: 'people:errors.emailRequired' })
  .trim()
  .toLowerCase()
  .min(1, { error: 'people:errors.emailRequired' })
  .max(254, { error: 'people:errors.emailInvalid' })
  .pipe(z.email({ error: 'people:errors.emailInvalid' }));
const departmentId = z.preprocess(emptyToUndefined, objectId('people:errors.departmentFromList').optional());
const position = z.preprocess(emptyToUndefined, z.string().trim().max(200, { error: 'people:errors.positionTooLong' }).optional());
const employeeNumber = z.preprocess(emptyToUndefined, z.string().trim().max(50, { error: 'people:errors.employeeNumberTooLong' }).optional());
const roles = z.preprocess(asList, z.array(z.enum(OFFICE_ROLES, { error: 'people:errors.rolesFromList' })).max(OFFICE_ROLES.length));
const reason = z.preprocess(emptyToUndefined, z.string().trim().max(500, { error: 'people:errors.reasonTooLong' }).optional());

/** Adding one person (the invitation goes out at once). */
export const AddPersonBody = z.object({ fullName, email, departmentId, position, employeeNumber, roles });
export type AddPersonBody = z.infer<typeof AddPersonBody>;

/** The edit form's details: department, position, employee number (roles have their own form). */
export const PersonDetailsBody = z.object({ departmentId, position, employeeNumber, reason });
export type PersonDetailsBody = z.infer<typeof PersonDetailsBody>;

/** The roles form (office admins only). */
export const PersonRolesBody = z.object({ roles, reason });
export type PersonRolesBody = z.infer<typeof PersonRolesBody>;

/** Deactivating a leaver: the reason is required (it is the record of why someone lost access). */
export const DeactivateBody = z.object({
  reason: z.string({ error: 'people:errors.reasonRequired' }).trim().min(3, { error: 'people:errors.reasonRequired' }).max(500, { error: 'people:errors.reasonTooLong' }),
});
export type DeactivateBody = z.infer<typeof DeactivateBody>;

/** Reactivating: the reason is optional. */
export const ReactivateBody = z.object({ reason });
export type ReactivateBody = z.infer<typeof ReactivateBody>;
