// Facts about one office's statement log that let the LRS skip work: "has StatementRefs", "has void marks".
import { Schema, model } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';
import { isDuplicateKeyError } from '../db/database-errors.js';

/**
 * One document per fact and office, `_id` = `<organisationId>:<fact>`, present once the fact became true and never
 * removed. One document per fact (not one per office with flags) because setting a fact is then an insert:
 * FerretDB can lose one of two concurrent updates of one document, never a unique insert.
 */
const lrsFactSchema = new Schema(
  {
    _id: { type: String, required: true },
    since: { type: Date, required: true },
  },
  { versionKey: false },
);
lrsFactSchema.plugin(tenantScoped);

export const XapiLrsFact = model('XapiLrsFact', lrsFactSchema, 'xapi_lrs_facts');

/**
 * `statement-refs`: some statement of the office has a StatementRef object (`targetId`), voiding statements
 * included, so filtered queries must follow references (Communication 2.1.3).
 * `void-marks`: some void mark of the office exists, so new statements with client ids are checked against them.
 */
export type LrsFact = 'statement-refs' | 'void-marks';

const factId = (organisationId: string, fact: LrsFact) => `${organisationId}:${fact}`;

/** Whether the fact holds for the office: one `_id` look-up. */
export async function hasLrsFact(organisationId: string, fact: LrsFact): Promise<boolean> {
  return (await XapiLrsFact.findById(factId(organisationId, fact)).select('_id').lean()) !== null;
}

/** Records the fact (idempotent). Written before what makes it true, so a reader who can see that also sees the fact. */
export async function setLrsFact(organisationId: string, fact: LrsFact): Promise<void> {
  if (await hasLrsFact(organisationId, fact)) return;
  try {
    await XapiLrsFact.create({ _id: factId(organisationId, fact), organisationId, since: new Date() });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}
