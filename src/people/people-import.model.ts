// A people file after its dry run: the rows as read, kept in the database by id until HR imports them (or a day passes).
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const importRowSchema = new Schema(
  {
    line: { type: Number, required: true },
    fullName: { type: String, default: '' },
    email: { type: String, default: '' },
    department: { type: String, default: '' },
    position: { type: String, default: '' },
    roles: { type: String, default: '' },
    employeeNumber: { type: String, default: '' },
  },
  { _id: false },
);

const peopleImportSchema = new Schema(
  {
    /** Who uploaded it: only they import it (another HR person uploads the file again). */
    uploadedBy: { type: Schema.Types.ObjectId, required: true },
    fileName: { type: String, default: '' },
    uploadedAt: { type: Date, required: true, default: () => new Date() },
    rows: { type: [importRowSchema], default: [] },
    ignoredColumns: { type: [String], default: [] },
    /** Set when imported: an import runs once (the claim `people-import:<id>` decides between two clicks). */
    importedAt: { type: Date },
  },
  { versionKey: false },
);
peopleImportSchema.plugin(tenantScoped);

export type PeopleImportDoc = InferSchemaType<typeof peopleImportSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const PeopleImport = model('PeopleImport', peopleImportSchema);
