// The audit trail's API for the other features: record a change, read an office's trail. Entries are never edited.
import { Types } from 'mongoose';
import { AuditEntry, type AuditEntryDoc } from './audit-entry.model.js';

/** The changes that are written down; a feature adding one adds it here (and its label in locales/…/audit.json). */
export const AUDIT_ACTIONS = [
  'organisation.created',
  'organisation.settingsChanged',
  'organisation.joinPolicyChanged',
  'administrator.appointed',
  'department.added',
  'department.renamed',
  'department.merged',
  'department.archived',
  'department.restored',
  'person.added',
  'person.invited',
  'person.imported',
  'person.approved',
  'person.rejected',
  'person.deactivated',
  'person.reactivated',
  'person.moved',
  'person.rolesChanged',
  'person.detailsChanged',
  'import.run',
  'quiz.attemptGranted',
  'quiz.cooldownLifted',
  'assignment.created',
  'assignment.withdrawn',
  'course.sharingChanged',
  'course.hidden',
  'course.restored',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditActor {
  id: string;
  fullName: string;
}

export interface AuditRecord {
  /** The organisation whose trail gets the entry (the office changed, not the actor's own, for the operator). */
  organisationId: string;
  actor: AuditActor;
  action: AuditAction;
  subject: { kind: string; id?: string; label?: string };
  reason?: string;
  details?: Record<string, unknown>;
}

export interface AuditEntryView {
  id: string;
  at: Date;
  actorName: string;
  action: string;
  subject: { kind: string; id?: string; label?: string };
  reason?: string;
  details?: Record<string, unknown>;
}

export class AuditTrail {
  /** Writes one entry (an acknowledged insert): call it after the change itself is stored. */
  async record(entry: AuditRecord): Promise<void> {
    await AuditEntry.create({
      organisationId: new Types.ObjectId(entry.organisationId),
      actorId: new Types.ObjectId(entry.actor.id),
      actorName: entry.actor.fullName,
      action: entry.action,
      subject: entry.subject,
      reason: entry.reason,
      details: entry.details,
    });
  }

  /**
   * One office's entries, newest first, a page at a time (`limit` + 1 read to know whether there is more).
   * On FerretDB this filter reads the whole collection; the trail is read rarely (an admin, an auditor).
   */
  async list(organisationId: string, { limit = 50, skip = 0 }: { limit?: number; skip?: number } = {}): Promise<{ entries: AuditEntryView[]; hasMore: boolean }> {
    const docs = await AuditEntry.find({ organisationId: new Types.ObjectId(organisationId) })
      .sort({ at: -1, _id: -1 })
      .skip(skip)
      .limit(limit + 1)
      .lean<AuditEntryDoc[]>();
    return {
      hasMore: docs.length > limit,
      entries: docs.slice(0, limit).map((doc) => ({
        id: doc._id.toHexString(),
        at: doc.at,
        actorName: doc.actorName,
        action: doc.action,
        subject: { kind: doc.subject?.kind ?? '', id: doc.subject?.id ?? undefined, label: doc.subject?.label ?? undefined },
        reason: doc.reason ?? undefined,
        details: (doc.details as Record<string, unknown> | undefined) ?? undefined,
      })),
    };
  }
}
