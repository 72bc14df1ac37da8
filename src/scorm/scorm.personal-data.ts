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
