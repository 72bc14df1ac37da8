// Projectors keep derived collections (learning progress, reports) in step with the statement log; createPlatform lists them.
import type { StoredStatement } from './xapi.types.js';

export type { StoredStatement } from './xapi.types.js';

export interface Projector {
  /** Unique name, for logs and the rebuild's report. */
  name: string;
  /** Empties the derived data before `npm run xapi:rebuild` replays every statement. */
  reset(): Promise<void>;
  /** Applies newly stored statements (in stored order), voiding statements included. Must be idempotent. */
  apply(statements: StoredStatement[]): Promise<void>;
}
