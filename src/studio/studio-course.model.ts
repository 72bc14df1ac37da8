// Courses authored in the studio: the owner's working copy (draft files), its review and its published versions.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';
import { courseVersionFileSchema, type CourseVersionFile } from './course-version.model.js';

/** draft: being written; in-review: sent to a second author; approved: the reviewer approved this revision. */
export const DRAFT_STATES = ['draft', 'in-review', 'approved'] as const;
export type DraftState = (typeof DRAFT_STATES)[number];

const personRefSchema = new Schema({ id: { type: String, required: true }, name: { type: String, required: true } }, { _id: false });

const reviewCommentSchema = new Schema(
  {
    author: { type: personRefSchema, required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
    /** The draft revision the comment was written about. */
    revision: { type: Number, required: true },
  },
  { _id: true },
);

const publishedVersionSchema = new Schema(
  {
    version: { type: String, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: personRefSchema, required: true },
    legalChange: { type: Boolean, default: false },
    changeNote: { type: String },
  },
  { _id: false },
);

const studioCourseSchema = new Schema(
  {
    /** The course id (a slug, as in course.yaml): one studio course per id, an insert deciding who took it. */
    _id: { type: String, required: true },
    /** The draft's files in the course format (course.yaml, quiz.yaml, lessons/*.md, media by SHA-256). */
    files: { type: [courseVersionFileSchema], default: [] },
    /** Counts every saved change: an approval is of one revision, and a later change needs a new review. */
    revision: { type: Number, default: 1 },
    state: { type: String, enum: DRAFT_STATES, default: 'draft' },
    createdBy: { type: personRefSchema, required: true },
    lastEditedBy: { type: personRefSchema },
    reviewRequestedBy: { type: personRefSchema },
    reviewRequestedAt: { type: Date },
    approvedBy: { type: personRefSchema },
    approvedAt: { type: Date },
    approvedRevision: { type: Number },
    comments: { type: [reviewCommentSchema], default: [] },
    versions: { type: [publishedVersionSchema], default: [] },
  },
  { timestamps: true, versionKey: false },
);
// The owner: an association (shares with its member offices) or an office (private courses for its staff).
studioCourseSchema.plugin(tenantScoped);

export interface PersonRef {
  id: string;
  name: string;
}

export interface StudioCourseDoc {
  _id: string;
  organisationId: Types.ObjectId;
  files: CourseVersionFile[];
  revision: number;
  state: DraftState;
  createdBy: PersonRef;
  lastEditedBy?: PersonRef;
  reviewRequestedBy?: PersonRef;
  reviewRequestedAt?: Date;
  approvedBy?: PersonRef;
  approvedAt?: Date;
  approvedRevision?: number;
  comments: Array<{ _id: Types.ObjectId; author: PersonRef; text: string; createdAt: Date; revision: number }>;
  versions: Array<{ version: string; publishedAt: Date; publishedBy: PersonRef; legalChange: boolean; changeNote?: string }>;
  createdAt: Date;
  updatedAt: Date;
}

export const StudioCourse = model('StudioCourse', studioCourseSchema);
