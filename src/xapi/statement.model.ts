// Stored xAPI statements: the canonical JSON kept verbatim as a string beside flat fields the LRS queries filter on.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { partitionOf, partitionedOrganisations } from '../db/partitions.js';
import { tenantScoped } from '../db/tenant-scoped.js';

const statementSchema = new Schema(
  {
    /**
     * `<organisationId>:<statement id>` (statementKey): statement ids are the organisation's own, so two offices
     * may use the same id for two different statements, and a look-up by id stays an `_id` look-up (the only
     * filter FerretDB's SQLite backend pushes down). Documents stored before this were keyed by the bare id;
     * migrateStatementKeys (xapi-startup.ts) rewrites them once.
     */
    _id: { type: String, required: true },
    /** The statement id (lower-case UUID), as the LRS answers it. */
    statementId: { type: String, required: true },
    /**
     * The statement exactly as the LRS returns it (format=exact), serialised once at storage.
     * A string because extension keys are IRIs containing dots, which may not be document keys.
     */
    json: { type: String, required: true },
    stored: { type: Date, required: true },
    /** True once a voiding statement targets this one (never true for a voiding statement itself). */
    voided: { type: Boolean, default: false },
    verbId: { type: String, required: true },
    /** Id of the statement the object refers to (StatementRef objects, voiding statements included). */
    targetId: { type: String },
    /** Keys of the actor and object agents/groups (and group members) for the `agent` filter. */
    agentKeys: { type: [String], default: [] },
    /** Also authority, instructor, team and those in a sub-statement (related_agents=true). */
    relatedAgentKeys: { type: [String], default: [] },
    /** The object's activity id, when the object is an Activity. */
    activityIds: { type: [String], default: [] },
    /** Object, context activities, and those in a sub-statement (related_activities=true). */
    relatedActivityIds: { type: [String], default: [] },
    registration: { type: String },
    /** agentKey() of the authority the LRS set: who recorded the statement (the platform, or an LRS client's key). */
    authorityKey: { type: String },
    /** SHA-2 hashes of attachments whose content the LRS holds. */
    attachmentHashes: { type: [String], default: [] },
  },
  { versionKey: false },
);
statementSchema.plugin(tenantScoped);
// Listing order of the Statements resource (on MongoDB; FerretDB's SQLite backend sorts in memory).
statementSchema.index({ organisationId: 1, stored: -1, _id: -1 });

/** The `_id` of statement `statementId` in one organisation. */
export const statementKey = (organisationId: string, statementId: string) => `${organisationId}:${statementId.toLowerCase()}`;

export type StatementRecord = InferSchemaType<typeof statementSchema>;

/**
 * The model of the shared collection `xapi_statements`, where statements lived before the log was split per
 * organisation: only migrateStatementPartitions (xapi-startup.ts) reads it, to move what is left there. Every
 * other read and write goes through statementsOf().
 */
export const XapiStatement = model('XapiStatement', statementSchema, 'xapi_statements');

/**
 * The statement log of one organisation: its own collection `xapi_statements_<organisationId>` (src/db/partitions.ts
 * says why). Look-ups by `_id` stay exactly `{ _id }` (the one filter FerretDB's SQLite backend pushes down); the
 * partition already scopes them. Other filters still name the organisation for the tenant-scoping plugin.
 */
export function statementsOf(organisationId: string | Types.ObjectId): Promise<typeof XapiStatement> {
  return partitionOf(XapiStatement, organisationId);
}

/** Hex ids of the organisations with a statement log (cross-tenant: rebuild, migrations, tests). */
export function organisationsWithStatements(): Promise<string[]> {
  return partitionedOrganisations(XapiStatement);
}
