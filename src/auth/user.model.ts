// People who use the platform: learners (clerks), HR staff, authors and admins, each in one organisation.
import { randomUUID } from 'node:crypto';
import mongoose, { Schema, model, type InferSchemaType, type Query, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';
import { removeMemberCopy, storeMemberCopy, storeNewMemberCopies } from './organisation-member.model.js';

/**
 * learner (a clerk), hr (the office's HR: assignments, people, reports), author (writes courses), admin (an office's
 * or an association's administrator: that organisation only), iod (the office's data protection officer: reads the
 * audit and access trails), operator (the body running the instance: creates
 * associations and offices, appoints their first administrators; belongs to the platform organisation).
 */
export const ROLES = ['learner', 'hr', 'author', 'admin', 'iod', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/**
 * invited: added by HR or an admin, has not set a password yet (cannot sign in); pending: registered into an office
 * that approves newcomers, waits for HR (cannot sign in, not in reports); active; deactivated: a leaver (cannot sign in,
 * kept in reports as "poza urzędem" with their records and certificates; can be reactivated).
 */
export const ACCOUNT_STATUSES = ['invited', 'pending', 'active', 'deactivated'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** One period of a person in a department (moves keep their history). */
const departmentPeriodSchema = new Schema(
  {
    departmentId: { type: Schema.Types.ObjectId, required: true },
    from: { type: Date, required: true },
    to: { type: Date },
  },
  { _id: false },
);

const userSchema = new Schema(
  {
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    /** Unset while the person is invited and has not chosen a password. */
    passwordHash: { type: String },
    /** Full name as it should appear on certificates, with Polish letters. */
    fullName: { type: String, required: true, trim: true },
    departmentId: { type: Schema.Types.ObjectId },
    /** Earlier and current departments, oldest first (the current one has no `to`). */
    departmentHistory: { type: [departmentPeriodSchema], default: [] },
    /** Job title (stanowisko), as HR keeps it. */
    position: { type: String, trim: true },
    /** The office's own employee number, unique within the office when given (imports match on it). */
    employeeNumber: { type: String, trim: true },
    status: { type: String, enum: ACCOUNT_STATUSES, default: 'active' },
    deactivatedAt: { type: Date },
    roles: { type: [String], enum: ROLES, default: ['learner'] },
    /** Opaque, stable id used as the xAPI account name: statements never carry the e-mail. */
    learnerId: { type: String, required: true, unique: true, default: () => randomUUID() },
    emailConfirmedAt: { type: Date },
    /** A new address the person asked for on /konto: it replaces `email` only when its link is opened. */
    pendingEmail: { type: String, lowercase: true, trim: true },
    /** When the person ticked the privacy notice at registration (accountability under RODO art. 5(2)). */
    privacyNoticeAcceptedAt: { type: Date },
    language: { type: String, enum: ['pl', 'en'], default: 'pl' },
    /** The learner allows the verification page to show the score on certificates. */
    showScoreOnCertificates: { type: Boolean, default: false },
    /**
     * The office directory identity the account is linked to (src/sso): the sign-in method and the person's stable id
     * there (LDAP entryUUID / AD objectGUID, OIDC sub, SAML NameID). Set by provisioning; an e-mail change at the
     * directory then updates this account instead of creating a second one.
     */
    directory: {
      type: new Schema({ methodId: { type: Schema.Types.ObjectId, required: true }, subject: { type: String, required: true } }, { _id: false }),
      default: undefined,
    },
  },
  { timestamps: true },
);
userSchema.plugin(tenantScoped);

type UserWrite = Query<unknown, unknown>;
type StoredUser = Record<string, unknown> & { _id: Types.ObjectId; organisationId: Types.ObjectId };

/** The users a write is about to touch: named by `_id` (every write the platform makes), or found by its filter. */
const touched = new WeakMap<UserWrite, StoredUser[]>();
async function usersTouchedBy(query: UserWrite): Promise<StoredUser[]> {
  const filter = query.getFilter();
  const id = filter._id as unknown;
  const named = id instanceof mongoose.Types.ObjectId || typeof id === 'string' ? [id] : (id as { $in?: unknown[] } | undefined)?.$in;
  const users = named
    ? await Promise.all(named.map((one) => User.findById(one).select('_id organisationId').lean<StoredUser>()))
    : await User.find(filter).setOptions({ acrossOrganisations: true }).select('_id organisationId').lean<StoredUser[]>();
  return users.filter((user): user is StoredUser => user !== null);
}

// Every write keeps the person's copy in their organisation's member partition in step (organisation-member.model.ts):
// HR's lists read those copies. A process that dies between the two writes is repaired at the next start.
userSchema.post('save', async function () {
  await storeMemberCopy(this.toObject() as unknown as StoredUser);
});
userSchema.post('insertMany', async function (docs: Array<{ toObject(): unknown }>) {
  await storeNewMemberCopies(docs.map((doc) => doc.toObject() as StoredUser));
});
const UPDATES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne'] as const;
const DELETES = ['deleteOne', 'deleteMany', 'findOneAndDelete'] as const;
for (const hook of [...UPDATES, ...DELETES]) {
  userSchema.pre(hook, async function (this: UserWrite) {
    touched.set(this, await usersTouchedBy(this));
  });
}
for (const hook of UPDATES) {
  userSchema.post(hook, async function (this: UserWrite) {
    for (const { _id } of touched.get(this) ?? []) {
      const user = await User.findById(_id).lean<StoredUser>();
      if (user) await storeMemberCopy(user);
    }
  });
}
for (const hook of DELETES) {
  userSchema.post(hook, async function (this: UserWrite) {
    for (const { _id, organisationId } of touched.get(this) ?? []) {
      if (!(await User.exists({ _id }))) await removeMemberCopy(_id, organisationId);
    }
  });
}

// organisationId comes from the tenantScoped plugin, which InferSchemaType cannot see.
export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const User = model('User', userSchema);
