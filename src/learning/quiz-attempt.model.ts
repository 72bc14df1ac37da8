// Quiz attempts: the questions drawn for one attempt (in their shuffled order) and, once submitted, the grading.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * One drawn question. The shuffled orders are kept as JSON strings because the form posts positions
 * (never option ids) and FerretDB has no nested arrays.
 */
const drawnQuestionSchema = new Schema(
  {
    questionId: { type: String, required: true },
    /** single/multiple/ordering: option ids in the order shown; matching: pair ids of the left items. */
    itemOrder: { type: String, required: true, default: '[]' },
    /** matching: pair ids of the right-hand answers in the order offered in each select. */
    choiceOrder: { type: String, required: true, default: '[]' },
  },
  { _id: false },
);

const gradedQuestionSchema = new Schema(
  {
    questionId: { type: String, required: true },
    /** The learner's answer in xAPI result.response form ('' when unanswered). */
    response: { type: String, default: '' },
    answered: { type: Boolean, required: true },
    success: { type: Boolean, required: true },
    points: { type: Number, required: true },
    maxPoints: { type: Number, required: true },
  },
  { _id: false },
);

/** One saved form field of an open attempt (the codec's names and values, quiz-form.ts); repeated names repeat. */
const savedFieldSchema = new Schema(
  {
    field: { type: String, required: true },
    value: { type: String, required: true },
  },
  { _id: false },
);

const quizAttemptSchema = new Schema(
  {
    enrolmentId: { type: Schema.Types.ObjectId, ref: 'Enrolment', required: true, index: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    courseId: { type: String, required: true },
    courseVersion: { type: String, required: true },
    /** 1 for the first attempt of the enrolment, 2 for the next … */
    number: { type: Number, required: true },
    questions: { type: [drawnQuestionSchema], required: true },
    startedAt: { type: Date, required: true, default: () => new Date() },
    /** The answers saved so far (the whole form each time), graded on submission; positions, never course ids. */
    savedAnswers: { type: [savedFieldSchema], default: undefined },
    answersSavedAt: { type: Date },
    submittedAt: { type: Date },
    results: { type: [gradedQuestionSchema], default: undefined },
    /** When the retention job cleared the answers (results keep points and success; RETENTION_ATTEMPT_ANSWERS_DAYS). */
    answersClearedAt: { type: Date },
    scoreRaw: { type: Number },
    scoreMax: { type: Number },
    scoreScaled: { type: Number },
    passed: { type: Boolean },
  },
  { timestamps: true },
);
quizAttemptSchema.plugin(tenantScoped);
// Two starts racing for the same attempt number: the second fails instead of creating a twin.
quizAttemptSchema.index({ enrolmentId: 1, number: 1 }, { unique: true });

export type QuizAttemptDoc = InferSchemaType<typeof quizAttemptSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId };
export const QuizAttempt = model('QuizAttempt', quizAttemptSchema);
