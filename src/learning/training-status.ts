// The one status vocabulary of mandatory training: every view, export and e-mail names a person's standing on a
// course with one of these, decided by one function from the same facts.
import { addDays } from '../calendar/calendar.js';

/**
 * - not_started "nie rozpoczęto": enrolled or assigned, nothing opened yet
 * - in_progress "w trakcie": started, no valid completion
 * - completed "ukończono": a valid completion (its certificate neither revoked nor expired)
 * - overdue "po terminie": the due date has passed without a valid completion after it was set
 * - expired "wygasło": the completion's validity ended and nobody set a new due date
 * - revoked "unieważniono": the certificate of the last completion was revoked
 * - renewal_due "do odnowienia": the validity ends within RENEWAL_NOTICE_DAYS, or ended and a new due date is still ahead;
 *   or a later version of the course changed the law (`recertification`: shown as "do odnowienia (zmiana prawa)")
 */
export const TRAINING_STATUSES = ['not_started', 'in_progress', 'completed', 'overdue', 'expired', 'revoked', 'renewal_due'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];

/** How long before a completion's validity ends it shows as "do odnowienia" (and the refresher is offered). */
export const RENEWAL_NOTICE_DAYS = 30;

/** What the status of one person on one course is decided from; every source (matrix, dashboard, mail) fills it in. */
export interface TrainingFacts {
  /** The due date HR set (end of its Warsaw day), if any. */
  dueDate?: Date | null;
  /** Anything recorded beyond the enrolment itself (a lesson opened, a check answered, a quiz attempt). */
  started: boolean;
  /** The latest completion (the course's final test passed under its completion rules). */
  completedAt?: Date | null;
  /** Until when that completion counts (certificate validity); none = it does not expire. */
  validUntil?: Date | null;
  /** The certificate of that completion was revoked. */
  revoked?: boolean;
  /**
   * A later version changed the law ("zmiana stanu prawnego"): the completion still counts (its certificate stays
   * valid as proof of the training), but the course must be taken again in that version.
   */
  recertification?: { requiredSince: Date; byVersion: string; note?: string } | null;
}

/** Whether the facts show a completion that counts at `now`: not revoked, not expired. */
export function hasValidCompletion(facts: TrainingFacts, now: Date): boolean {
  if (!facts.completedAt || facts.revoked) return false;
  return !facts.validUntil || facts.validUntil.getTime() > now.getTime();
}

/**
 * The status at `now`. Order matters: a valid completion wins; then a due date that passed after the last completion
 * (a late refresher is "po terminie", not "wygasło"); then what happened to the last completion; then progress.
 */
export function trainingStatus(facts: TrainingFacts, now: Date): TrainingStatus {
  const completedAt = facts.completedAt ?? undefined;
  if (hasValidCompletion(facts, now)) {
    const endsSoon = facts.validUntil && facts.validUntil.getTime() <= addDays(now, RENEWAL_NOTICE_DAYS).getTime();
    return endsSoon || facts.recertification ? 'renewal_due' : 'completed';
  }
  const due = facts.dueDate ?? undefined;
  const dueAfterCompletion = due && (!completedAt || due.getTime() > completedAt.getTime());
  if (dueAfterCompletion && due.getTime() < now.getTime()) return 'overdue';
  if (completedAt && facts.revoked) return 'revoked';
  if (completedAt) return dueAfterCompletion ? 'renewal_due' : 'expired';
  return facts.started ? 'in_progress' : 'not_started';
}

/** Whether `renewal_due` is because the law changed (the words add "(zmiana prawa)"), not because validity ends. */
export function dueForLegalChange(facts: TrainingFacts, now: Date): boolean {
  return Boolean(facts.recertification) && trainingStatus(facts, now) === 'renewal_due';
}

/**
 * The locale key of a status's words: `common:trainingStatus.<status>`, or "do odnowienia (zmiana prawa)" when the
 * renewal is due because the law changed (`legalChange`: dueForLegalChange).
 */
export function trainingStatusKey(status: TrainingStatus, legalChange = false): string {
  return legalChange && status === 'renewal_due' ? 'common:trainingStatusLegalChange' : `common:trainingStatus.${status}`;
}

/** Statuses HR must act on: shown in the overdue list, the digest and the escalation. */
export function needsAction(status: TrainingStatus): boolean {
  return status === 'overdue' || status === 'revoked' || status === 'expired';
}
