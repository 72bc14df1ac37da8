// Learning's read API for other features (reports): enrolments and their progress, without their collections.
import type { Types } from 'mongoose';
import { Enrolment, type EnrolmentDoc } from './enrolment.model.js';
import { LearningProgress, type LearningProgressDoc } from './learning-progress.model.js';

/** One enrolment with its projected progress (undefined before the first statement was projected). */
export interface EnrolmentWithProgress {
  enrolment: EnrolmentDoc;
  progress: LearningProgressDoc | undefined;
}

export interface EnrolmentQuery {
  /** Only enrolments with a due date up to this instant (assigned courses due soon or overdue). */
  dueBy?: Date;
  /** Only enrolments on this course. */
  courseId?: string;
  /** Only enrolments of these people. */
  userIds?: Types.ObjectId[];
}

/** The organisation's enrolments matching the query, each with its progress (read by _id, never from the log). */
export async function enrolmentsOfOrganisation(organisationId: Types.ObjectId, query: EnrolmentQuery = {}): Promise<EnrolmentWithProgress[]> {
  const enrolments = await Enrolment.find({
    organisationId,
    ...(query.dueBy ? { dueDate: { $lte: query.dueBy } } : {}),
    ...(query.courseId ? { courseId: query.courseId } : {}),
    ...(query.userIds ? { userId: { $in: query.userIds } } : {}),
  }).lean<EnrolmentDoc[]>();
  if (!enrolments.length) return [];
  const progress = await LearningProgress.find({ _id: { $in: enrolments.map((e) => e._id) }, organisationId }).lean<LearningProgressDoc[]>();
  const byId = new Map(progress.map((p) => [String(p._id), p]));
  return enrolments.map((enrolment) => ({ enrolment, progress: byId.get(String(enrolment._id)) }));
}
