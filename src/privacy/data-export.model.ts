// A person's request for their data (art. 15, 20 RODO): built in the background into a zip, downloadable until it expires.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * One export per person at a time (`_id`: their user id, so a second request while one waits is the same record).
 * The download address carries a random token besides needing the owner signed in: a link copied into the wrong
 * place opens nothing for anyone else, and a guessed address finds nothing.
 */
const dataExportSchema = new Schema(
  {
    _id: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    status: { type: String, enum: ['requested', 'ready', 'failed'], required: true, default: 'requested' },
    /** The random part of the download address (the download also needs the owner signed in). */
    token: { type: String },
    readyAt: { type: Date },
    expiresAt: { type: Date },
    bytes: { type: Number },
    chunks: { type: Number },
    attempts: { type: Number, default: 0 },
    lastError: { type: String },
  },
  { versionKey: false },
);
dataExportSchema.plugin(tenantScoped);

export interface DataExportDoc {
  _id: string;
  organisationId: Types.ObjectId;
  requestedAt: Date;
  status: 'requested' | 'ready' | 'failed';
  token?: string;
  readyAt?: Date;
  expiresAt?: Date;
  bytes?: number;
  chunks?: number;
  attempts?: number;
  lastError?: string;
}
export const DataExport = model('DataExport', dataExportSchema);

/** The zip's bytes in pieces under a document's limit (`<userId>:<requestedAt ms>:<n>`), read back by `_id` one by one. */
const dataExportChunkSchema = new Schema({ _id: { type: String, required: true }, data: { type: Buffer, required: true } }, { versionKey: false });
dataExportChunkSchema.plugin(tenantScoped);
export const DataExportChunk = model('DataExportChunk', dataExportChunkSchema);
