// Mongoose plugin: documents belong to one organisation, and no query may forget which.
import { Schema, Types, type Aggregate, type Query } from 'mongoose';

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
  'distinct',
] as const;

/** An `_id` filter that names documents: one id, or `{ $in: [ids] }` — not an operator that matches many. */
function namesDocuments(id: unknown): boolean {
  if (id === undefined || id === null) return false;
  if (typeof id !== 'object' || id instanceof Types.ObjectId) return true;
  const operators = Object.keys(id);
  return operators.length === 1 && operators[0] === '$in' && Array.isArray((id as { $in: unknown }).$in);
}

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
 * Lookups that name documents by `_id` alone are allowed: ids are unguessable and the caller checks the policy.
 */
export function tenantScoped(schema: Schema): void {
  schema.add({ organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true, index: true } });
  for (const hook of QUERY_HOOKS) {
    schema.pre(hook, function (this: Query<unknown, unknown>) {
      const filter = this.getFilter();
      const options = this.getOptions() as { acrossOrganisations?: boolean };
      if (options.acrossOrganisations) return;
      if (filter.organisationId !== undefined || namesDocuments(filter._id)) return;
      throw new MissingTenantScopeError(this.model.modelName, hook);
    });
  }
  // An aggregation must start by matching one organisation.
  schema.pre('aggregate', function (this: Aggregate<unknown>) {
    if ((this.options as { acrossOrganisations?: boolean }).acrossOrganisations) return;
    const first = this.pipeline()[0] as { $match?: { organisationId?: unknown } } | undefined;
    if (first?.$match?.organisationId !== undefined) return;
    throw new MissingTenantScopeError(this.model().modelName, 'aggregate');
  });
}
