// The Activities resource: the LRS's view of an activity, merged from the definitions statements carried.
import { Types } from 'mongoose';
import { statementsOf } from './statement.model.js';

type Definition = Record<string, unknown>;

/** The activity with the definition built from its statements (latest wins; language maps merged). */
export async function describeActivity(organisationId: string, activityId: string): Promise<{ objectType: 'Activity'; id: string; definition?: Definition }> {
  // A scan of the office's own log only (statementsOf): the cost follows this office's statements.
  const statements = await statementsOf(organisationId);
  const docs = await statements
    .find({ organisationId: new Types.ObjectId(organisationId), relatedActivityIds: activityId })
    .sort({ stored: 1 })
    .select('json')
    .lean();
  let definition: Definition | undefined;
  for (const doc of docs) {
    for (const activity of activitiesIn(JSON.parse(doc.json) as Record<string, unknown>)) {
      if (activity.id !== activityId || !activity.definition) continue;
      definition = mergeDefinition(definition ?? {}, activity.definition as Definition);
    }
  }
  return definition ? { objectType: 'Activity', id: activityId, definition } : { objectType: 'Activity', id: activityId };
}

function activitiesIn(statement: Record<string, unknown>): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const object = statement.object as Record<string, unknown>;
  if (object.objectType === undefined || object.objectType === 'Activity') found.push(object);
  if (object.objectType === 'SubStatement') found.push(...activitiesIn(object));
  const lists = (statement.context as { contextActivities?: Record<string, unknown> } | undefined)?.contextActivities ?? {};
  for (const list of Object.values(lists)) found.push(...((Array.isArray(list) ? list : [list]) as Array<Record<string, unknown>>));
  return found;
}

function mergeDefinition(base: Definition, next: Definition): Definition {
  const merged: Definition = { ...base, ...next };
  for (const key of ['name', 'description']) {
    if (base[key] && next[key]) merged[key] = { ...base[key], ...next[key] };
  }
  return merged;
}
