// Who a studio course is shared with: one document per course (its owner and audience), and one change stamp.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * members: every member office of the owning association; chosen: the listed member offices only; own: the owning
 * office's own staff (an office's private course). The owning organisation itself always sees its course.
 */
export const AUDIENCES = ['members', 'chosen', 'own'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** The audience a course starts with: an association shares with all its members, anyone else keeps it to itself. */
export function defaultAudienceOf(ownerKind: string | undefined): Audience {
  return ownerKind === 'association' ? 'members' : 'own';
}

const courseSharingSchema = new Schema(
  {
    /** The course id: one sharing record per course, read whole at start-up (course-availability.ts). */
    _id: { type: String, required: true },
    audience: { type: String, enum: AUDIENCES, required: true },
    /** For `chosen`: the member offices the course is open to (kept, unused, when the audience changes back). */
    offices: { type: [Schema.Types.ObjectId], default: [] },
    /** Who set the audience last (absent for the default written at publication or start-up). */
    changedBy: { type: new Schema({ id: String, name: String }, { _id: false }) },
  },
  { timestamps: true, versionKey: false },
);
// organisationId = the owner (the studio course's own organisation): an association or an office.
courseSharingSchema.plugin(tenantScoped);

export interface CourseSharingDoc {
  _id: string;
  organisationId: Types.ObjectId;
  audience: Audience;
  offices: Types.ObjectId[];
  changedBy?: { id: string; name: string };
  createdAt: Date;
  updatedAt: Date;
}

export const CourseSharing = model('CourseSharing', courseSharingSchema);

/**
 * One document (`_id` 'current') whose `generation` goes up on every sharing change: another instance reads it by
 * `_id` (one look-up) on each refresh and reads the sharing records again only when it moved.
 */
const sharingStampSchema = new Schema({ _id: { type: String, required: true }, generation: { type: Number, default: 0 } }, { versionKey: false });

export interface SharingStampDoc {
  _id: string;
  generation: number;
}

export const SharingStamp = model('CourseSharingStamp', sharingStampSchema);

/** The `_id` of the one stamp document. */
export const SHARING_STAMP_ID = 'current';
