// An office's ways to sign in with its own directory (LDAP/AD, OIDC, SAML): settings, the sealed secret and the mapping.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';
import { ROLES, type Role } from '../auth/user.model.js';

/** The protocols an office's directory may speak; each has its settings schema in src/sso/<kind>/<kind>.settings.ts. */
export const SIGN_IN_KINDS = ['ldap', 'oidc', 'saml'] as const;
export type SignInKind = (typeof SIGN_IN_KINDS)[number];

/** The SecretBox purpose of a method's sealed secret: a value sealed for one kind does not open as another's. */
export function secretPurposeOf(kind: SignInKind): string {
  return `sso-${kind}-secret`;
}

const departmentRuleSchema = new Schema(
  {
    /** A value of the department attribute, or a group's name (DN or cn), as the directory spells it. */
    value: { type: String, required: true, trim: true },
    departmentId: { type: Schema.Types.ObjectId, required: true },
  },
  { _id: false },
);

const groupRoleSchema = new Schema(
  {
    /** A group as the directory names it (a DN such as cn=Kadry,ou=Grupy,dc=urzad,dc=local, or just its cn "Kadry"). */
    group: { type: String, required: true, trim: true },
    role: { type: String, enum: ROLES, required: true },
  },
  { _id: false },
);

const mappingSchema = new Schema(
  {
    /** The attribute holding the department (e.g. `department`, `ou`); without it, only groups map departments. */
    departmentAttribute: { type: String, trim: true },
    /** Attribute value or group → department, first match wins. */
    departments: { type: [departmentRuleSchema], default: [] },
    /**
     * Group → role. Every role named here is the directory's to give and take away; roles not named are left as
     * the office set them on the people pages. Learner is always given.
     */
    groupRoles: { type: [groupRoleSchema], default: [] },
  },
  { _id: false },
);

const signInMethodSchema = new Schema(
  {
    kind: { type: String, enum: SIGN_IN_KINDS, required: true },
    /** Shown on the sign-in button, e.g. "Active Directory urzędu". */
    label: { type: String, required: true, trim: true },
    enabled: { type: Boolean, default: true },
    /** The kind's settings as its zod schema (src/sso/<kind>/<kind>.settings.ts) parsed them; never a secret. */
    settings: { type: Schema.Types.Mixed, default: () => ({}) },
    /** The bind password / client secret / private key, sealed by the SecretBox for secretPurposeOf(kind). */
    sealedSecret: { type: String },
    mapping: { type: mappingSchema, default: () => ({}) },
    /** When the last LDAP sync applied its changes (for the admin page). */
    lastSyncAt: { type: Date },
  },
  { timestamps: true, minimize: false },
);
signInMethodSchema.plugin(tenantScoped);

/** The mapping as plain data (what a lean read gives, and what the provisioning rules and tests build). */
export interface SignInMapping {
  departmentAttribute?: string | null;
  departments: Array<{ value: string; departmentId: Types.ObjectId }>;
  groupRoles: Array<{ group: string; role: Role }>;
}

export type SignInMethodDoc = Omit<InferSchemaType<typeof signInMethodSchema>, 'mapping' | 'settings'> & {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  /** The kind's settings, as stored: parse them with the kind's schema before use. */
  settings: unknown;
  mapping: SignInMapping;
};
export const SignInMethod = model('SignInMethod', signInMethodSchema, 'sign_in_methods');
