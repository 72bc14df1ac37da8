// Mongoose plugin: documents belong to one organisation, and no query may forget which.
import { Schema, type Query } from 'mongoose';

const QUERY_HOOKS = [
  'countDocuments',
  'deleteMany',
  'deleteOne',
  'find',
  'findOne',
  'findOneAndDelete',
  'findOneAndUpdate',
  'replaceOne',
  'updateMany',
  'updateOne',
] as const;

export class MissingTenantScopeError extends Error {
  constructor(model: string, operation: string) {
    super(
      `${model}.${operation} ran without an organisationId in its filter. ` +
        'Scope the query to an organisation, or pass { acrossOrganisations: true } as a query option where a cross-tenant read is intended.',
    );
  }
}

/**
 * Adds a required, indexed `organisationId` and makes every query without it in the filter throw,
 * unless the query says `.setOptions({ acrossOrganisations: true })` (platform admins, xAPI rebuild).
 * Lookups by `_id` alone are allowed: ids are unguessable and the caller checks the policy.
 */
export function tenantScoped(schema: Schema): void {
  schema.add({ organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true, index: true } });
  for (const hook of QUERY_HOOKS) {
    schema.pre(hook, function (this: Query<unknown, unknown>) {
      const filter = this.getFilter();
      const options = this.getOptions() as { acrossOrganisations?: boolean };
      if (options.acrossOrganisations) return;
      if (filter.organisationId !== undefined || filter._id !== undefined) return;
      throw new MissingTenantScopeError(this.model.modelName, hook);
    });
  }
}
