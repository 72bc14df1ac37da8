// Mocha root hooks: one database server for the whole run (MONGODB_URI, or the embedded FerretDB), and closing the shared Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from '../../src/db/embedded-ferretdb.js';
import { closeSharedBrowser } from './browser.js';

let embedded: EmbeddedFerretDb | undefined;
let dataDir: string | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (process.env.MONGODB_URI) {
      process.env.TEST_DATABASE_URI = process.env.MONGODB_URI;
      return;
    }
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-test-'));
    embedded = await startEmbeddedFerretDb({ dataDir });
    process.env.TEST_DATABASE_URI = embedded.uri;
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(20_000);
    // The e2e files share one browser (test/helpers/browser.ts), launched by the first of them; a browser that
    // fails to close must not leave the database server running.
    try {
      await closeSharedBrowser();
    } finally {
      await embedded?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
