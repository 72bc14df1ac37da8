// Projectors keep derived collections (learning progress, reports) in step with the statement log.
import type { StoredStatement } from './xapi.types.js';

export type { StoredStatement } from './xapi.types.js';

export interface Projector {
  /** Unique name; registering the same name again replaces the earlier projector. */
  name: string;
  /** Empties the derived data before `npm run xapi:rebuild` replays every statement. */
  reset(): Promise<void>;
  /** Applies newly stored statements (in stored order), voiding statements included. Must be idempotent. */
  apply(statements: StoredStatement[]): Promise<void>;
}

const registry = new Map<string, Projector>();

/** Registers a projector that storeStatements awaits after each acknowledged write. */
export function registerProjector(projector: Projector): void {
  registry.set(projector.name, projector);
}

/** The registered projectors, in registration order. */
export function registeredProjectors(): Projector[] {
  return [...registry.values()];
}
