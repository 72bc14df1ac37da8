// What the SCORM feature keeps about a person, for the erasure (src/privacy/person-erasure.service.ts).
import { Types } from 'mongoose';
import { ScormAttempt } from './scorm-attempt.model.js';

/**
 * Deletes a person's SCORM attempts in their office: the committed CMI holds their name (`cmi.core.student_name`,
 * `cmi.learner_name`) and answers. Idempotent (a retried erasure finds nothing); returns how many went.
 */
export async function eraseScormAttemptsOf(params: { organisationId: string; userId: string }): Promise<number> {
  const { deletedCount } = await ScormAttempt.deleteMany({ organisationId: new Types.ObjectId(params.organisationId), userId: new Types.ObjectId(params.userId) });
  return deletedCount;
}

/** A person's SCORM attempts for their data download (RODO art. 15 and 20): what each SCO committed, read as JSON. */
export async function scormDataOf(params: { organisationId: string; userId: string }) {
  const attempts = await ScormAttempt.find({ organisationId: new Types.ObjectId(params.organisationId), userId: new Types.ObjectId(params.userId) })
    .select({ organisationId: 0, __v: 0 })
    .lean<Array<{ cmi: string } & Record<string, unknown>>>();
  return { scormAttempts: attempts.map(({ cmi, ...attempt }) => ({ ...attempt, cmi: parsedCmi(cmi) })) };
}

/** The stored CMI text as an object; kept as text if it somehow is not JSON (the download still says what is stored). */
function parsedCmi(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
