// Which statement ids have been voided, keyed by id: lets a late-arriving target be stored as voided without scanning the log.
import { Schema, model } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const voidMarkSchema = new Schema(
  {
    /** `<organisationId>:<voided statement id>`, so the lookup is by _id (the only filter FerretDB's SQLite backend pushes down). */
    _id: { type: String, required: true },
    /** The voiding statement. */
    voidingId: { type: String, required: true },
  },
  { versionKey: false },
);
voidMarkSchema.plugin(tenantScoped);

export const voidMarkId = (organisationId: string, statementId: string) => `${organisationId}:${statementId.toLowerCase()}`;
export const XapiVoidMark = model('XapiVoidMark', voidMarkSchema, 'xapi_void_marks');
