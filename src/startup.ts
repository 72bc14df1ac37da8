// One-off work at start-up, after the database is connected and before the server listens.
import type { AppContext } from './app.js';

export interface StartupOptions extends AppContext {
  /** True when the embedded FerretDB is in use (first start of a fresh install loads demo data). */
  embedded: boolean;
}

/** Runs every start-up task in order; a failure stops the start. */
export async function runStartupTasks(_options: StartupOptions): Promise<void> {
  // Features register their tasks here (course loading, demo seed, xAPI client from the environment).
}
