// Enrolments: one learner in one course (self-enrolled, or assigned by HR with a due date).
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

const enrolmentSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    courseId: { type: String, required: true },
    /** Version of the course when the learner enrolled (shown on certificates, kept in statements). */
    courseVersion: { type: String, required: true },
    /** The xAPI registration (uuid) that ties every statement of this enrolment together. */
    registration: { type: String, required: true, unique: true },
    enrolledAt: { type: Date, required: true, default: () => new Date() },
    dueDate: { type: Date },
    /**
     * When HR (or a recurring assignment) last set the due date. A due date set after a pass opens a new cycle: the
     * final test opens again (quiz.service.ts). The due date's own value cannot say so: a course assigned for April
     * and passed in March has a due date after its pass, yet nothing new was asked.
     */
    dueSetAt: { type: Date },
    assignedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    /** Set once, when the learner first opens the course (launched + initialized were recorded). */
    launchedAt: { type: Date },
    /**
     * Set once `registered` is stored and projected (the progress document exists). Absent: the enrolment was cut
     * short (the database died between the steps) or predates this field; the start-up repair and the learner's
     * next visit finish it (enrolment.service.ts, completeEnrolmentRecord).
     */
    recordedAt: { type: Date },
  },
  { timestamps: true },
);
enrolmentSchema.plugin(tenantScoped);
// One enrolment per learner and course: enrolling twice returns the existing one.
enrolmentSchema.index({ userId: 1, courseId: 1 }, { unique: true });

export type EnrolmentDoc = InferSchemaType<typeof enrolmentSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const Enrolment = model('Enrolment', enrolmentSchema);
