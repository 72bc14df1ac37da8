// zod schemas of the operator's and office admins' forms; messages are organisations-namespace keys.
import { z } from 'zod';
import { isObjectId, objectId } from '../http/validate.js';
import { nameProblem } from '../mail/person-name.js';
import { OFFICE_TYPES } from './organisation.model.js';

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** A required text field: arrays, objects and blanks all fail with the field's own message. */
function text(requiredKey: string, maxLength = 200) {
  return z.string({ error: requiredKey }).trim().min(1, { error: requiredKey }).max(maxLength, { error: 'organisations:errors.tooLong' });
}

/** An optional text field: blank means "not set". */
function optionalText(maxLength = 200) {
  return z.preprocess(blankToUndefined, z.string({ error: 'organisations:errors.tooLong' }).trim().max(maxLength, { error: 'organisations:errors.tooLong' }).optional());
}

const email = (key: string) =>
  z
    .string({ error: key })
    .trim()
    .toLowerCase()
    .min(1, { error: key })
    .max(254, { error: key })
    .pipe(z.email({ error: key }));

const optionalEmail = z.preprocess(blankToUndefined, email('organisations:errors.emailInvalid').optional());

/** A phone number as people write it: digits, spaces, +, -, parentheses; 7 to 20 characters. */
const optionalPhone = z.preprocess(
  blankToUndefined,
  z
    .string({ error: 'organisations:errors.phoneInvalid' })
    .trim()
    .regex(/^\+?[0-9 ()-]{7,20}$/, { error: 'organisations:errors.phoneInvalid' })
    .optional(),
);

/** A person's name as printed (certificate signatory, coordinator): no line breaks, no links. */
function personName(requiredKey: string) {
  return text(requiredKey, 120)
    .refine((value) => nameProblem(value) !== 'characters', { error: 'organisations:errors.nameCharacters', abort: true })
    .refine((value) => nameProblem(value) !== 'link', { error: 'organisations:errors.nameLink' });
}

/** A TERYT code of a unit: 7 digits (4 of the voivodeship and county, 2 of the gmina, 1 of its type). */
export const TERYT_PATTERN = /^\d{7}$/;

/** An e-mail domain such as urzad.gmina.pl: labels of letters, digits and hyphens, a dot between them, at least two labels. */
const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Domains as typed (comma- or line-separated, any case) → a lower-case list without duplicates; refused if any is malformed. */
const emailDomains = z
  .preprocess((value) => (value === undefined ? '' : value), z.string({ error: 'organisations:errors.domainsInvalid' }).max(2000, { error: 'organisations:errors.tooLong' }))
  .transform((value) => [
    ...new Set(
      value
        .split(/[,;\s]+/)
        .map((domain) => domain.trim().toLowerCase().replace(/^@/, ''))
        .filter(Boolean),
    ),
  ])
  .refine((domains) => domains.every((domain) => DOMAIN_PATTERN.test(domain)), { error: 'organisations:errors.domainsInvalid' });

/** A checkbox group: absent, one value or many → a list. */
const idList = z.preprocess(
  (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value]),
  z
    .array(z.string({ error: 'organisations:errors.associationInvalid' }), { error: 'organisations:errors.associationInvalid' })
    // Checked on the whole list, so that the message belongs to the field (memberOf), not to memberOf.0.
    .refine((ids) => ids.every((id) => isObjectId(id)), { error: 'organisations:errors.associationInvalid' }),
);

export const NewAssociationBody = z.object({
  name: text('organisations:errors.nameRequired'),
  emailDomains,
});
export type NewAssociationInput = z.infer<typeof NewAssociationBody>;

export const NewOfficeBody = z.object({
  name: text('organisations:errors.nameRequired'),
  officeType: z.enum(OFFICE_TYPES, { error: 'organisations:errors.officeTypeRequired' }),
  teryt: z.string({ error: 'organisations:errors.terytInvalid' }).trim().regex(TERYT_PATTERN, { error: 'organisations:errors.terytInvalid' }),
  emailDomains,
  memberOf: idList,
});
export type NewOfficeInput = z.infer<typeof NewOfficeBody>;

export const AppointAdministratorBody = z.object({
  fullName: personName('organisations:errors.fullNameRequired'),
  email: email('organisations:errors.emailInvalid'),
});
export type AppointAdministratorInput = z.infer<typeof AppointAdministratorBody>;

export const DepartmentNameBody = z.object({ name: text('organisations:errors.departmentNameRequired', 120) });
export const MergeDepartmentBody = z.object({ intoId: objectId('organisations:errors.mergeTargetRequired') });
export const DepartmentIdParams = z.object({ id: objectId('organisations:errors.departmentInvalid') });
export type DepartmentIdParams = z.infer<typeof DepartmentIdParams>;
export const OrganisationIdParams = z.object({ id: objectId() });
export type OrganisationIdParams = z.infer<typeof OrganisationIdParams>;

/** The text fields of the office identity form (the herb comes as a file, checked by office-emblem.ts). */
export const OfficeSettingsBody = z.object({
  officialName: text('organisations:errors.officialNameRequired'),
  signatoryName: z.preprocess(blankToUndefined, personName('organisations:errors.fullNameRequired').optional()),
  signatoryRole: optionalText(120),
  accentColour: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'organisations:errors.colourInvalid' })
      .trim()
      .regex(/^#[0-9a-fA-F]{6}$/, { error: 'organisations:errors.colourInvalid' })
      .toLowerCase()
      .optional(),
  ),
  contactEmail: optionalEmail,
  contactPhone: optionalPhone,
  coordinatorName: z.preprocess(blankToUndefined, personName('organisations:errors.fullNameRequired').optional()),
  coordinatorEmail: optionalEmail,
  coordinatorPhone: optionalPhone,
  /** "tak" removes the stored herb (when no new file is sent). */
  removeLogo: z.preprocess(blankToUndefined, z.literal('tak').optional().catch(undefined)),
});
export type OfficeSettingsInput = z.infer<typeof OfficeSettingsBody>;
