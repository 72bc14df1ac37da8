// LRS documents (State, Activity Profile, Agent Profile): opaque content with its content type and ETag.
import { Schema, model } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const documentSchema = new Schema(
  {
    /** SHA-256 of (organisation, kind, activity, agent, registration, document id): one document per scope and id. */
    _id: { type: String, required: true },
    kind: { type: String, enum: ['state', 'activityProfile', 'agentProfile'], required: true },
    activityId: { type: String },
    /** agentKey() of the agent the document belongs to (state, agent profile). */
    agentKey: { type: String },
    registration: { type: String },
    documentId: { type: String, required: true },
    /** Kept as bytes: the LRS returns documents exactly as stored, JSON or not. */
    content: { type: Buffer, required: true },
    contentType: { type: String, required: true },
    /** Quoted SHA-1 hex of the content (spec Communication 3.1). */
    etag: { type: String, required: true },
    updated: { type: Date, required: true },
  },
  { versionKey: false },
);
documentSchema.plugin(tenantScoped);

export const XapiDocument = model('XapiDocument', documentSchema, 'xapi_documents');
