// Reports' read API for other features (the association's overview): completion per office, from its standings.
import { completionMatrix, type Completion } from './completion-matrix.service.js';
import type { ReportsDeps } from './reports.deps.js';

/** One office's totals, by the same rules as its HR completion matrix (matrix people; enrolments and completed ones). */
export interface OfficeCompletion extends Completion {
  organisationId: string;
  /** The people the office's matrix shows (its learners, and anyone else with an enrolment). */
  people: number;
}

/** Totals of each office, in the order given; an office that no longer exists is left out. */
export async function officeCompletions(deps: Pick<ReportsDeps, 'catalogue' | 'availability'>, organisationIds: string[], now = new Date()): Promise<OfficeCompletion[]> {
  const results: OfficeCompletion[] = [];
  // One office at a time: each matrix reads that office's people and its standings by `_id` (tens of offices).
  for (const organisationId of organisationIds) {
    try {
      const matrix = await completionMatrix(deps, { organisationId, now });
      results.push({ organisationId, people: matrix.rowCount, ...matrix.totals });
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  return results;
}
