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
  'person.erasureRequested',
  'person.erasureOrdered',
  'person.erased',
  'organisation.certificateRetentionChanged',
  'person.provisioned',
  'person.directoryUpdated',
  'signInMethod.added',
  'signInMethod.changed',
  'signInMethod.removed',
  'signInMethod.synced',
  'organisation.localPasswordsChanged',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How the trail names a person an office erased (Polish, as the rest of what actors wrote). */
export const ERASED_PERSON_LABEL = 'Osoba usunięta';

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

function viewOf(doc: AuditEntryDoc): AuditEntryView {
  return {
    id: doc._id.toHexString(),
    at: doc.at,
    actorName: doc.actorName,
    action: doc.action,
    subject: { kind: doc.subject?.kind ?? '', id: doc.subject?.id ?? undefined, label: doc.subject?.label ?? undefined },
    reason: doc.reason ?? undefined,
    details: (doc.details as Record<string, unknown> | undefined) ?? undefined,
  };
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
   * Forgets who an erased person was in the office's trail: entries about them keep what was done, when, by whom
   * and why, but their label becomes ERASED_PERSON_LABEL and the details (names, addresses before and after) go.
   * Entries the person made as HR or an admin keep their name: the office's record of who decided (art. 5(2) RODO).
   */
  async forgetSubject(organisationId: string, subjectId: string): Promise<number> {
    const organisation = new Types.ObjectId(organisationId);
    const { modifiedCount } = await AuditEntry.updateMany(
      { organisationId: organisation, 'subject.id': subjectId },
      { $set: { 'subject.label': ERASED_PERSON_LABEL }, $unset: { details: 1 } },
    );
    // What the person did about themself (their own erasure request) no longer names them as the actor either.
    await AuditEntry.updateMany({ organisationId: organisation, 'subject.id': subjectId, actorId: new Types.ObjectId(subjectId) }, { $set: { actorName: ERASED_PERSON_LABEL } });
    return modifiedCount;
  }

  /** The office's entries about one person (their data export), oldest first; a scan of the trail, read rarely. */
  async about(organisationId: string, subjectId: string): Promise<AuditEntryView[]> {
    const docs = await AuditEntry.find({ organisationId: new Types.ObjectId(organisationId), 'subject.id': subjectId })
      .sort({ at: 1, _id: 1 })
      .lean<AuditEntryDoc[]>();
    return docs.map(viewOf);
  }

  /** Deletes the entries written before `before` (the retention job; across organisations, one pass). */
  async removeWrittenBefore(before: Date): Promise<number> {
    const { deletedCount } = await AuditEntry.deleteMany({ at: { $lt: before } }).setOptions({ acrossOrganisations: true });
    return deletedCount;
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
      entries: docs.slice(0, limit).map(viewOf),
    };
  }
}
