// Organisations: self-government associations (which author and share courses) and offices (JST) whose clerks learn.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** Kinds of member office (JST and their units), as the operator records them. */
export const OFFICE_TYPES = ['gmina', 'miasto', 'powiat', 'starostwo', 'jednostka'] as const;
export type OfficeType = (typeof OFFICE_TYPES)[number];

/**
 * Who may join an office: invitation (only people HR or an admin adds), domains (self-registration for the office's
 * e-mail domains), approval (anyone may register; HR approves before they can sign in or count in reports).
 */
export const JOIN_POLICIES = ['invitation', 'domains', 'approval'] as const;
export type JoinPolicy = (typeof JOIN_POLICIES)[number];

const departmentSchema = new Schema({
  name: { type: String, required: true, trim: true },
  /** Archived departments are kept (history, reports) but take no new people. */
  archivedAt: { type: Date },
  /** Set when merged into another department (whose people it gave): the target's id. */
  mergedInto: { type: Schema.Types.ObjectId },
});

const certificateTemplateSchema = new Schema(
  {
    signatoryName: { type: String, trim: true },
    signatoryRole: { type: String, trim: true },
    /** Accent colour of the certificate, #rrggbb. */
    accentColour: { type: String, match: /^#[0-9a-fA-F]{6}$/ },
    /** The herb or logo as PNG, base64-encoded (checked and size-limited on upload: office-emblem.ts). */
    logoPngBase64: { type: String },
    /** The herb or logo as SVG text, already sanitised (office-emblem.ts); at most one of logoPngBase64 / logoSvg is set. */
    logoSvg: { type: String },
    /** Adds an English line under the Polish text of the certificate. */
    englishLine: { type: Boolean, default: false },
  },
  { _id: false },
);

const accessibilityCoordinatorSchema = new Schema(
  {
    name: { type: String, trim: true },
    email: { type: String, trim: true, lowercase: true },
    phone: { type: String, trim: true },
  },
  { _id: false },
);

const organisationSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    slug: { type: String, required: true, unique: true, lowercase: true, trim: true },
    /** platform: the operator's own organisation (one per installation). */
    kind: { type: String, enum: ['association', 'office', 'platform'], required: true },
    /** Offices only: gmina, miasto, powiat, starostwo or jednostka organizacyjna. */
    officeType: { type: String, enum: OFFICE_TYPES },
    /** The office's e-mail domains (urzad.gmina.pl), lower case: who may self-register under the `domains` policy. */
    emailDomains: { type: [String], default: [] },
    joinPolicy: { type: String, enum: JOIN_POLICIES, default: 'invitation' },
    /** TERYT code of the office's unit, when known (e.g. 1465011 for Warszawa). */
    teryt: { type: String, trim: true },
    /** The associations an office is a member of: their shared courses are open to it. */
    memberOf: [{ type: Schema.Types.ObjectId, ref: 'Organisation' }],
    /**
     * Course ids the office's admin hid from its catalogue (/urzad/szkolenia). Kept here, with the office's other
     * settings, because the learner's pages read the office by `_id` anyway (one look-up: organisation.service.ts
     * officeCourseFactsOf): a change is seen on the very next request of every instance, with no registry to refresh,
     * and it goes with the office when the office goes.
     */
    hiddenCourses: { type: [String], default: [] },
    departments: [departmentSchema],
    /** The office's identity (its certificates, mails, accessibility statement): certificateTemplate holds the herb and signatory. */
    certificateTemplate: { type: certificateTemplateSchema, default: () => ({}) },
    /** The full official name ("Urząd Gminy Łącko"), when it differs from the short `name` used in lists. */
    officialName: { type: String, trim: true },
    contactEmail: { type: String, trim: true, lowercase: true },
    contactPhone: { type: String, trim: true },
    /** The accessibility coordinator (Act of 19 July 2019), named in the accessibility statement. */
    accessibilityCoordinator: { type: accessibilityCoordinatorSchema, default: () => ({}) },
    /**
     * How many years the office keeps the certificates of a person it erased (proof of mandatory training, the
     * privacy feature's setting); unset = DEFAULT_CERTIFICATE_RETENTION_YEARS.
     */
    certificateRetentionYears: { type: Number, min: 0, max: 50 },
  },
  { timestamps: true },
);

/** The name an organisation goes by on certificates, in mails and on its statement: the official one when set. */
export function displayNameOf(organisation: { name: string; officialName?: string | null }): string {
  return organisation.officialName?.trim() || organisation.name;
}

export type OrganisationDoc = InferSchemaType<typeof organisationSchema> & { _id: Types.ObjectId };
export const Organisation = model('Organisation', organisationSchema);
