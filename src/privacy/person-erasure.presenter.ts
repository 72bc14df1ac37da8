// Erasure requests and orders as the pages show them: plain objects, dates in Warsaw time.
import { formatDate, formatDateTime } from '../calendar/calendar.js';
import type { ErasureRequestDoc, PersonErasureDoc } from './person-erasure.model.js';

/** The person's own request on /konto/usuniecie-danych. */
export function presentOwnRequest(request: ErasureRequestDoc, language: string) {
  return { requestedAt: formatDateTime(request.requestedAt, language), ordered: request.status !== 'requested', note: request.note };
}

/** The office admin's page: requests waiting for a decision, and the erasures ordered. */
export function presentErasurePage(office: { requests: ErasureRequestDoc[]; erasures: PersonErasureDoc[] }, language: string) {
  return {
    requests: office.requests.map((request) => ({
      userId: request._id,
      personName: request.personName ?? '',
      requestedAt: formatDateTime(request.requestedAt, language),
      note: request.note,
      orderUrl: `/urzad/usuwanie-danych/${request._id}`,
    })),
    erasures: office.erasures.map((erasure) => ({
      orderedAt: formatDateTime(erasure.orderedAt, language),
      orderedByName: erasure.orderedByName,
      reason: erasure.reason,
      finished: Boolean(erasure.finishedAt),
      finishedAt: erasure.finishedAt && formatDateTime(erasure.finishedAt, language),
      stopped: Boolean(erasure.lastError) && !erasure.finishedAt,
      certificatesHeldUntil: formatDate(erasure.certificatesHeldUntil, language),
      statements: erasure.counts?.statements ?? 0,
    })),
  };
}
