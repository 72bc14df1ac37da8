// Cmi5AuState: what an AU reported across the sessions of one registration (the enrolment), keyed `<enrolmentId>:<auId>`.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';

/**
 * completed and passed are once per registration (cmi5 9.3.3, 9.3.4), so they live here, not on a session;
 * `satisfiedAt` is when the AU's moveOn was first met (the LMS records `satisfied` of its blocks and course then).
 */
const cmi5AuStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    enrolmentId: { type: Schema.Types.ObjectId, required: true },
    courseId: { type: String, required: true },
    auId: { type: String, required: true },
    completed: { type: Boolean, default: false },
    passed: { type: Boolean, default: false },
    failed: { type: Boolean, default: false },
    scoreScaled: { type: Number },
    satisfiedAt: { type: Date },
    updatedAt: { type: Date, required: true },
  },
  { timestamps: false },
);
cmi5AuStateSchema.plugin(tenantScoped);

export interface Cmi5AuStateDoc {
  _id: string;
  organisationId: Types.ObjectId;
  enrolmentId: Types.ObjectId;
  courseId: string;
  auId: string;
  completed: boolean;
  passed: boolean;
  failed: boolean;
  scoreScaled?: number;
  satisfiedAt?: Date;
  updatedAt: Date;
}

export const Cmi5AuState = model('Cmi5AuState', cmi5AuStateSchema);

export function auStateId(enrolmentId: Types.ObjectId | string, auId: string): string {
  return `${typeof enrolmentId === 'string' ? enrolmentId : enrolmentId.toHexString()}:${auId}`;
}
