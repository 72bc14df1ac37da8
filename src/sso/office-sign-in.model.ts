// An office's sign-in policy beside its directory methods: whether its staff may still use platform passwords.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/** One document per office that changed its policy; `_id` is the office's id, so the login reads it by `_id`. */
const officeSignInSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    /** Staff sign in only through the office's directory; the operator always keeps the local password. */
    localPasswordsOff: { type: Boolean, default: false },
  },
  { timestamps: true },
);
officeSignInSchema.plugin(tenantScoped);

export type OfficeSignInDoc = InferSchemaType<typeof officeSignInSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const OfficeSignIn = model('OfficeSignIn', officeSignInSchema, 'office_sign_in');
