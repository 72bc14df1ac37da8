// Assignments: HR's standing orders "this course, for these people, by then, again every N months", and each person's cycles.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { partitionOf } from '../db/partitions.js';
import { tenantScoped } from '../db/tenant-scoped.js';

export const ASSIGNMENT_TARGETS = ['people', 'department', 'office'] as const;
export type AssignmentTarget = (typeof ASSIGNMENT_TARGETS)[number];
export const ASSIGNMENT_KINDS = ['mandatory', 'recommended'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

/** Days a person gets to complete an assignment when HR names no first due date (and on every later cycle or join). */
export const DEFAULT_DAYS_TO_COMPLETE = 30;

const assignmentSchema = new Schema(
  {
    courseId: { type: String, required: true },
    target: { type: String, enum: ASSIGNMENT_TARGETS, required: true },
    /** The department (target = department). */
    departmentId: { type: Schema.Types.ObjectId },
    /** The chosen people (target = people). */
    userIds: { type: [Schema.Types.ObjectId], default: [] },
    kind: { type: String, enum: ASSIGNMENT_KINDS, required: true, default: 'mandatory' },
    /** Every N months again (the validity of a completion for this assignment); none = once. */
    recurrenceMonths: { type: Number },
    /** Days from joining (or from reopening) to the due date. */
    daysToComplete: { type: Number, required: true, default: DEFAULT_DAYS_TO_COMPLETE },
    /** The first due date HR chose for the people assigned at the start (end of its Warsaw day). */
    firstDueDate: { type: Date },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdByName: { type: String },
    /** How many people the assignment covers (members written). */
    peopleCount: { type: Number, required: true, default: 0 },
    withdrawnAt: { type: Date },
    withdrawnBy: { type: Schema.Types.ObjectId },
  },
  { timestamps: true },
);
assignmentSchema.plugin(tenantScoped);

export type AssignmentDoc = InferSchemaType<typeof assignmentSchema> & { _id: Types.ObjectId; organisationId: Types.ObjectId; createdAt: Date };
const Assignment = model('Assignment', assignmentSchema, 'assignments');

/** The assignments of one office: its own collection, so its list never reads another office's (db/partitions.ts). */
export const assignmentsOf = (organisationId: string | Types.ObjectId) => partitionOf(Assignment, organisationId);
export { Assignment as AssignmentBase };

/** One closed cycle of a person's assignment: what was due and what was done (the history an auditor reads). */
const cycleSchema = new Schema(
  {
    dueDate: { type: Date },
    completedAt: { type: Date },
    certificateCode: { type: String },
    closedAt: { type: Date, required: true },
  },
  { _id: false },
);

const assignmentMemberSchema = new Schema(
  {
    // `<assignmentId>:<userId>`: one record per person and assignment, written and read by `_id`.
    _id: { type: String, required: true },
    assignmentId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    courseId: { type: String, required: true },
    enrolmentId: { type: Schema.Types.ObjectId, required: true },
    /** The due date of the open cycle (end of its Warsaw day). */
    dueDate: { type: Date },
    /** When the open cycle began (assigned, joined, or reopened): a completion before it belongs to an earlier cycle. */
    cycleStartedAt: { type: Date, required: true },
    /** Earlier cycles, oldest first. */
    cycles: { type: [cycleSchema], default: [] },
    withdrawnAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
assignmentMemberSchema.plugin(tenantScoped);

export type AssignmentMemberDoc = InferSchemaType<typeof assignmentMemberSchema> & { organisationId: Types.ObjectId };
const AssignmentMember = model('AssignmentMember', assignmentMemberSchema, 'assignment_members');

/** The assignment members of one office (db/partitions.ts): the jobs scan one office's, pages read by `_id`. */
export const assignmentMembersOf = (organisationId: string | Types.ObjectId) => partitionOf(AssignmentMember, organisationId);
export { AssignmentMember as AssignmentMemberBase };

/** The `_id` of a person's record of an assignment. */
export function memberId(assignmentId: Types.ObjectId | string, userId: Types.ObjectId | string): string {
  return `${String(assignmentId)}:${String(userId)}`;
}
