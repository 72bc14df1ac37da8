// Cmi5Session: one launch of an AU for a learner's registration — its one-time fetch, its token and what the AU said.
import { Schema, model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenant-scoped.js';
import { MOVE_ON, type MoveOn } from './cmi5-course-structure.js';

export const SESSION_STATES = ['launched', 'initialized', 'terminated', 'abandoned'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/**
 * `_id` is the session id (a UUID, the `sessionid` context extension). The fetch URL and the auth token carry
 * secrets whose SHA-256 only is kept. `version` grows with each accepted batch: a batch is admitted by a conditional
 * update on it, so two requests of one session cannot both pass the same state.
 */
const cmi5SessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    enrolmentId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    learnerId: { type: String, required: true },
    courseId: { type: String, required: true },
    /** The course version the session was launched in (the package revision). */
    courseVersion: { type: String, required: true },
    auId: { type: String, required: true },
    auIri: { type: String, required: true },
    registration: { type: String, required: true },
    moveOn: { type: String, enum: MOVE_ON, required: true },
    masteryScore: { type: Number },
    launchMode: { type: String, enum: ['Normal', 'Browse', 'Review'], required: true },
    fetchHash: { type: String, required: true },
    fetchedAt: { type: Date },
    tokenHash: { type: String },
    state: { type: String, enum: SESSION_STATES, required: true },
    passed: { type: Boolean, default: false },
    failed: { type: Boolean, default: false },
    completed: { type: Boolean, default: false },
    version: { type: Number, default: 0 },
    launchedAt: { type: Date, required: true },
    lastActivityAt: { type: Date, required: true },
    endedAt: { type: Date },
  },
  { timestamps: false },
);
cmi5SessionSchema.plugin(tenantScoped);
// The previous session of an AU in a registration (abandoned when a new one starts), and the sweep's open sessions.
cmi5SessionSchema.index({ organisationId: 1, enrolmentId: 1, auId: 1, launchedAt: -1 });
cmi5SessionSchema.index({ state: 1, lastActivityAt: 1 });

export interface Cmi5SessionDoc {
  _id: string;
  organisationId: Types.ObjectId;
  enrolmentId: Types.ObjectId;
  userId: Types.ObjectId;
  learnerId: string;
  courseId: string;
  courseVersion: string;
  auId: string;
  auIri: string;
  registration: string;
  moveOn: MoveOn;
  masteryScore?: number;
  launchMode: 'Normal' | 'Browse' | 'Review';
  fetchHash: string;
  fetchedAt?: Date;
  tokenHash?: string;
  state: SessionState;
  passed: boolean;
  failed: boolean;
  completed: boolean;
  version: number;
  launchedAt: Date;
  lastActivityAt: Date;
  endedAt?: Date;
}

export const Cmi5Session = model('Cmi5Session', cmi5SessionSchema);
