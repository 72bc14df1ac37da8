// The in-process event bus features use to tell each other what happened, so no arrow runs back up the layers.
import type { Logger } from '../logger.js';

/** A learner passed a course's final quiz (learning announces it; certificates listen). */
export interface CoursePassed {
  userId: string;
  organisationId: string;
  courseId: string;
  /** The version the learner took (the catalogue may hold a newer one by now). */
  courseVersion: string;
  enrolmentId: string;
  registration: string;
  scorePercent: number;
  completedAt: Date;
}

/** An office admin merged one department into another (organisations announces it; people move its staff). */
export interface DepartmentMerged {
  organisationId: string;
  fromDepartmentId: string;
  intoDepartmentId: string;
  /** Who merged them, for the people's history and the audit trail. */
  actor: { id: string; fullName: string };
  at: Date;
}

/** An enrolment's own facts changed: created, assigned, its due date moved, its assignment withdrawn (learning and assignments announce). */
export interface EnrolmentChanged {
  organisationId: string;
  enrolmentId: string;
  userId: string;
  courseId: string;
}

/** Statements moved an enrolment's progress (learning's projector announces, after the progress document is written). */
export interface ProgressChanged {
  organisationId: string;
  enrolmentId: string;
  userId: string;
  courseId: string;
}

/**
 * A certificate was issued, re-issued (a corrected name), revoked, or marked for re-certification after a change of
 * law (certificates announce).
 */
export interface CertificateChanged {
  organisationId: string;
  enrolmentId: string;
  userId: string;
  courseId: string;
  /** The certificate's public number (its verification code). */
  code: string;
  change: 'issued' | 'reissued' | 'revoked' | 'recertification';
}

/** A person joined the office, moved to another department or left (people and auth announce; assignments listen). */
export interface PersonChanged {
  organisationId: string;
  userId: string;
  /** The department now, null for none. */
  departmentId: string | null;
  /** The account's status now (a leaver is `deactivated`). */
  status: string;
  change: 'joined' | 'moved' | 'left' | 'returned';
}

/** A course version was published in the studio and is served (studio announces; certificates listen for a change of law). */
export interface CoursePublished {
  courseId: string;
  version: string;
  /** The organisation that owns the course (an association or an office). */
  organisationId: string;
  /** "Zmiana stanu prawnego": certificates of older versions call for re-certification. */
  legalChange: boolean;
  changeNote?: string;
}

/** What HR or an admin looked at or took away about other people (the access trail's kinds; locales/…/privacy.json). */
export const PERSONAL_DATA_ACCESS_KINDS = [
  'matrix',
  'matrixExport',
  'dueList',
  'dueListExport',
  'peopleList',
  'personRecord',
  'personEdit',
  'certificatePdf',
  'accessTrailExport',
] as const;
export type PersonalDataAccessKind = (typeof PERSONAL_DATA_ACCESS_KINDS)[number];

/**
 * Someone looked at or exported other people's personal data (reports, people and certificates announce, before the
 * page or file goes out; privacy's access trail records it). `subjectIds` are the people shown, the viewer's own id
 * included or not (the trail leaves it out).
 */
export interface PersonalDataAccessed {
  organisationId: string;
  viewer: { id: string; fullName: string; roles: readonly string[] };
  what: PersonalDataAccessKind;
  subjectIds: string[];
  /** The filter a list was read with, as plain words (e.g. "Referat Finansowy, RODO w urzędzie"), when it had one. */
  scope?: string;
}

/** The access event for a signed-in `viewer` who was shown the people `subjectIds` in `what`. */
export function accessBy(
  viewer: { id: string; fullName: string; roles: readonly string[]; organisationId: string },
  what: PersonalDataAccessKind,
  subjectIds: string[],
  scope?: string,
): PersonalDataAccessed {
  return { organisationId: viewer.organisationId, viewer: { id: viewer.id, fullName: viewer.fullName, roles: viewer.roles }, what, subjectIds, scope };
}

/** Every event the platform announces, by name. */
export interface PlatformEventMap {
  'course.passed': CoursePassed;
  'department.merged': DepartmentMerged;
  'enrolment.changed': EnrolmentChanged;
  'progress.changed': ProgressChanged;
  'certificate.changed': CertificateChanged;
  'person.changed': PersonChanged;
  'course.published': CoursePublished;
  'personalData.accessed': PersonalDataAccessed;
}

export type PlatformEventName = keyof PlatformEventMap;
type Listener<Name extends PlatformEventName> = (event: PlatformEventMap[Name]) => Promise<void>;

/**
 * Listeners run one after another and are awaited, so what they do is done when the announcing request
 * answers. A failing listener is logged and does not undo what was announced: the fact stands (a pass is a pass),
 * and each listener must be safe to run again (the certificate issue is idempotent).
 */
export class PlatformEvents {
  private readonly listeners = new Map<PlatformEventName, Array<Listener<PlatformEventName>>>();

  constructor(private readonly logger: Pick<Logger, 'error'>) {}

  /** Adds a listener; createPlatform wires every listener, nothing subscribes by being imported. */
  on<Name extends PlatformEventName>(name: Name, listener: Listener<Name>): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as Listener<PlatformEventName>);
    this.listeners.set(name, list);
  }

  /** Announces an event and waits for every listener; never rejects. */
  async emit<Name extends PlatformEventName>(name: Name, event: PlatformEventMap[Name]): Promise<void> {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        await listener(event);
      } catch (error) {
        this.logger.error({ err: error, event: name }, `a listener of ${name} failed`);
      }
    }
  }
}
