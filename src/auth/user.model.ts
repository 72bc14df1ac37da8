// People who use the platform: learners (clerks), HR staff, authors and admins, each in one organisation.
import { randomUUID } from 'node:crypto';
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

export const ROLES = ['learner', 'hr', 'author', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const userSchema = new Schema(
  {
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true },
    /** Full name as it should appear on certificates, with Polish letters. */
    fullName: { type: String, required: true, trim: true },
    departmentId: { type: Schema.Types.ObjectId },
    roles: { type: [String], enum: ROLES, default: ['learner'] },
    /** Opaque, stable id used as the xAPI account name: statements never carry the e-mail. */
    learnerId: { type: String, required: true, unique: true, default: () => randomUUID() },
    emailConfirmedAt: { type: Date },
    /** When the person ticked the privacy notice at registration (accountability under RODO art. 5(2)). */
    privacyNoticeAcceptedAt: { type: Date },
    language: { type: String, enum: ['pl', 'en'], default: 'pl' },
    /** The learner allows the verification page to show the score on certificates. */
    showScoreOnCertificates: { type: Boolean, default: false },
  },
  { timestamps: true },
);
userSchema.plugin(tenantScoped);

// organisationId comes from the tenantScoped plugin, which InferSchemaType cannot see.
export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const User = model('User', userSchema);
