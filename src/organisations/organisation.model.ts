// Organisations: self-government associations (which author and share courses) and offices (JST) whose clerks learn.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const departmentSchema = new Schema({ name: { type: String, required: true, trim: true } });

const certificateTemplateSchema = new Schema(
  {
    signatoryName: { type: String, trim: true },
    signatoryRole: { type: String, trim: true },
    /** Accent colour of the certificate, #rrggbb. */
    accentColour: { type: String, match: /^#[0-9a-fA-F]{6}$/ },
    /** PNG logo, base64-encoded (small; shown on certificates). */
    logoPngBase64: { type: String },
    /** Adds an English line under the Polish text of the certificate. */
    englishLine: { type: Boolean, default: false },
  },
  { _id: false },
);

const organisationSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    slug: { type: String, required: true, unique: true, lowercase: true, trim: true },
    kind: { type: String, enum: ['association', 'office'], required: true },
    /** TERYT code of the office's unit, when known (e.g. 1465011 for Warszawa). */
    teryt: { type: String, trim: true },
    /** The associations an office is a member of: their shared courses are open to it. */
    memberOf: [{ type: Schema.Types.ObjectId, ref: 'Organisation' }],
    departments: [departmentSchema],
    certificateTemplate: { type: certificateTemplateSchema, default: () => ({}) },
  },
  { timestamps: true },
);

export type OrganisationDoc = InferSchemaType<typeof organisationSchema> & { _id: Types.ObjectId };
export const Organisation = model('Organisation', organisationSchema);
